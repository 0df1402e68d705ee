#!/usr/bin/env bash
# G1's young pauses under the control plane's garbage, for several target jars side by side (the same load at the same
# time, so the VM's state is the same for each): every jar's `demo` (its own portal 127.0.0.1:3280+N and metrics
# 127.0.0.1:9310+N, the launcher's options for a target from bin/jvm-env.sh, G1's log) gets, in rounds, 5 scrapes of
# /metrics and one login with an INQUIRY (iscsi-inq), a round every 0.3 s, for SECONDS; then each jar's young pauses
# (when, heap before -> after, how long) and their median and longest. About 10 times the garbage of one scrape a
# second, so that the first pauses come within a minute rather than after several.
#   bench/scripts/young-pauses.sh OUT SECONDS JAR...        (e.g. OUT 150 a.jar b.jar)
# Nothing else should run meanwhile (a pause's length follows the CPUs' load); it stops the targets it starts.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 OUT SECONDS JAR..." >&2; exit 2; }
out=$1; secs=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
jdk=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
# shellcheck source=../../bin/jvm-env.sh
. "$here/../../bin/jvm-env.sh"
ringtarget_jvm_env
mkdir -p "$out"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null || true' EXIT
n=0
for jar in "$@"; do
  # shellcheck disable=SC2086 # a list of options
  "$jdk/bin/java" --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
    $RINGTARGET_TARGET_JAVA_OPTS -Xlog:gc:file="$out/gc-$n.log" -jar "$jar" demo --portal "127.0.0.1:$((3280 + n))" \
    --metrics "127.0.0.1:$((9310 + n))" > "$out/demo-$n.log" 2>&1 &
  pids+=($!)
  n=$((n + 1))
done
for i in $(seq 0 $((n - 1))); do
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$((9310 + i))/metrics" && break; sleep 0.2; done
done
start=$SECONDS
while [ $((SECONDS - start)) -lt "$secs" ]; do
  for i in $(seq 0 $((n - 1))); do
    for _ in 1 2 3 4 5; do curl -sf -o /dev/null "http://127.0.0.1:$((9310 + i))/metrics"; done
    iscsi-inq "iscsi://127.0.0.1:$((3280 + i))/iqn.2026-11.io.ringtarget:demo/0" > /dev/null
  done
  sleep 0.3
done
kill "${pids[@]}"; wait 2>/dev/null || true; pids=()
python3 - "$out" "$@" <<'EOF'
import re, statistics, sys
out, jars = sys.argv[1], sys.argv[2:]
for n, jar in enumerate(jars):
    pauses = [(float(m.group(1)), m.group(2), float(m.group(3)))
              for m in re.finditer(r"\[([\d.]+)s\].*Pause Young \([^)]*\) \([^)]*\) (\S+) ([\d.]+)ms",
                                   open(f"{out}/gc-{n}.log").read())]
    full = len(re.findall(r"Pause Full", open(f"{out}/gc-{n}.log").read()))
    ms = [p[2] for p in pauses]
    print(f"{jar}: {len(ms)} young pauses, {full} full" + (f", median {statistics.median(ms):.1f} ms, longest "
          f"{max(ms):.1f} ms" if ms else ""))
    for t, heap, d in pauses:
        print(f"    {t:8.1f} s  {heap:>16}  {d:6.2f} ms")
EOF
