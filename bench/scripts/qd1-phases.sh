#!/usr/bin/env bash
# Where a QD1 round trip goes: fio (libiscsi engine, queue depth 1) against a running ringtarget (./ringtarget demo)
# while perf records, for one second, the target's io_uring submissions and completions (io_uring:io_uring_submit_req,
# io_uring:io_uring_complete) and fio's sends and poll() returns (syscall tracepoints). Each request is cut into five
# phases by those events:
#
#   A  fio's first send of the request (its BHS)  -> the target's last RECV completion before it answers
#   B  that RECV completion                      -> the target submits the response's SENDMSG  (the target's own time)
#   C  SENDMSG submitted                          -> its completion  (the kernel's loopback send, waking fio)
#   D  SENDMSG completed                          -> fio's poll() returns  (fio waking up)
#   E  fio's poll() returns                       -> fio's next request's first send  (fio and libiscsi)
#
#   bench/scripts/qd1-phases.sh RW [SECONDS]      e.g. randwrite, randread
#   bench/scripts/qd1-phases.sh floor RW           the same for tcp-floor's do-nothing polling server, its client
#                                                  talking as libiscsi does ("poll split"; syscall tracepoints)
#
# Tracing slows both sides (fewer IOPS than without it): compare phases with each other and with tcp-floor run the
# same way, not with untraced latencies. A polling target is on the CPU for the whole round trip, so at QD1 its CPU
# per I/O is the round trip, of which only B is its own work.
# Env: FIO (default .cache/fio/fio), TARGET_URL (default the demo's LUN 0), PID (default the ringtarget.jar process),
# FLOOR (default .cache/bench-harness/tcp-floor, built by run-bench.sh). Needs root and linux-perf.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [ "${1:-}" = floor ]; then
  rw="${2:?usage: qd1-phases.sh floor RW}"
  floor="${FLOOR:-$root/.cache/bench-harness/tcp-floor}"
  # A READ's 48-byte command and its Data-In with status; a WRITE's command with its data and the 48-byte response.
  case "$rw" in *read) sizes="48 4144" ;; *) sizes="4144 48" ;; esac
  # $sizes is two arguments.
  "$floor" $sizes 100000 poll split > /dev/null &
  floor_pid=$!
  sleep 1
  client="$(pgrep -n -P "$floor_pid")"
  perf record -q -m 8M -a -o "$work/perf.data" -e syscalls:sys_exit_recvfrom --filter "ret > 0" \
    -e syscalls:sys_enter_sendto -e syscalls:sys_exit_sendto -e syscalls:sys_exit_poll -- sleep 1 2>/dev/null
  wait "$floor_pid"
  perf script -i "$work/perf.data" -F comm,pid,time,event,trace --ns > "$work/trace.txt" 2>/dev/null
  server="$floor_pid"
  label="tcp-floor's polling server ($rw exchange, the client as libiscsi)"
else
  rw="${1:?usage: qd1-phases.sh RW [SECONDS] | floor RW}"
  seconds="${2:-6}"
  fio="${FIO:-$root/.cache/fio/fio}"
  url="${TARGET_URL:-iscsi://127.0.0.1:3260/iqn.2026-11.io.ringtarget:demo/0}"
  server="${PID:-$(pgrep -f ringtarget.jar | head -1)}"
  [ -n "$server" ] || { echo "qd1-phases: no ringtarget process (start ./ringtarget demo)" >&2; exit 1; }
  filename="${url//:/\\:}"
  "$fio" --name=w --ioengine=libiscsi --filename="$filename" --rw="$rw" --bs=4k --iodepth=1 --norandommap \
    --randrepeat=0 --runtime="$seconds" --time_based --size=512m --output-format=json > "$work/fio.json" 2>/dev/null &
  fio_pid=$!
  sleep 2
  # fio runs its job in a process of its own: the newest fio process.
  client="$(pgrep -n -x fio)"
  f="common_pid == $client"
  perf record -q -m 8M -a -o "$work/perf.data" -e io_uring:io_uring_complete -e io_uring:io_uring_submit_req \
    -e syscalls:sys_enter_sendto --filter "$f" -e syscalls:sys_exit_poll --filter "$f" -- sleep 1 2>/dev/null
  wait "$fio_pid"
  perf script -i "$work/perf.data" -F comm,pid,time,event,trace --ns > "$work/trace.txt" 2>/dev/null
  label="ringtarget ($rw, fio's libiscsi engine)"
fi
python3 - "$work/trace.txt" "$server" "$client" "$label" <<'PY'
import re, statistics, sys
trace, target, job, label = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
line = re.compile(r"\s*\S+\s+(\d+)\s+([\d.]+):\s+\w+:(\w+):\s*(.*)")
opcode_of = {}          # io_uring request address -> opcode of its latest submission
events = []             # (microseconds, what)
for text in open(trace):
    m = line.match(text)
    if not m:
        continue
    pid, t, event, rest = int(m.group(1)), float(m.group(2)) * 1e6, m.group(3), m.group(4)
    if pid == target and event == "sys_exit_recvfrom":
        events.append((t, "recv done"))
    elif pid == target and event == "sys_enter_sendto":
        events.append((t, "sendmsg"))
    elif pid == target and event == "sys_exit_sendto":
        events.append((t, "sendmsg done"))
    elif pid == target and event in ("io_uring_submit_req", "io_uring_complete"):
        req = re.search(r"req (0x[0-9a-f]+)", rest).group(1)
        if event == "io_uring_submit_req":
            opcode_of[req] = re.search(r"opcode (\w+)", rest).group(1)
            if opcode_of[req] == "SENDMSG":
                events.append((t, "sendmsg"))
        elif opcode_of.get(req) in ("RECV", "SENDMSG"):
            events.append((t, "recv done" if opcode_of[req] == "RECV" else "sendmsg done"))
    elif pid == job:
        if event == "sys_enter_sendto":
            events.append((t, "fio send"))
        elif event == "sys_exit_poll":
            events.append((t, "fio poll"))
phases = {k: [] for k in "ABCDE"}
trips = []
req = {}
for t, what in events:
    if what == "fio send" and req and "fio poll" not in req:
        continue        # the rest of a request the client sends in two (tcp-floor's split client)
    if what == "fio send":
        if "fio poll" in req:
            phases["E"].append(t - req["fio poll"])
            trips.append(t - req["fio send"])
        req = {"fio send": t}
    elif what == "recv done" and "fio send" in req and "sendmsg" not in req:
        req["recv done"] = t
    elif what == "sendmsg" and "recv done" in req and "sendmsg" not in req:
        req["sendmsg"] = t
        phases["A"].append(req["recv done"] - req["fio send"])
        phases["B"].append(t - req["recv done"])
    elif what == "sendmsg done" and "sendmsg" in req and "sendmsg done" not in req:
        req["sendmsg done"] = t
        phases["C"].append(t - req["sendmsg"])
    elif what == "fio poll" and "sendmsg done" in req and "fio poll" not in req:
        req["fio poll"] = t
        phases["D"].append(t - req["sendmsg done"])
names = {"A": "client's send -> server's recv done", "B": "recv done -> send (the server's own)",
         "C": "send -> done (kernel send)", "D": "send done -> client wakes", "E": "client wakes -> next send"}
print(f"{label} at QD1, traced for 1 s: {len(trips)} whole round trips")
print(f"{'phase':40} {'p50 us':>8} {'mean us':>8} {'p90 us':>8}")
for k, v in list(phases.items()) + [("round trip", trips)]:
    if v:
        v.sort()
        print(f"{k + ' ' + names.get(k, ''):40} {statistics.median(v):8.1f} {statistics.mean(v):8.1f} "
              f"{v[int(len(v) * 0.9)]:8.1f}")
PY
