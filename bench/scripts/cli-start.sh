#!/usr/bin/env bash
# Start-up time of CLI commands, interleaved so that a machine whose load changes during the run treats each
# variant alike: runs each command N times in turn (A B A B ...) and prints, per command, the median, min and max of
# the wall time and the median user+system CPU time. docs/cli-start.md has the figures and the commands.
#   bench/scripts/cli-start.sh [-n 10] 'COMMAND A' ['COMMAND B' ...]
set -euo pipefail
runs=10
if [ "${1:-}" = "-n" ]; then runs="$2"; shift 2; fi
[ "$#" -gt 0 ] || { echo "usage: $0 [-n RUNS] 'COMMAND' ..." >&2; exit 2; }
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
for ((r = 0; r < runs; r++)); do
  for ((c = 1; c <= $#; c++)); do
    cmd="${!c}"
    start=$(date +%s%N)
    # GNU time's %U/%S: CPU seconds of the command and its children (the launcher, the JVM).
    /usr/bin/time -f "%U %S" -o "$out/cpu" bash -c "$cmd" >/dev/null 2>"$out/err" || { cat "$out/err" >&2; exit 1; }
    end=$(date +%s%N)
    echo "$(( (end - start) / 1000000 ))" >> "$out/wall.$c"
    awk '{ printf "%d\n", ($1 + $2) * 1000 }' "$out/cpu" >> "$out/cpu.$c"
  done
done
stats() { sort -n "$1" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%d %d %d", m, v[1], v[NR] }'; }
printf '%-70s %28s %14s\n' "command ($runs runs each, interleaved)" "wall ms: median (min-max)" "CPU ms median"
for ((c = 1; c <= $#; c++)); do
  read -r wm wmin wmax <<< "$(stats "$out/wall.$c")"
  read -r cm _ _ <<< "$(stats "$out/cpu.$c")"
  printf '%-70s %14s (%5s-%5s) %14s\n' "${!c}" "$wm" "$wmin" "$wmax" "$cm"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
