#!/usr/bin/env bash
# Issue 15, "1,000 idle sessions cost < 1 % of a core": the CPU of a real `ringtarget demo` process (two loops, NOP-In
# pings every 5 s, metrics off) while COUNT logged-in sessions of another process
# (native-tests/.../idle/IdleSessions.java, which answers the pings as an initiator does) send no command. Per run:
# the whole process's CPU and its loops' CPU over WINDOW seconds (from /proc), the loops' wake-ups, resident memory
# added by the sessions. With several jars the runs alternate (A B A B ...), for a comparison on one VM state.
# The window starts 5 s after the logins; with --then S a second window of the same length starts S seconds after the
# first ends (the steady state: the JIT compiler works on for a minute or two after the logins, see idle-threads.sh).
#   bench/scripts/idle-sessions.sh [--count N] [--window S] [--reps R] [--then S] [JAR...]
# (default: --count 1000 --window 60 --reps 3, no second window, server/target/ringtarget.jar)
# Starts and stops its own targets on 127.0.0.1:13263; leaves nothing running.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
source "$root/bin/find-jdk.sh"
ringtarget_find_jdk
count=1000; window=60; reps=3; then=""; jars=()
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --window) window="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --then) then="$2"; shift 2 ;;
    *) jars+=("$1"); shift ;;
  esac
done
[ ${#jars[@]} -gt 0 ] || jars=("$root/server/target/ringtarget.jar")
port=13263
out="$(mktemp -d)"
pid=""; sessions=""; rss0=0
cleanup() {
  [ -n "$sessions" ] && kill "$sessions" 2>/dev/null && wait "$sessions" 2>/dev/null
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$out"
}
trap cleanup EXIT
clk=$(getconf CLK_TCK)
# utime + stime of a process or a thread, in clock ticks.
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "$1"; }
loop_ticks() { local t n=0; for t in /proc/"$pid"/task/*; do
  case "$(cat "$t/comm")" in ringtarget-[0-9]*) n=$((n + $(ticks "$t/stat"))) ;; esac; done; echo "$n"; }
voluntary() { awk '/^voluntary_ctxt_switches/ { print $2 }' "$1/status"; }
loop_wakeups() { local t n=0; for t in /proc/"$pid"/task/*; do
  case "$(cat "$t/comm")" in ringtarget-[0-9]*) n=$((n + $(voluntary "$t"))) ;; esac; done; echo "$n"; }
rss_kib() { awk '/^VmRSS/ { print $2 }' /proc/"$pid"/status; }

measure() { # JAR WHEN: the process's and its loops' CPU over the window starting now
  local rss1 c0 l0 w0 t0 c1 l1 w1 t1
  rss1=$(rss_kib); c0=$(ticks /proc/$pid/stat); l0=$(loop_ticks); w0=$(loop_wakeups); t0=$(date +%s.%N)
  sleep "$window"
  c1=$(ticks /proc/$pid/stat); l1=$(loop_ticks); w1=$(loop_wakeups); t1=$(date +%s.%N)
  python3 - "$1" "$count" "$c0" "$c1" "$l0" "$l1" "$w0" "$w1" "$t0" "$t1" "$clk" "$rss0" "$rss1" "$2" <<'PY'
import sys
jar, n, c0, c1, l0, l1, w0, w1, t0, t1, clk, r0, r1, when = sys.argv[1:]
wall = float(t1) - float(t0); clk = float(clk)
print(f"{jar}: {n} idle sessions, {wall:.0f} s from {when}: process {100 * (int(c1) - int(c0)) / clk / wall:.2f} % "
      f"of a core, loops {100 * (int(l1) - int(l0)) / clk / wall:.2f} %, loop wake-ups {(int(w1) - int(w0)) / wall:.1f}/s, "
      f"+{(int(r1) - int(r0)) / 1024:.0f} MiB resident for the sessions")
PY
}

run() { # JAR
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
    -jar "$1" demo --loops=2 --size=16M --portal=127.0.0.1:$port --metrics=off --admin-socket="$out/admin.sock" \
    > "$out/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 150); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
  sleep 2
  rss0=$(rss_kib)
  mkfifo "$out/hold"
  "$JAVA_HOME/bin/java" "$root/native-tests/src/test/java/io/ringtarget/nativetests/idle/IdleSessions.java" \
    $port iqn.2026-11.io.ringtarget:demo "$count" < "$out/hold" > "$out/sessions.out" 2>&1 &
  sessions=$!
  exec 4>"$out/hold"
  for _ in $(seq 1 600); do grep -q "^logged-in" "$out/sessions.out" && break; sleep 0.2; done
  grep -q "^logged-in $count" "$out/sessions.out" || { cat "$out/sessions.out" "$out/serve.log" >&2; exit 1; }
  sleep 5   # the logins' after-effects settle
  measure "$1" "5 s after the logins"
  if [ -n "$then" ]; then
    sleep "$then"
    measure "$1" "$((5 + window + then)) s after the logins"
  fi
  exec 4>&-
  wait "$sessions" 2>/dev/null || true; sessions=""
  rm -f "$out/hold"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}
for rep in $(seq 1 "$reps"); do
  for jar in "${jars[@]}"; do
    run "$jar"
  done
done
