# KernelInitiatorAtomicWriteTest's guest script (busybox sh), on a guest booted with bookworm-backports' kernel (Linux
# 6.11+ reads the Block Limits page's atomic fields and sends WRITE ATOMIC(16) for RWF_ATOMIC writes): LUN 0 is a
# fileio LUN on XFS (the target writes it with RWF_ATOMIC), LUN 1 a RAM LUN, LUN 2 a buffered fileio LUN on the same
# XFS (no atomic writes: the control). For each: the disk's atomic write limits as Linux took them, RWF_ATOMIC writes
# of 4 KiB and 64 KiB (rt-atomic-write) read back, and one at an offset not a multiple of its length, which Linux
# refuses. The harness replaces @TARGET@ and @PORTAL@.
. /lib/rt-guest.sh
T=@TARGET@
P=@PORTAL@

rt_step iscsid
rt_iscsid
rt_node "$T" "$P"
rt_step login
rt_login "$T" "$P"
rt_result kernel "$(uname -r)"

# check NAME LUN: the limits, two atomic writes read back, one refused.
check() {
  d="$(rt_disk "$T" "$2")" || rt_fail "no disk for LUN $2"
  q="/sys/block/$d/queue"
  for f in atomic_write_unit_min_bytes atomic_write_unit_max_bytes atomic_write_max_bytes; do
    rt_result "$1_$f" "$(cat "$q/$f" 2>/dev/null || echo none)"
  done
  rt_step "$1 atomic writes"
  rt_result "$1_write_4k" "$(rt-atomic-write "/dev/$d" 65536 4096 0x5a)"
  rt_result "$1_write_64k" "$(rt-atomic-write "/dev/$d" 131072 65536 0xa5)"
  dd if="/dev/$d" of=/tmp/back bs=4096 count=1 skip=16 iflag=direct 2>/dev/null || rt_fail "read back"
  rt_result "$1_read_4k" "$(od -An -v -tx1 /tmp/back | tr -s ' \n' '\n' | sort -u | tr '\n' ' ')"
  dd if="/dev/$d" of=/tmp/back bs=65536 count=1 skip=2 iflag=direct 2>/dev/null || rt_fail "read back"
  rt_result "$1_read_64k" "$(od -An -v -tx1 /tmp/back | tr -s ' \n' '\n' | sort -u | tr '\n' ' ')"
  # Not at a multiple of its length: the kernel refuses it before it reaches the disk (RWF_ATOMIC's rule).
  rt_result "$1_write_misaligned" "$(rt-atomic-write "/dev/$d" 4096 8192 0x11)"
}
check xfs 0
check ram 1
check buffered 2
rt_result conn_errors "$(rt_conn_errors)"
rt_step logout
rt_logout "$T" "$P"
