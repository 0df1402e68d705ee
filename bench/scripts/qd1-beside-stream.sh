#!/usr/bin/env bash
# A queue-depth-1 initiator beside a stream of large transfers on the same event loop: for each target jar in turn
# (repetitions interleave the jars), `demo --loops 1` on 127.0.0.1:3260 as ./ringtarget starts it (demo-lib.sh) (LOOPS=N
# for another count; the default's one loop per core spreads the two sessions over two loops), fio's libiscsi QD1 4 KiB
# random reads for 6 s alone, then the same while a second fio writes 128 KiB at QD8 (STREAM_OPTIONS adds fio options to
# that stream, e.g. "--iodepth=2 --rate=1000m"); loop 0's sched_yield and io_uring_enter calls over 3 s of the mixed
# phase (perf stat), the process's CPU time per phase. Prints a table; fio's JSON stays in OUT.
#   bench/scripts/qd1-beside-stream.sh OUT REPS JAR...      (fio: .cache/fio/fio, bench/scripts/build-fio.sh)
# Run it with the machine otherwise quiet and the same TCP congestion control as the harness (sysctl
# net.ipv4.tcp_congestion_control=cubic); it changes nothing on the host and stops each target it starts.
set -euo pipefail
out=$1; reps=$2; shift 2
[ $# -ge 1 ] || { echo "usage: $0 OUT REPS JAR..." >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
fio=${FIO:-$here/../../.cache/fio/fio}
# shellcheck source=demo-lib.sh
. "$here/demo-lib.sh"
url=$demo_url
mkdir -p "$out"
trap 'demo_stop; wait 2>/dev/null || true' EXIT
for r in $(seq 1 "$reps"); do
  for jar in "$@"; do
    v=$(basename "$jar" .jar)
    demo_start "$jar" "$out/$v-$r.log" --loops "${LOOPS:-1}" --metrics off
    pid=$demo_pid
    "$fio" --name=warm --ioengine=libiscsi --filename="$url" --rw=randread --bs=4k --iodepth=8 --time_based \
      --runtime=3 --output=/dev/null > /dev/null
    for mode in alone mixed; do
      c0=$(cpu_ticks "$pid")
      stream=
      perf=
      if [ "$mode" = mixed ]; then
        # shellcheck disable=SC2086
        "$fio" --name=stream --ioengine=libiscsi --filename="$url" --rw=write --bs=128k --iodepth=8 \
          ${STREAM_OPTIONS:-} --time_based --runtime=10 --output-format=json --output="$out/$v-$r-stream.json" \
          > /dev/null &
        stream=$!
        sleep 1
        tid=$(grep -l '^ringtarget-0' /proc/"$pid"/task/*/comm | head -1 | cut -d/ -f5)
        (sleep 2; perf stat -x, -e syscalls:sys_enter_sched_yield,syscalls:sys_enter_io_uring_enter -t "$tid" \
          -- sleep 3 2> "$out/$v-$r-perf.txt") &
        perf=$!
      fi
      "$fio" --name=qd1 --ioengine=libiscsi --filename="$url" --rw=randread --bs=4k --iodepth=1 --norandommap \
        --time_based --runtime=6 --ramp_time=1 --percentile_list=50:99:99.9 --output-format=json \
        --output="$out/$v-$r-$mode-qd1.json" > /dev/null
      [ -z "$stream" ] || wait "$stream" "$perf"
      printf '%s %s %s %s\n' "$v" "$r" "$mode" "$(( $(cpu_ticks "$pid") - c0 ))" >> "$out/cpu.txt"
    done
    demo_stop
  done
done
python3 - "$out" <<'EOF'
import json, sys
out = sys.argv[1]
def job(path):
    text = open(path).read()
    return json.loads(text[text.index("{"):])["jobs"][0]
for line in open(f"{out}/cpu.txt"):
    v, r, mode, ticks = line.split()
    d = job(f"{out}/{v}-{r}-{mode}-qd1.json")["read"]
    c = d["clat_ns"]
    p = c["percentile"]
    row = (f"{v:>20} rep {r} {mode:5}  QD1 {d['iops']:7.0f} IOPS mean {c['mean'] / 1e3:6.1f} us "
           f"p99 {p['99.000000'] / 1e3:6.1f} p99.9 {p['99.900000'] / 1e3:7.1f}  target CPU {int(ticks) / 100:.2f} s")
    if mode == "mixed":
        s = job(f"{out}/{v}-{r}-stream.json")["write"]
        calls = {l.split(",")[2].split("_enter_")[1]: l.split(",")[0]
                 for l in open(f"{out}/{v}-{r}-perf.txt") if "sys_enter_" in l}
        row += (f"  stream {s['bw_bytes'] / 1e6:5.0f} MB/s  loop in 3 s: sched_yield {calls.get('sched_yield')} "
                f"io_uring_enter {calls.get('io_uring_enter')}")
    print(row)
EOF
