# KernelInitiatorPersistentReservationTest's guest script (busybox sh): two initiators (two open-iscsi ifaces with
# their own initiator names, standing in for two cluster nodes), each on its own NIC and portal (TPG 1 and TPG 2 of
# one target), fence each other the way Pacemaker's fence_scsi does: register with APTPL, reserve WRITE EXCLUSIVE -
# REGISTRANTS ONLY, PREEMPT AND ABORT. Then the target is restarted cleanly and after SIGKILL (rt_host
# restart-target term|kill) and the reservation must be there each time. The harness replaces @TARGET@, @PATH0@,
# @PATH1@, @NODE_A@ and @NODE_B@.
. /lib/rt-guest.sh
T=@TARGET@
P0=@PATH0@
P1=@PATH1@
KA=0xa1
KB=0xb2

rt_step iscsid
rt_iscsid
for n in a b; do
  iscsiadm -m iface -I "node-$n" -o new >/dev/null || rt_fail "cannot create iface node-$n"
done
iscsiadm -m iface -I node-a -o update -n iface.initiatorname -v @NODE_A@ >/dev/null || rt_fail "iface node-a"
iscsiadm -m iface -I node-b -o update -n iface.initiatorname -v @NODE_B@ >/dev/null || rt_fail "iface node-b"
iscsiadm -m node -o new -T "$T" -p "$P0" -I node-a >/dev/null || rt_fail "node record A"
iscsiadm -m node -o new -T "$T" -p "$P1" -I node-b >/dev/null || rt_fail "node record B"
for p in "$P0" "$P1"; do
  # Long enough for a target restart: commands wait for the session to come back instead of failing.
  iscsiadm -m node -T "$T" -p "$p" -o update -n node.session.timeo.replacement_timeout -v 120 || rt_fail "timeout"
done
rt_step login
iscsiadm -m node -T "$T" -p "$P0" -I node-a --login || rt_fail "login of node A"
iscsiadm -m node -T "$T" -p "$P1" -I node-b --login || rt_fail "login of node B"
A="$(rt_disk_via "$P0" 0)" || rt_fail "no disk for node A"
B="$(rt_disk_via "$P1" 0)" || rt_fail "no disk for node B"
rt_result disks "$A $B"
dd if=/dev/urandom of=/tmp/block bs=512 count=1 2>/dev/null

# WRITE(10) of one block at LBA 16 through DISK, bypassing the page cache and the kernel's retries: prints sg_raw's
# exit status and what it said.
write_one() { out="$(sg_raw -s 512 -i /tmp/block "/dev/$1" 2a 00 00 00 00 10 00 00 01 00 2>&1)"; echo "$? $out" | tr '\n' ' '; }
keys() { sg_persist --in --read-keys "/dev/$1" 2>&1 | tr -s ' \n' ' '; }
reservation() { sg_persist --in --read-reservation "/dev/$1" 2>&1 | tr -s ' \n' ' '; }

rt_step register
sg_persist --out --register --param-sark=$KA --param-aptpl "/dev/$A" || rt_fail "register A"
sg_persist --out --register --param-sark=$KB --param-aptpl "/dev/$B" || rt_fail "register B"
rt_result keys_registered "$(keys "$A")"
rt_step reserve
sg_persist --out --reserve --param-rk=$KA --prout-type=5 "/dev/$A" || rt_fail "reserve by A"
rt_result reservation_a "$(reservation "$B")"
rt_result write_b_registered "$(write_one "$B")"
rt_step preempt-and-abort
sg_persist --out --preempt-abort --param-rk=$KB --param-sark=$KA --prout-type=5 "/dev/$B" || rt_fail "B preempts A"
# A's next command learns it was fenced (2A/05), then its writes conflict.
rt_result tur_a_fenced "$(sg_turs -v "/dev/$A" 2>&1 | tr -s ' \n' ' ')"
rt_result write_a_fenced "$(write_one "$A")"
rt_result write_b_holder "$(write_one "$B")"
rt_result keys_fenced "$(keys "$B")"
rt_result reservation_fenced "$(reservation "$B")"
rt_result full_status_seen_by_a "$(sg_persist --in --read-full-status "/dev/$A" 2>&1 | tr -s ' \n' ' ')"
rt_host state-file
rt_result state_file_fenced "$RT_ANSWER"

logged_in() {
  for s in /sys/class/iscsi_session/session*; do [ "$(cat "$s/state")" = LOGGED_IN ] || return 1; done
}
for how in term kill; do
  rt_step "restart-$how"
  rt_host restart-target "$how"
  rt_until 120 "both sessions back after the $how restart" logged_in
  rt_result relogin_$how "$RT_WAITED"
  sg_turs "/dev/$B" >/dev/null 2>&1 || sg_turs "/dev/$B" >/dev/null 2>&1   # a unit attention first, if any
  rt_result keys_after_$how "$(keys "$B")"
  rt_result reservation_after_$how "$(reservation "$B")"
  rt_result write_a_after_$how "$(write_one "$A")"
  rt_result write_b_after_$how "$(write_one "$B")"
done

rt_step clear
sg_persist --out --clear --param-rk=$KB "/dev/$B" || rt_fail "clear by B"
rt_result keys_cleared "$(keys "$B")"
rt_host state-file
rt_result state_file_cleared "$RT_ANSWER"
rt_step logout
iscsiadm -m node --logoutall=all || rt_fail "logout failed"
rt_result sessions_after_logout "$(ls /sys/class/iscsi_session | wc -l)"
rt_step done
