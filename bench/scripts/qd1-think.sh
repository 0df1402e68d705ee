#!/usr/bin/env bash
# A queue-depth-1 initiator that pauses between requests (fio's --thinktime, as a database's log writer or any
# client that computes between I/Os): for each target jar in turn (repetitions interleave the jars), `demo` on
# 127.0.0.1:3260 with its defaults, then fio's libiscsi QD1 4 KiB random reads for 6 s at each pause in THINKS
# (microseconds, default "0 100 1000"). Per run: fio's latency, the target process's CPU per I/O (all its threads,
# from /proc/PID/stat) and how often a loop went to sleep in io_uring_enter (io_uring:io_uring_cqring_wait per I/O,
# perf stat over 4 s of the run): a request that comes after the loop stopped polling pays a wake-up. Prints a table;
# fio's JSON stays in OUT.
#   bench/scripts/qd1-think.sh OUT REPS JAR...      (fio: .cache/fio/fio, bench/scripts/build-fio.sh)
# Run it with the machine otherwise quiet and the same TCP congestion control as the harness (sysctl
# net.ipv4.tcp_congestion_control=cubic); it changes nothing on the host and stops each target it starts.
set -euo pipefail
out=$1; reps=$2; shift 2
[ $# -ge 1 ] || { echo "usage: $0 OUT REPS JAR..." >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
fio=${FIO:-$here/../../.cache/fio/fio}
thinks=${THINKS:-0 100 1000}
# shellcheck source=demo-lib.sh
. "$here/demo-lib.sh"
url=$demo_url
mkdir -p "$out"
: > "$out/runs.txt"
trap 'demo_stop; wait 2>/dev/null || true' EXIT
for r in $(seq 1 "$reps"); do
  for jar in "$@"; do
    v=$(basename "$jar" .jar)
    demo_start "$jar" "$out/$v-$r.log" --metrics off
    pid=$demo_pid
    "$fio" --name=warm --ioengine=libiscsi --filename="$url" --rw=randread --bs=4k --iodepth=1 --time_based \
      --runtime=3 --output=/dev/null > /dev/null
    for think in $thinks; do
      c0=$(cpu_ticks "$pid")
      (sleep 1.5; perf stat -x, -e io_uring:io_uring_cqring_wait -p "$pid" -- sleep 4 \
        2> "$out/$v-$r-$think-perf.txt") &
      perf=$!
      "$fio" --name=qd1 --ioengine=libiscsi --filename="$url" --rw=randread --bs=4k --iodepth=1 --norandommap \
        --thinktime="$think" --thinktime_blocks=1 --time_based --runtime=6 --ramp_time=1 \
        --percentile_list=50:99:99.9 --output-format=json --output="$out/$v-$r-$think.json" > /dev/null
      wait "$perf"
      printf '%s %s %s %s\n' "$v" "$r" "$think" "$(( $(cpu_ticks "$pid") - c0 ))" >> "$out/runs.txt"
    done
    demo_stop
  done
done
python3 - "$out" <<'EOF'
import json, sys
out = sys.argv[1]
for line in open(f"{out}/runs.txt"):
    v, r, think, ticks = line.split()
    text = open(f"{out}/{v}-{r}-{think}.json").read()
    d = json.loads(text[text.index("{"):])["jobs"][0]["read"]
    c = d["clat_ns"]
    p = c["percentile"]
    parks = [int(l.split(",")[0]) for l in open(f"{out}/{v}-{r}-{think}-perf.txt") if "cqring_wait" in l][0]
    # CPU over the whole fio run (its login, 1 s of ramp and the 6 s window); I/Os over those 7 s at the window's rate.
    ios = d["iops"] * 7
    print(f"{v:>20} rep {r} think {think:>5} us  {d['iops']:7.0f} IOPS mean {c['mean'] / 1e3:6.1f} us "
          f"p50 {p['50.000000'] / 1e3:6.1f} p99 {p['99.000000'] / 1e3:6.1f} p99.9 {p['99.900000'] / 1e3:7.1f}  "
          f"target CPU {int(ticks) * 1e4 / ios:6.1f} us/IO  parks {parks / (d['iops'] * 4):.3f}/IO")
EOF
