# KernelInitiatorLogPagesTest's guest script (busybox sh): the log pages through Linux's own initiator, read by
# sg3-utils' sg_logs and smartmontools' smartctl as an administrator reads a disk's health and a thin LUN's space.
# LUN 0 is a 64 MiB RAM LUN, LUN 1 a 64 MiB sparse fileio LUN; on each 1 MiB is written, the Logical Block
# Provisioning page read, 512 KiB unmapped, the page read again. Then smartctl -H and -a, the default self-test
# (sg_senddiag --test), a background short one (smartctl -t short) and the foreground short and extended ones
# (smartctl -C -t short|long) with smartctl's self-test log and the extended test's duration, sg_logs -A
# (every page and subpage) and sg_logs --reset (LOG SELECT PCR); sg_test_rwbuf (WRITE BUFFER, READ BUFFER) and
# sg_raw's READ BUFFER(16). Last, the memory the RAM LUN holds (asked of the host) as 8 MiB are written and then
# discarded with blkdiscard (the kernel's own discard, as fstrim and mkfs send it: UNMAP). The
# harness replaces @TARGET@ and @PORTAL@.
. /lib/rt-guest.sh
T=@TARGET@
P=@PORTAL@

rt_step iscsid
rt_iscsid
rt_node "$T" "$P"
rt_step login
rt_login "$T" "$P"

# hexpage DEV PAGE: the page as sg_logs fetched it, in hex on one line.
hexpage() {
  sg_logs --page="$2" --raw "$1" 2>/dev/null | od -An -v -tx1 | tr -s ' \n' '  ' | sed 's/^ //; s/ $//'
}
yes Z | tr -d '\n' | head -c 1048576 > /tmp/z

check() {
  d="$(rt_disk "$T" "$2")" || rt_fail "no disk for LUN $2"
  rt_step "$1 log pages"
  rt_result "$1_pages" "$(hexpage "/dev/$d" 0)"
  dd if=/tmp/z of="/dev/$d" bs=1048576 count=1 oflag=direct 2>/dev/null || rt_fail "write $1"
  rt_result "$1_lbp_written" "$(hexpage "/dev/$d" 0xc)"
  sg_unmap --force --lba=0 --num=1024 "/dev/$d" > /tmp/out 2>&1 || rt_fail "sg_unmap $1: $(cat /tmp/out)"
  rt_result "$1_lbp_unmapped" "$(hexpage "/dev/$d" 0xc)"
  rt_result "$1_lbp_text" "$(sg_logs --page=0xc "/dev/$d" 2>&1 | grep -i 'resource count' | tr '\n' ';')"
}
check ram 0
check file 1

d="$(rt_disk "$T" 0)"
rt_step smartctl
smartctl -H "/dev/$d" > /tmp/out 2>&1
rt_result health_rc "$?"
rt_result health "$(grep -i 'health status' /tmp/out | head -1)"
smartctl -a "/dev/$d" > /tmp/out 2>&1
rt_result all_rc "$?"
rt_result all_out "$(tr '\n' '|' < /tmp/out)"
rt_result smart_support "$(grep -i 'SMART support is' /tmp/out | tr '\n' ';')"
rt_result error_log "$(grep -iE '^(read|write):' /tmp/out | tr -s ' ' | tr '\n' ';')"
rt_step "self-tests"
sg_senddiag --test "/dev/$d" > /tmp/out 2>&1
rt_result default_test_rc "$?"
smartctl -t short "/dev/$d" > /tmp/out 2>&1
rt_result short_test_rc "$?"
n=0
while smartctl -l selftest "/dev/$d" 2>/dev/null | grep -q 'in progress' && [ "$n" -lt 100 ]; do
  n=$((n + 1)); sleep 0.1
done
# The foreground (captive) ones: smartctl -C waits for SEND DIAGNOSTIC's status, which comes when the test ends.
smartctl -C -t short "/dev/$d" > /tmp/out 2>&1
rt_result fg_short_rc "$?"
rt_result fg_short_out "$(grep -i 'self test' /tmp/out | tr '\n' ';')"
smartctl -C -t long "/dev/$d" > /tmp/out 2>&1
rt_result fg_long_rc "$?"
rt_result fg_long_out "$(grep -i 'self test' /tmp/out | tr '\n' ';')"
dd if="/dev/$d" of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null
rt_result read_after_fg "$?"
smartctl -l selftest "/dev/$d" > /tmp/out 2>&1
rt_result selftest_log "$(grep -E '^# *[0-9]' /tmp/out | tr -s ' ' | tr '\n' ';')"
rt_result selftest_duration "$(grep -i 'extended) self-test duration' /tmp/out | tr -s ' ')"
smartctl -a "/dev/$d" > /dev/null 2>&1
rt_result all_rc_after "$?"
rt_step "sg_test_rwbuf"
# WRITE BUFFER and READ BUFFER of buffer 0: a random pattern written, read back and compared, four times.
sg_test_rwbuf --size=8192 --times=4 "/dev/$d" > /tmp/out 2>&1
rt_result rwbuf_rc "$?"
rt_result rwbuf_out "$(tr '\n' ';' < /tmp/out | cut -c1-400)"
# READ BUFFER(16) of what WRITE BUFFER put in buffer 0.
printf 'ringtarget-rb16!' > /tmp/rb
sg_write_buffer --mode=data --in=/tmp/rb "/dev/$d" > /tmp/out 2>&1 || rt_fail "sg_write_buffer: $(cat /tmp/out)"
# Sent with sg_raw: Debian 12's sg_read_buffer --16 (sg3-utils 1.46) sends an ALLOCATION LENGTH of 0.
sg_raw -r 16 -o /tmp/rbout "/dev/$d" 9b 02 00 00 00 00 00 00 00 00 00 00 00 10 00 00 > /tmp/out 2>&1
rt_result rb16_rc "$?"
rt_result rb16 "$(cat /tmp/rbout)"
rt_result rb16_err "$(tr '\n' ';' < /tmp/out)"
rt_step "sg_logs -A and --reset"
sg_logs -A "/dev/$d" > /tmp/out 2>&1
rt_result all_pages_rc "$?"
rt_result all_pages_headers "$(grep -c '\[0x' /tmp/out)"
sg_logs --reset "/dev/$d" > /tmp/out 2>&1
rt_result reset_rc "$?"
rt_result reset_out "$(tr '\n' ';' < /tmp/out)"
rt_step "ram memory: written, then discarded"
d="$(rt_disk "$T" 0)"
rt_host ram-memory
rt_result memory_before "$RT_ANSWER"
for i in 32 33 34 35 36 37 38 39; do
  dd if=/tmp/z of="/dev/$d" bs=1048576 count=1 seek="$i" oflag=direct 2>/dev/null || rt_fail "write at $i MiB"
done
rt_host ram-memory
rt_result memory_written "$RT_ANSWER"
rt_result discard_max "$(cat "/sys/block/$d/queue/discard_max_bytes")"
blkdiscard -o 33554432 -l 8388608 "/dev/$d" > /tmp/out 2>&1
rt_result discard_rc "$?"
rt_result discard_out "$(tr '\n' ';' < /tmp/out)"
rt_host ram-memory
rt_result memory_discarded "$RT_ANSWER"
dd if="/dev/$d" of=/tmp/back bs=1048576 count=1 skip=35 iflag=direct 2>/dev/null
rt_result discarded_bytes "$(od -An -v -tx1 /tmp/back | tr -s ' \n' '\n' | sort -u | tr '\n' ' ')"
rt_step "soft threshold: half of a 16 MiB thin RAM LUN"
d="$(rt_disk "$T" 2)" || rt_fail "no disk for LUN 2"
rt_result threshold_vpd "$(sg_vpd --page=lbpv "/dev/$d" 2>&1 | tr '\n' ';')"
rt_result threshold_mode_page "$(sg_modes --page=0x1c,0x2 --raw "/dev/$d" 2>&1 | od -An -tx1 | tr -s ' \n' ' ')"
thresholds() { dmesg | grep -c 'thin provisioning soft threshold' || true; }
for i in 0 1 2 3 4 5 6; do
  dd if=/tmp/z of="/dev/$d" bs=1048576 count=1 seek="$i" oflag=direct 2>/dev/null || rt_fail "write at $i MiB"
done
# The target looks at the used blocks after a write at most once a second: wait for the next look, write again.
sleep 1.2
dd if=/tmp/z of="/dev/$d" bs=1048576 count=1 seek=6 oflag=direct 2>/dev/null || rt_fail "rewrite"
dd if="/dev/$d" of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null
rt_result threshold_before "$(thresholds)"
dd if=/tmp/z of="/dev/$d" bs=1048576 count=1 seek=7 oflag=direct 2>/dev/null || rt_fail "the 8th MiB"
sleep 1.2
dd if=/tmp/z of="/dev/$d" bs=4096 count=1 seek=0 oflag=direct 2>/dev/null || rt_fail "a write after a second"
# The unit attention reaches Linux with its next command.
dd if="/dev/$d" of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null
dd if="/dev/$d" of=/dev/null bs=4096 count=1 skip=1 iflag=direct 2>/dev/null
rt_result threshold_after "$(thresholds)"
rt_result threshold_dmesg "$(dmesg | grep -i 'threshold' | tail -3 | tr '\n' '|')"
rt_result conn_errors "$(rt_conn_errors)"
rt_step logout
rt_logout "$T" "$P"
