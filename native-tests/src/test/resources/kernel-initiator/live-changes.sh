# LiveChangesKernelInitiatorTest's guest script (busybox sh): open-iscsi logs in with CHAP and writes and verifies
# LUN 0 with fio while the host changes the running target: a LUN added, an ACL of another initiator added and
# removed, this initiator's CHAP secret changed, LUN 0's backstore grown; then LUN 1 made read-only for it. The kernel
# retries the commands that meet the unit attentions; rescans find the new LUN, the new capacity and the write
# protection; a new login needs the new secret.
# The harness replaces @TARGET@, @PORTAL@ (10.0.2.2:PORT), @USER@, @OLD_SECRET@, @NEW_SECRET@, @FIO_SECONDS@ and
# @WAIT_SECONDS@.
. /lib/rt-guest.sh
T=@TARGET@
P=@PORTAL@

rt_step iscsid
rt_iscsid
rt_node "$T" "$P"
rt_node_set "$T" "$P" node.session.auth.authmethod CHAP
rt_node_set "$T" "$P" node.session.auth.username @USER@
rt_node_set "$T" "$P" node.session.auth.password @OLD_SECRET@
rt_step login
rt_login "$T" "$P"
d0="$(rt_disk "$T" 0)" || rt_fail "no disk for LUN 0"
bytes0="$(rt_bytes "$d0")"
rt_result lun0_bytes_before "$bytes0"

# Verified writes for as long as the host changes the target (verify_backlog: each block written is read back and
# checked while the run goes on).
rt_step fio
fio --name=live --filename="/dev/$d0" --ioengine=libaio --direct=1 --rw=randwrite --bs=4k --iodepth=8 --size=32m \
  --verify=crc32c --do_verify=1 --verify_fatal=1 --verify_backlog=64 --randrepeat=0 --verify_state_save=0 \
  --time_based --runtime=@FIO_SECONDS@ >/tmp/fio-live.out 2>&1 &
fio_pid=$!

# The host's last change is the resize: once LUN 0 is larger and LUN 1 is there, every change has been made.
rt_step waiting-for-changes
n=0
d1=""
while :; do
  iscsiadm -m session -R >/dev/null 2>&1
  [ -e "/sys/block/$d0/device/rescan" ] && echo 1 >"/sys/block/$d0/device/rescan"
  [ -z "$d1" ] && d1="$(rt_disk "$T" 1 1)"
  [ -n "$d1" ] && [ "$(rt_bytes "$d0")" != "$bytes0" ] && break
  n=$((n + 2)); [ "$n" -gt @WAIT_SECONDS@ ] && break
  sleep 2
done
rt_result changes_seen_while_fio_ran "$(kill -0 $fio_pid 2>/dev/null && echo yes || echo no)"
rt_result lun1_disk "${d1:-none}"
rt_result lun1_bytes "$([ -n "$d1" ] && rt_bytes "$d1" || echo 0)"
rt_result lun0_bytes_after "$(rt_bytes "$d0")"
rt_step fio-end
wait $fio_pid
rt_result fio_live "$?"
rt_result fio_live_summary "$(grep -E '^ *(READ|WRITE):' /tmp/fio-live.out | sed 's/^ *//; s/(.*, io=/io=/; s/, run=.*//' | tr '\n' ';')"
grep -q 'err= 0' /tmp/fio-live.out || cat /tmp/fio-live.out
rt_result conn_errors "$(rt_conn_errors)"
# What the kernel said of the unit attentions it got (scsi_error.c, scsi_report_sense).
rt_result ua_luns_changed "$(dmesg | grep -c 'LUN assignments on this target have changed')"
rt_result ua_capacity_changed "$(dmesg | grep -c 'Capacity data has changed')"

# LUN 1 made read-only for this initiator (its ACL's mapping 1:ro) while the disk is in use: MODE PARAMETERS
# CHANGED with the next command, and a rescan takes the new write-protect state.
rt_step lun1-read-only
if [ -n "$d1" ]; then
  dd if="/dev/$d1" of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null || rt_fail "cannot read LUN 1"
  rt_result lun1_ro_before "$(cat "/sys/block/$d1/ro")"
  rt_host lun1-read-only
  dd if="/dev/$d1" of=/dev/null bs=4k count=1 skip=1 iflag=direct 2>/dev/null || rt_fail "cannot read LUN 1 after"
  rt_result ua_mode_changed "$(dmesg | grep -c 'Mode parameters changed')"
  echo 1 >"/sys/block/$d1/device/rescan"
  n=0
  while [ "$(cat "/sys/block/$d1/ro")" != 1 ] && [ "$n" -lt 50 ]; do n=$((n + 1)); sleep 0.1; done
  rt_result lun1_ro_after "$(cat "/sys/block/$d1/ro")"
  if dd if=/dev/zero of="/dev/$d1" bs=4k count=1 oflag=direct 2>/dev/null; then rt_result lun1_write written
  else rt_result lun1_write refused; fi
fi

# The CHAP secret changed during the session: the session stayed; the next login needs the new one.
rt_step logout
rt_logout "$T" "$P"
rt_step login-old-secret
iscsiadm -m node -T "$T" -p "$P" --login >/tmp/login-old.out 2>&1
rt_result login_old_secret "$?"
rt_node_set "$T" "$P" node.session.auth.password @NEW_SECRET@
rt_step login-new-secret
iscsiadm -m node -T "$T" -p "$P" --login >/tmp/login-new.out 2>&1
rt_result login_new_secret "$?"
n0="$(rt_disk "$T" 0)" && rt_result relogin_lun0_bytes "$(rt_bytes "$n0")"
n1="$(rt_disk "$T" 1)" && rt_result relogin_lun1_bytes "$(rt_bytes "$n1")"
rt_logout "$T" "$P"
rt_step done
dmesg | grep -iE 'iscsi|sd [0-9]|LUN assignments|Capacity data|connection' | tail -40
