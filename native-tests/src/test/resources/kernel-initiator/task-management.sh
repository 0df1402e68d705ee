# KernelInitiatorTaskManagementTest's guest script (busybox sh): Linux's SCSI error handler against ringtarget's task
# management response fence. A 4 KiB write is held in the target's backstore (the host froze the filesystem under its
# fileio LUN: rt_host freeze); the disk's command timeout (3 s here) runs out, open-iscsi sends ABORT TASK, and the
# target answers it only once the held write has ended (rt_host thaw-once-held thaws the filesystem when the target
# has logged the hold). The write must then complete, through the kernel's retry, with the session still up and the
# block holding its data. The harness replaces @TARGET@ and @PORTAL@.
. /lib/rt-guest.sh
T=@TARGET@
P=@PORTAL@

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
rt_step logout
rt_logout "$T" "$P"
