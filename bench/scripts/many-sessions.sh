#!/usr/bin/env bash
# Issue 15, "Many initiators": one session at QD32 against 32 sessions at QD4 (32 fio jobs, each its own libiscsi
# session), 4 KiB random reads on a RAM LUN of `ringtarget demo` with two loops, alternating, REPS times.
# Per run: fio's IOPS, and from /metrics each loop's connections (ringtarget_loop_connections) and busy share
# (busy / (busy + idle) seconds over a 3 s window in the middle of the run).
#   bench/scripts/many-sessions.sh [REPS] [RUNTIME_S]     (fio with libiscsi: bench/scripts/build-fio.sh)
# Starts and stops its own target on 127.0.0.1:13262 (metrics :19462); leaves nothing running.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
reps="${1:-3}"; runtime="${2:-10}"
fio="$("$here/build-fio.sh")"
port=13262; mport=19462
out="$(mktemp -d)"
"$root/ringtarget" demo --loops=2 --size=256M --portal=127.0.0.1:$port --metrics=127.0.0.1:$mport \
  --admin-socket="$out/admin.sock" > "$out/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$out"' EXIT
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$mport/metrics" >/dev/null && break; sleep 0.2; done
url="iscsi\\://127.0.0.1\\:$port/iqn.2026-11.io.ringtarget\\:demo/0"
scrape() { curl -sf "http://127.0.0.1:$mport/metrics" | grep -E '^ringtarget_loop_(busy_seconds|idle_seconds|connections)'; }
run() { # NAME QD JOBS
  "$fio" --name="$1" --ioengine=libiscsi --filename="$url" --rw=randread --bs=4k --iodepth="$2" --numjobs="$3" \
    --group_reporting --norandommap --randrepeat=0 --time_based --runtime="$runtime" --ramp_time=2 --size=256m \
    --output-format=json --output="$out/$1.json" &
  local f=$!
  sleep $(( runtime / 2 + 2 )); scrape > "$out/$1.a"
  sleep 3; scrape > "$out/$1.b"
  wait $f
  python3 - "$out/$1.json" "$out/$1.a" "$out/$1.b" "$1" <<'PY'
import json, re, sys
doc = open(sys.argv[1]).read()
iops = json.loads(doc[doc.index("{"):])["jobs"][0]["read"]["iops"]
def parse(path):
    values = {}
    for line in open(path):
        m = re.match(r'(\w+)\{loop="([^"]+)"\} (\S+)', line)
        if m:
            values[(m.group(1), m.group(2))] = float(m.group(3))
    return values
a, b = parse(sys.argv[2]), parse(sys.argv[3])
parts = []
for loop in sorted({k[1] for k in b}):
    busy = b[("ringtarget_loop_busy_seconds_total", loop)] - a[("ringtarget_loop_busy_seconds_total", loop)]
    idle = b[("ringtarget_loop_idle_seconds_total", loop)] - a[("ringtarget_loop_idle_seconds_total", loop)]
    parts.append(f"{loop}: {int(b[('ringtarget_loop_connections', loop)])} connections, busy {100 * busy / (busy + idle):.0f} %")
print(f"{sys.argv[4]}: {iops:.0f} IOPS; " + "; ".join(parts))
PY
}
for rep in $(seq 1 "$reps"); do
  run "qd32x1-$rep" 32 1
  run "qd4x32-$rep" 4 32
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
