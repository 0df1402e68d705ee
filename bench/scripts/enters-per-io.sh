#!/usr/bin/env bash
# One fio run against a running ringtarget (./ringtarget demo) with the target's server-side cost beside it: its CPU
# per I/O (from /proc/PID/stat) and its io_uring_enter calls per I/O (perf stat, syscalls:sys_enter_io_uring_enter).
#
#   bench/scripts/enters-per-io.sh RW [SECONDS] [IODEPTH] [JOBS]      e.g. randwrite 5 32, randread 5 4 32
#
# JOBS > 1 runs that many fio jobs, each its own session (as the harness's many-sessions workloads), reported as one.
#
# Env: FIO (default .cache/fio/fio, built by bench/scripts/build-fio.sh), TARGET_URL (default the demo's LUN 0),
# PID (default the ringtarget.jar process). Needs root (perf) and linux-perf. Prints one line:
#   write: iops 92809 lat 340.0us p99 635 p99.9 1270 server cpu/io 6.25us enters/io 0.53 fio cpu 99%
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rw="${1:?usage: enters-per-io.sh RW [SECONDS] [IODEPTH] [JOBS]}"
seconds="${2:-5}"
depth="${3:-32}"
jobs="${4:-1}"
fio="${FIO:-$root/.cache/fio/fio}"
url="${TARGET_URL:-iscsi://127.0.0.1:3260/iqn.2026-11.io.ringtarget:demo/0}"
pid="${PID:-$(pgrep -f ringtarget.jar | head -1)}"
[ -n "$pid" ] || { echo "enters-per-io: no ringtarget process (start ./ringtarget demo)" >&2; exit 1; }
# fio's filename syntax escapes the colons of the URL.
filename="${url//:/\\:}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
t0="$(cpu)"
perf stat -e syscalls:sys_enter_io_uring_enter -p "$pid" -x, -o "$work/perf.txt" -- sleep "$((seconds + 1))" &
"$fio" --name=w --ioengine=libiscsi --filename="$filename" --rw="$rw" --bs=4k --iodepth="$depth" \
  --numjobs="$jobs" --group_reporting --norandommap --randrepeat=0 \
  --runtime="$seconds" --time_based --size=512m --output-format=json > "$work/fio.json" 2>/dev/null
wait
t1="$(cpu)"
python3 - "$work/fio.json" "$work/perf.txt" "$t0" "$t1" "$(getconf CLK_TCK)" <<'PY'
import json, sys
text = open(sys.argv[1]).read()
job = json.loads(text[text.index("{"):])["jobs"][0]
kind = "read" if job["read"]["io_bytes"] else "write"
d = job[kind]
ios = d["total_ios"]
lines = [l for l in open(sys.argv[2]).read().splitlines() if l and not l.startswith("#")]
enters = int(lines[-1].split(",")[0])
cpu = (float(sys.argv[4]) - float(sys.argv[3])) / float(sys.argv[5])
pct = d["clat_ns"]["percentile"]
print(f"{kind}: iops {d['iops']:.0f} lat {d['lat_ns']['mean'] / 1000:.1f}us p99 {pct['99.000000'] / 1000:.0f} "
      f"p99.9 {pct['99.900000'] / 1000:.0f} server cpu/io {cpu * 1e6 / ios:.2f}us enters/io {enters / ios:.2f} "
      f"fio cpu {job['usr_cpu'] + job['sys_cpu']:.0f}%")
PY
