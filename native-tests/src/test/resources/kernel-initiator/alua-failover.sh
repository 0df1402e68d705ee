# KernelInitiatorAluaFailoverTest's guest script (busybox sh): two sessions through the guest's two NICs to the two
# TPGs of one target (TPG 1 active/optimized and preferred, TPG 2 active/non-optimized), dm-multipath with the
# admin guide's devices stanza (/test/multipath.conf) and the initiator timeouts it recommends; verified I/O keeps
# running while NIC 0's cable is pulled and put back (rt_host link); then an STPG puts the preferred TPG 1 in standby,
# which Linux undoes. The harness replaces @TARGET@, @PATH0@ and @PATH1@ (10.0.2.2:PORT1 and 10.0.3.2:PORT2).
. /lib/rt-guest.sh
T=@TARGET@
P0=@PATH0@
P1=@PATH1@

rt_step udev
rt_udev
rt_step iscsid
rt_iscsid
for p in "$P0" "$P1"; do
  rt_node "$T" "$p"
  # The admin guide's initiator settings for multipath: a failed path's commands go to multipath after 5 s.
  rt_node_set "$T" "$p" node.session.timeo.replacement_timeout 5
  rt_node_set "$T" "$p" node.conn[0].timeo.noop_out_interval 5
  rt_node_set "$T" "$p" node.conn[0].timeo.noop_out_timeout 5
done
rt_step login
rt_login "$T" "$P0"
rt_login "$T" "$P1"
D0="$(rt_disk_via "$P0" 0)" || rt_fail "no disk through $P0"
D1="$(rt_disk_via "$P1" 0)" || rt_fail "no disk through $P1"
udevadm settle --timeout=60
rt_result disks "$D0 $D1"

rt_step multipath
# The guide's stanza, after defaults of the test's own: the checker every second (default 5) for shorter waits.
{ printf 'defaults {\n    polling_interval 1\n    user_friendly_names yes\n    find_multipaths off\n}\n'
  cat /test/multipath.conf; } >/etc/multipath.conf
cat /etc/multipath.conf
multipathd -s || rt_fail "multipathd did not start"
ready_paths() { [ "$(multipathd show paths raw format '%d %t %T' 2>/dev/null | grep -c 'active ready')" = "$1" ]; }
rt_until 60 "2 ready paths" ready_paths 2
udevadm settle --timeout=60
multipath -ll
# multipath -ll's topology; while multipathd switches path groups, the map's dm status can be mid-change and
# multipath -ll prints "cannot disassemble status" with no path groups (seen once in CI): read again, up to 2 s.
topology() {
  n=0
  while :; do
    out="$(multipath -ll 2>/dev/null)"
    case "$out" in *status=active*) break ;; esac
    n=$((n + 1)); [ "$n" -ge 10 ] && break
    sleep 0.2
  done
  printf '%s\n' "$out"
}
# The device of the first usable path of the path group multipath uses now (status=active).
active_dev() { topology | awk '/status=active/ { g = 1; next } /status=/ { g = 0 }
  g && /active ready/ { for (i = 1; i <= NF; i++) if ($i ~ /^sd[a-z]+$/) { print $i; exit } }'; }
prio_of() { multipathd show paths raw format '%d %p' | awk -v d="$1" '$1 == d { print $2 }'; }
rt_result hwhandler "$(multipath -ll | sed -n "s/.*hwhandler='\([^']*\)'.*/\1/p")"
rt_result groups "$(multipath -ll | grep -c 'policy=')"
rt_result prio0 "$(prio_of "$D0")"
rt_result prio1 "$(prio_of "$D1")"
rt_result active_before "$(active_dev)"
rt_result access0_before "$(cat /sys/block/$D0/device/access_state)"
rt_result access1_before "$(cat /sys/block/$D1/device/access_state)"
rt_result rtpg_before "$(sg_rtpg -d /dev/$D0 | tr -s ' \n' ' ')"
[ -b /dev/mapper/mpatha ] || rt_fail "no /dev/mapper/mpatha"

rt_step io
# Verified I/O in rounds (write 8 MiB with checksums, read back, check) until told to stop: each round is a fio run
# whose exit status counts. Rounds overlap the cable pull and its return.
(
  n=0
  while [ ! -e /tmp/stop-io ]; do
    n=$((n + 1))
    fio --name=round$n --filename=/dev/mapper/mpatha --ioengine=libaio --direct=1 --rw=randwrite --bs=4k \
      --iodepth=8 --size=8m --verify=crc32c --do_verify=1 --verify_fatal=1 --randrepeat=0 --verify_state_save=0 \
      >/tmp/fio-round.out 2>&1 || { echo "$n $?" >/tmp/io-failed; cat /tmp/fio-round.out; break; }
    echo "$n" >/tmp/io-rounds
  done
) &
io=$!
rounds() { cat /tmp/io-rounds 2>/dev/null || echo 0; }
one_more_round() { [ "$(rounds)" -gt "$1" ]; }
rt_until 120 "a first verified round" one_more_round 0

rt_step cable-out
rt_host link 0 off
path_failed() { multipathd show paths raw format '%d %t' | grep -q "^$1 failed"; }
rt_until 60 "the path through NIC 0 failed in multipath" path_failed "$D0"
rt_result failover_seconds "$RT_WAITED"
multipath -ll
# The result is what the wait saw, not a second look that could land in another switch.
on_second() { seen="$(active_dev)"; [ "$seen" = "$D1" ]; }
rt_until 30 "I/O on the second path group" on_second
rt_result active_during "$seen"
rt_result access1_during "$(cat /sys/block/$D1/device/access_state)"
rt_result prio1_during "$(prio_of "$D1")"
rt_result rtpg_during "$(sg_rtpg -d /dev/$D1 | tr -s ' \n' ' ')"
r="$(rounds)"
rt_until 120 "a verified round on the second path alone" one_more_round "$r"
[ -e /tmp/io-failed ] && rt_fail "I/O failed while a path was down: $(cat /tmp/io-failed)"

rt_step cable-in
rt_host link 0 on
rt_until 120 "the path through NIC 0 back" ready_paths 2
rt_result failback_seconds "$RT_WAITED"
on_first() { seen="$(active_dev)"; [ "$seen" = "$D0" ]; }
rt_until 30 "I/O back on the preferred group" on_first
rt_result active_after "$seen"
r="$(rounds)"
rt_until 120 "a verified round after the path came back" one_more_round "$r"
touch /tmp/stop-io
wait "$io"
rt_result io_rounds "$(rounds)"
rt_result io_failed "$(cat /tmp/io-failed 2>/dev/null || echo none)"
# Errors that reached the multipath device (the application) rather than a path.
rt_result dm_io_errors "$(dmesg | grep -c 'I/O error, dev dm-' || true)"

rt_step stpg
# TPG 1 to standby, TPG 2 to active/optimized, in one SET TARGET PORT GROUPS through the first path. STPG cannot move
# the PREF bit, and multipath-tools' alua prioritizer ranks a preferred group above any other in every state but
# active/optimized (standby + PREF = 1 + 80 > 50), so multipath goes on using TPG 1's group and Linux's ALUA handler
# activates it with an STPG of its own (active/optimized): the initiator undoes a standby of the preferred group.
# (The preference moves with the target's own change, `ringtarget iscsi tpg alua`, which moves PREF too.)
sg_stpg -v --tp=1,2 --state=s,ao /dev/$D0 || rt_fail "sg_stpg failed"
rt_result rtpg_after "$(sg_rtpg -d /dev/$D1 | tr -s ' \n' ' ')"
# dm-multipath activates a path group on I/O: one direct read per try.
active_devs() { topology | awk '/status=active/ { g = 1; next } /status=/ { g = 0 }
  g && /active ready/ { for (i = 1; i <= NF; i++) if ($i ~ /^sd[a-z]+$/) print $i }' | tr '\n' ' '; }
state_is() { [ "$(cat /sys/block/$1/device/access_state)" = "$2" ]; }
first_back() { dd if=/dev/mapper/mpatha of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null;
  state_is "$D0" active/optimized && case " $(active_devs)" in *" $D0 "*) true ;; *) false ;; esac; }
rt_until 60 "the preferred group active/optimized again and in use" first_back
rt_result access0_after "$(cat /sys/block/$D0/device/access_state)"
rt_result access1_after "$(cat /sys/block/$D1/device/access_state)"
rt_result prio0_after "$(prio_of "$D0")"
rt_result active_group_after_stpg "$(active_devs)"
rt_result rtpg_final "$(sg_rtpg -d /dev/$D1 | tr -s ' \n' ' ')"
multipath -ll
rt_fio_verify after_stpg /dev/mapper/mpatha --rw=randwrite --bs=4k --iodepth=4 --size=4m

rt_step logout
rt_multipath_logout
rt_result sessions_after_logout "$(ls /sys/class/iscsi_session | wc -l)"
rt_step done
