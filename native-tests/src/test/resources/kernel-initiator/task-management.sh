# KernelInitiatorTaskManagementTest's guest script (busybox sh): Linux's SCSI error handler against ringtarget's task
# management response fence. A 4 KiB write is held in the target's backstore (the host froze the filesystem under its
# fileio LUN: rt_host freeze); the disk's command timeout (3 s here) runs out, open-iscsi sends ABORT TASK, and the
# target answers it only once the held write has ended (rt_host thaw-once-held thaws the filesystem when the target
# has logged the hold). The write must then complete, through the kernel's retry, with the session still up and the
# block holding its data. Then a second session to the same LUN (through the guest's second NIC) has a write held
# the same way while the first session resets the LUN (sg_reset -d: Linux's device reset, a LOGICAL UNIT RESET): the
# target aborts the other session's write, answers it TASK ABORTED once its I/O has ended (TAS 1), and only then
# the reset; the kernel retries the write, both commands succeed, both sessions stay. Last, a target reset (sg_reset
# -t: TARGET WARM RESET) in the middle of a verified fio run: no I/O error, both sessions stay. The harness replaces
# @TARGET@, @PORTAL@ and @PORTAL2@.
. /lib/rt-guest.sh
T=@TARGET@
P=@PORTAL@
P2=@PORTAL2@

rt_step iscsid
rt_iscsid
rt_node "$T" "$P"
rt_result abort_timeout "$(iscsiadm -m node -T "$T" -p "$P" | sed -n 's/^node.session.err_timeo.abort_timeout = //p')"
rt_step login
rt_login "$T" "$P"
d="$(rt_disk "$T" 0)" || rt_fail "no disk for LUN 0"
echo 3 >"/sys/block/$d/device/timeout" || rt_fail "cannot set the command timeout"
rt_result command_timeout "$(cat "/sys/block/$d/device/timeout")"

# 4 KiB of 0xa1, then of 0xb2: the block's contents say which write reached it.
dd if=/dev/zero bs=4096 count=1 2>/dev/null | tr '\000' '\241' >/tmp/a
dd if=/dev/zero bs=4096 count=1 2>/dev/null | tr '\000' '\262' >/tmp/b
dd if=/tmp/a of="/dev/$d" bs=4096 count=1 oflag=direct 2>/tmp/dd.err || rt_fail "first write: $(cat /tmp/dd.err)"

rt_step freeze
rt_host freeze
rt_step held-write
started="$(rt_uptime)"
dd if=/tmp/b of="/dev/$d" bs=4096 count=1 oflag=direct 2>/tmp/dd.err &
writer=$!
rt_host thaw-once-held
rt_result held "$RT_ANSWER"
wait "$writer"
rt_result write_exit "$?"
rt_result write_seconds "$(awk -v a="$started" -v b="$(rt_uptime)" 'BEGIN { printf "%.1f", b - a }')"

rt_step check
# READ(10) of the 8 blocks through SCSI generic: from the target, not the page cache.
sg_raw -r 4096 -o /tmp/read "/dev/$d" 28 00 00 00 00 00 00 00 08 00 >/dev/null 2>&1 || rt_fail "read back"
rt_result bytes "$(od -An -v -tx1 /tmp/read | tr ' ' '\n' | grep -v '^$' | sort -u | tr '\n' ' ')"
rt_result session_state "$(cat /sys/class/iscsi_session/session*/state | tr '\n' ' ')"
rt_result eh_messages "$(dmesg | grep -iE 'abort|reset|timing out|timed out' | tr '\n' '|')"
rt_result conn_errors "$(rt_conn_errors)"

rt_step second-session
rt_node "$T" "$P2"
rt_login "$T" "$P2"
d2=""
n=0
while [ -z "$d2" ] && [ "$n" -lt 300 ]; do
  for b in /sys/class/iscsi_session/session*/device/target*/*:*:*:0/block/*; do
    [ -e "$b" ] && [ "${b##*/}" != "$d" ] && [ -b "/dev/${b##*/}" ] && d2="${b##*/}"
  done
  n=$((n + 1)); sleep 0.1
done
[ -n "$d2" ] || rt_fail "no disk for the second session"
rt_result second_timeout "$(cat "/sys/block/$d2/device/timeout")"
dd if=/dev/zero bs=4096 count=1 2>/dev/null | tr '\000' '\303' >/tmp/c

rt_step reset-across-sessions
rt_host freeze
dd if=/tmp/c of="/dev/$d2" bs=4096 count=1 oflag=direct 2>/tmp/dd2.err &
writer=$!
sleep 1   # the write reaches the target and waits in the frozen filesystem
sg_reset -d "/dev/$d" >/tmp/reset.out 2>&1 &
resetter=$!
rt_host thaw-once-aborted
rt_result reset_held "$RT_ANSWER"
wait "$resetter"
rt_result reset_exit "$?"
wait "$writer"
rt_result second_write_exit "$?"
sg_raw -r 4096 -o /tmp/read2 "/dev/$d" 28 00 00 00 00 00 00 00 08 00 >/dev/null 2>&1 || rt_fail "read back"
rt_result second_bytes "$(od -An -v -tx1 /tmp/read2 | tr ' ' '\n' | grep -v '^$' | sort -u | tr '\n' ' ')"
rt_result sessions_after_reset "$(cat /sys/class/iscsi_session/session*/state | tr '\n' ' ')"
rt_result reset_messages "$(dmesg | grep -iE 'reset|abort' | tail -n 8 | tr '\n' '|')"
rt_result conn_errors_after_reset "$(rt_conn_errors)"

rt_step target-reset
# Linux's target reset (sg_reset -t: open-iscsi's TARGET WARM RESET, the step after a LUN reset in its error
# handling) in the middle of a verified fio run on the first session's disk: the reset aborts the commands in flight
# on both sessions, the kernel retries them, and fio sees no error; both sessions stay.
fio --name=treset --filename="/dev/$d" --ioengine=libaio --direct=1 --rw=randwrite --bs=4k --iodepth=16 --size=16m \
  --verify=crc32c --do_verify=1 --verify_fatal=1 --randrepeat=0 --verify_state_save=0 >/tmp/fio-treset.out 2>&1 &
fio_pid=$!
sleep 2
sg_reset -t "/dev/$d" >/tmp/treset.out 2>&1
rt_result target_reset_exit "$? $(tr '\n' ' ' </tmp/treset.out)"
rt_result target_reset_during_fio "$(kill -0 $fio_pid 2>/dev/null && echo yes || echo no)"
wait $fio_pid
rt_result fio_target_reset "$?"
grep -q 'err= 0' /tmp/fio-treset.out || cat /tmp/fio-treset.out
rt_result sessions_after_target_reset "$(cat /sys/class/iscsi_session/session*/state | tr '\n' ' ')"
rt_result target_reset_messages "$(dmesg | grep -iE 'reset|abort' | tail -n 4 | tr '\n' '|')"
rt_result conn_errors_after_target_reset "$(rt_conn_errors)"
rt_step logout
rt_logout "$T" "$P2"
rt_logout "$T" "$P"
