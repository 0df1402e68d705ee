# KernelInitiatorDigestErrorTest's guest script (busybox sh): open-iscsi with CRC32C header and data digests writes
# through a relay on the host that flips one byte of the next write data PDU when asked (rt_host corrupt KIND): first
# a command's immediate data, then a write's last (and only) Data-Out. The target answers the PDU with a Reject (data
# digest error) and the command with CHECK CONDITION, ABORTED COMMAND, PROTOCOL SERVICE CRC ERROR once its data is in
# (RFC 7143 7.8 b); the kernel retries it at once. Each write must complete well within the disk's 30 s command timeout, with no session
# recovery, and read back as written. The harness replaces @TARGET@ and @PORTAL@.
. /lib/rt-guest.sh
T=@TARGET@
P=@PORTAL@

rt_step iscsid
rt_iscsid
rt_node "$T" "$P"
rt_node_set "$T" "$P" 'node.conn[0].iscsi.HeaderDigest' CRC32C
rt_node_set "$T" "$P" 'node.conn[0].iscsi.DataDigest' CRC32C
rt_step login
rt_login "$T" "$P"
rt_result negotiated_data_digest "$(rt_negotiated DataDigest)"
d="$(rt_disk "$T" 0)" || rt_fail "no disk for LUN 0"
echo 30 >"/sys/block/$d/device/timeout" || rt_fail "cannot set the command timeout"
# 1 MiB requests: more than FirstBurstLength (256 KiB), so each write is immediate data, an R2T and Data-Out.
echo 1024 >"/sys/block/$d/queue/max_sectors_kb" 2>/dev/null
dd if=/dev/urandom of=/tmp/pattern bs=64k count=16 2>/dev/null

# corrupted_write NAME KIND KIB SEEK: a write of KIB KiB at SEEK times that, the host corrupting its next KIND PDU.
corrupted_write() {
  rt_step "$1"
  rt_host corrupt "$2"
  started="$(rt_uptime)"
  dd if=/tmp/pattern of="/dev/$d" bs="$3k" count=1 seek="$4" oflag=direct 2>/tmp/dd.err
  rt_result "$1_exit" "$?"
  rt_result "$1_seconds" "$(awk -v a="$started" -v b="$(rt_uptime)" 'BEGIN { printf "%.1f", b - a }')"
  dd if="/dev/$d" of=/tmp/back bs="$3k" count=1 skip="$4" iflag=direct 2>/dev/null || rt_fail "read back"
  head -c "$(($3 * 1024))" /tmp/pattern >/tmp/expected
  if cmp -s /tmp/expected /tmp/back; then rt_result "$1_data" same; else rt_result "$1_data" different; fi
  rt_host corrupted
  rt_result "$1_corrupted" "$RT_ANSWER"
}
# 1 MiB: 256 KiB of immediate data (corrupted), then an R2T for the rest.
corrupted_write immediate command 1024 3
# 512 KiB: 256 KiB of immediate data, then one Data-Out of 256 KiB (corrupted), the command's last: no later PDU
# shows the target that data is missing.
corrupted_write data_out data-out 512 10

rt_step check
rt_result rejected "$(dmesg | grep -c 'DataDigest error')"
rt_result conn_errors "$(rt_conn_errors)"
rt_result session_state "$(cat /sys/class/iscsi_session/session*/state | tr '\n' ' ')"
rt_logout "$T" "$P"
rt_step done
dmesg | grep -iE 'iscsi|digest|sd [0-9]|sense|abort|reset' | tail -30
