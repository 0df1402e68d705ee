#!/usr/bin/env bash
# Wake-ups of a running process: each thread's voluntary context switches (a sleep that ended) and involuntary ones
# over a window, from /proc/PID/task/TID/status. Counts, not times, so a shared machine does not blur them.
#   bench/scripts/wakeups.sh PID [SECONDS]     (default 10)
set -euo pipefail
pid=$1; secs=${2:-10}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
snap() {
  for t in /proc/"$pid"/task/*; do
    printf '%s\t%s\t%s\t%s\n' "$(basename "$t")" "$(tr ' ' _ < "$t/comm")" \
      "$(awk '/^voluntary_ctxt_switches/{print $2}' "$t/status")" "$(awk '/^nonvoluntary_ctxt_switches/{print $2}' "$t/status")"
  done | sort
}
snap > "$tmp/a"; sleep "$secs"; snap > "$tmp/b"
join -t $'\t' "$tmp/a" "$tmp/b" | awk -F'\t' -v s="$secs" '{v=$6-$3; n=$7-$4; if (v+n>0) printf "%-16s voluntary %6d (%6.1f/s)  involuntary %d\n", $2, v, v/s, n; tv+=v}
  END {printf "all threads: %d voluntary in %d s = %.1f/s\n", tv, s, tv/s}'
