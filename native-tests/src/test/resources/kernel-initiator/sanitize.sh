# KernelInitiatorSanitizeTest's guest script (busybox sh): sg3-utils' sg_sanitize through Linux's own initiator, as
# an administrator erases a LUN before it is reused. LUN 0 is a 512 MiB RAM LUN, LUN 1 a 64 MiB sparse fileio LUN.
# On each: 1 MiB of 'Z' written, BLOCK ERASE (read back: zeros), OVERWRITE with a one-byte pattern 'R' (read back).
# Then on the RAM LUN an OVERWRITE of 31 passes started with --early (IMMED): TEST UNIT READY and REQUEST SENSE
# meanwhile, and a read that Linux retries (NOT READY, SANITIZE IN PROGRESS is a delayed retry in scsi_lib) until
# the operation ends. Then FORMAT UNIT with sg_format (below). The harness replaces @TARGET@ and @PORTAL@.
. /lib/rt-guest.sh
T=@TARGET@
P=@PORTAL@

rt_step iscsid
rt_iscsid
rt_node "$T" "$P"
rt_step login
rt_login "$T" "$P"

# bytes DEV BLOCK: the distinct byte values of the 4 KiB block BLOCK, read with O_DIRECT.
bytes() {
  dd if="$1" of=/tmp/back bs=4096 count=1 skip="$2" iflag=direct 2>/dev/null || { echo "read failed"; return; }
  od -An -v -tx1 /tmp/back | tr -s ' \n' '\n' | sort -u | tr '\n' ' '
}
yes Z | tr -d '\n' | head -c 1048576 > /tmp/z
printf R > /tmp/pattern

check() {
  d="$(rt_disk "$T" "$2")" || rt_fail "no disk for LUN $2"
  dd if=/tmp/z of="/dev/$d" bs=1048576 count=1 oflag=direct 2>/dev/null || rt_fail "write $1"
  rt_result "$1_before" "$(bytes "/dev/$d" 1)"
  rt_step "$1 block erase"
  sg_sanitize --block --quick --wait "/dev/$d" > /tmp/out 2>&1
  rt_result "$1_block_erase_rc" "$?"
  rt_result "$1_after_block_erase" "$(bytes "/dev/$d" 1)"
  rt_step "$1 overwrite"
  sg_sanitize --overwrite --pattern=/tmp/pattern --quick --wait "/dev/$d" > /tmp/out 2>&1
  rt_result "$1_overwrite_rc" "$?"
  rt_result "$1_after_overwrite" "$(bytes "/dev/$d" 100)"
}
check ram 0
check file 1

d="$(rt_disk "$T" 0)"
rt_step "ram overwrite of 31 passes, IMMED"
sg_sanitize --overwrite --count=31 --invert --pattern=/tmp/pattern --early --quick "/dev/$d" > /tmp/out 2>&1
rt_result early_rc "$?"
rt_result during_tur "$(sg_turs -v "/dev/$d" 2>&1 | grep -io 'sanitize in progress' | head -1)"
rt_result during_progress "$(sg_requests --progress "/dev/$d" 2>&1 | grep -o 'Progress indication: [0-9.]*%' | head -1)"
rt_result during_read "$(bytes "/dev/$d" 7)"
rt_result after_tur "$(sg_turs "/dev/$d" > /dev/null 2>&1; echo $?)"

# FORMAT UNIT (sg_format): first its report (MODE SENSE's block descriptor against READ CAPACITY), then a format
# that waits (IMMED=0) of the fileio LUN and one with the default initialization pattern, and one of the RAM LUN
# started with --early (IMMED=1), polled with TEST UNIT READY until it is done. Each reads zeros afterwards.
f="$(rt_disk "$T" 1)"
rt_step "sg_format"
sg_format "/dev/$f" > /tmp/out 2>&1
rt_result format_report_rc "$?"
rt_result format_report "$(tr '\n' '|' < /tmp/out)"
dd if=/tmp/z of="/dev/$f" bs=1048576 count=1 oflag=direct 2>/dev/null || rt_fail "write before format"
sg_format --format --quick --wait "/dev/$f" > /tmp/out 2>&1
rt_result format_wait_rc "$?"
rt_result format_wait_out "$(tr '\n' '|' < /tmp/out)"
rt_result after_format_wait "$(bytes "/dev/$f" 1)"
dd if=/tmp/z of="/dev/$f" bs=1048576 count=1 oflag=direct 2>/dev/null || rt_fail "write before format"
sg_format --format --ip-def --quick --wait "/dev/$f" > /tmp/out 2>&1
rt_result format_ip_rc "$?"
rt_result format_ip_out "$(tr '\n' '|' < /tmp/out)"
rt_result after_format_ip "$(bytes "/dev/$f" 1)"
dd if=/tmp/z of="/dev/$d" bs=1048576 count=1 oflag=direct 2>/dev/null || rt_fail "write before format"
sg_format --format --quick --early "/dev/$d" > /tmp/out 2>&1
rt_result format_early_rc "$?"
n=0
until sg_turs "/dev/$d" > /dev/null 2>&1 || [ "$n" -ge 100 ]; do n=$((n + 1)); sleep 0.1; done
rt_result format_early_ready "$(sg_turs "/dev/$d" > /dev/null 2>&1; echo $?)"
rt_result after_format_early "$(bytes "/dev/$d" 1)"
rt_result conn_errors "$(rt_conn_errors)"
rt_step logout
rt_logout "$T" "$P"
