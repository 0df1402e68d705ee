#!/usr/bin/env bash
# Where an idle target's CPU goes, thread by thread: a `ringtarget demo` (two loops, pings every 5 s, metrics off)
# with COUNT logged-in idle sessions of another process (native-tests/.../idle/IdleSessions.java; 0 for none), and
# for each thread its run time (/proc/PID/task/TID/schedstat, nanoseconds) and context switches over WINDOW seconds,
# SETTLE seconds after the logins (default 10). Extra arguments are JVM flags. Companion of idle-sessions.sh, which
# gives the totals.
#   [JAR=path/to/ringtarget.jar] [SETTLE=S] bench/scripts/idle-threads.sh COUNT WINDOW [JVM flags...]
# (default jar: server/target/ringtarget.jar). Starts and stops its own target on 127.0.0.1:13264.
set -euo pipefail
count=$1; window=$2; shift 2
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bin/find-jdk.sh"
ringtarget_find_jdk
JAVA="$JAVA_HOME/bin/java"
port=13264
out=$(mktemp -d)
pid=""; sessions=""
cleanup() { [ -n "$sessions" ] && kill $sessions 2>/dev/null; [ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT
$JAVA --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED "$@" \
  -jar ${JAR:-$root/server/target/ringtarget.jar} demo --loops=2 --size=16M --portal=127.0.0.1:$port --metrics=off \
  --admin-socket="$out/admin.sock" > "$out/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
sleep 2
mkfifo "$out/hold"
if [ "$count" -gt 0 ]; then
$JAVA $root/native-tests/src/test/java/io/ringtarget/nativetests/idle/IdleSessions.java $port iqn.2026-11.io.ringtarget:demo "$count" < "$out/hold" > "$out/sessions.out" 2>&1 &
sessions=$!
exec 4>"$out/hold"
for _ in $(seq 1 600); do grep -q "^logged-in" "$out/sessions.out" && break; sleep 0.2; done
grep -q "^logged-in $count" "$out/sessions.out" || { cat "$out/sessions.out"; exit 1; }
fi
sleep "${SETTLE:-10}"
snap() { for t in /proc/$pid/task/*; do
  printf '%s\t%s\t%s\t%s\n' "$(basename $t)" "$(cat $t/comm | tr ' ' '_')" "$(cut -d' ' -f1 $t/schedstat)" \
    "$(awk '/ctxt_switches/ {s+=$2} END {print s}' $t/status)"; done; }
snap > "$out/a"; t0=$(date +%s.%N)
sleep "$window"
snap > "$out/b"; t1=$(date +%s.%N)
python3 - "$out/a" "$out/b" "$t0" "$t1" <<'PY'
import sys
a={l.split('\t')[0]:l.rstrip('\n').split('\t') for l in open(sys.argv[1])}
b={l.split('\t')[0]:l.rstrip('\n').split('\t') for l in open(sys.argv[2])}
wall=float(sys.argv[4])-float(sys.argv[3])
rows=[]; tot=0; totw=0
for tid,(t,name,ns,sw) in b.items():
    ns0,sw0=(int(a[tid][2]),int(a[tid][3])) if tid in a else (0,0)
    d=int(ns)-ns0; w=int(sw)-sw0; tot+=d; totw+=w
    rows.append((d,name,w))
rows.sort(reverse=True)
print(f"window {wall:.0f} s: process {100*tot/1e9/wall:.3f} % of a core, {totw/wall:.1f} switches/s")
for d,name,w in rows[:15]:
    if d>0 or w>0: print(f"  {name:28s} {100*d/1e9/wall:7.3f} %  {w/wall:7.1f}/s")
PY
