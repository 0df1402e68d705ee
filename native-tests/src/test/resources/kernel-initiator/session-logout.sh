# KernelInitiatorSessionLogoutTest's guest script (busybox sh): `ringtarget sessions logout` while the kernel initiator
# writes. The target asks the session to log out (an Async Message); open-iscsi logs out and in again at once, and the
# new login takes the MaxBurstLength the host set on the TPG meanwhile. Then `--now` closes the connection and the
# session recovers by itself. fio's verified writes run throughout and must see no error. The harness replaces
# @TARGET@ and @PORTAL@.
. /lib/rt-guest.sh
T=@TARGET@
P=@PORTAL@

rt_step iscsid
rt_iscsid
rt_node "$T" "$P"
rt_step login
rt_login "$T" "$P"
D="$(rt_disk_via "$P" 0)" || rt_fail "no disk for LUN 0"
rt_result burst_before "$(rt_negotiated MaxBurstLength)"

rt_step io
fio --name=live --filename="/dev/$D" --ioengine=libaio --direct=1 --rw=randwrite --bs=64k --iodepth=8 --size=32m \
  --verify=crc32c --do_verify=1 --verify_fatal=1 --verify_backlog=64 --randrepeat=0 --verify_state_save=0 \
  --time_based --runtime=30 >/tmp/fio.out 2>&1 &
fio_pid=$!
sleep 3

# A TPG parameter changed live applies at the next login; the logout makes that now.
rt_step set-burst
rt_host set-burst
rt_result set_burst "$RT_ANSWER"
rt_result burst_unchanged "$(rt_negotiated MaxBurstLength)"
rt_step logout
rt_host logout
rt_result logout "$RT_ANSWER"
new_burst() { [ "$(rt_negotiated MaxBurstLength)" = 524288 ]; }
rt_until 60 "logged in again with the new MaxBurstLength" new_burst
rt_result relogin "$RT_WAITED"
rt_result conn_errors_after_logout "$(rt_conn_errors)"

rt_step close-now
errors_before="$(rt_conn_errors)"
rt_host close-now
rt_result close_now "$RT_ANSWER"
conn_error() { [ "$(rt_conn_errors)" -gt "$errors_before" ]; }
rt_until 60 "the closed connection noticed" conn_error
logged_in() { [ "$(cat /sys/class/iscsi_session/session*/state)" = LOGGED_IN ]; }
rt_until 60 "logged in again after the close" logged_in
rt_result relogin_now "$RT_WAITED"

rt_step fio-end
wait $fio_pid
rt_result fio "$?"
grep -q 'err= 0' /tmp/fio.out || cat /tmp/fio.out
rt_result disk_io_errors "$(dmesg | grep -c "I/O error, dev $D" || true)"
rt_result sessions "$(ls -d /sys/class/iscsi_session/session* | wc -l)"
rt_result kernel_messages "$(dmesg | grep -iE 'iscsi|conn|session' | tail -20 | tr '\n' '|')"
rt_step logout-at-end
rt_logout "$T" "$P"
