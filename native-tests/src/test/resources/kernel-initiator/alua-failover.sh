# KernelInitiatorAluaFailoverTest's guest script (busybox sh): two sessions through the guest's two NICs to the two
# TPGs of one target (TPG 1 active/optimized and preferred, TPG 2 active/non-optimized), dm-multipath with the
# admin guide's devices stanza (/test/multipath.conf) and the initiator timeouts it recommends; verified I/O keeps
# running while NIC 0's cable is pulled and put back (rt_host link); then an STPG puts the preferred TPG 1 in standby,
# which Linux undoes. The harness replaces @TARGET@, @PATH0@ and @PATH1@ (10.0.2.2:PORT1 and 10.0.3.2:PORT2).
. /lib/rt-guest.sh
. /test/multipath-alua.sh

rt_mp_setup @TARGET@ @PATH0@ @PATH1@
rt_result hwhandler "$(multipath -ll | sed -n "s/.*hwhandler='\([^']*\)'.*/\1/p")"
rt_result groups "$(multipath -ll | grep -c 'policy=')"
rt_result prio0 "$(prio_of "$D0")"
rt_result prio1 "$(prio_of "$D1")"
rt_result active_before "$(active_dev)"
rt_result access0_before "$(cat /sys/block/$D0/device/access_state)"
rt_result access1_before "$(cat /sys/block/$D1/device/access_state)"
rt_result rtpg_before "$(sg_rtpg -d /dev/$D0 | tr -s ' \n' ' ')"

rt_step io
# Verified I/O in rounds until told to stop; rounds overlap the cable pull and its return.
rt_io_start
rt_until 120 "a first verified round" one_more_round 0

rt_step cable-out
rt_host link 0 off
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
rt_io_round "a verified round on the second path alone"
[ -e /tmp/io-failed ] && rt_fail "I/O failed while a path was down: $(cat /tmp/io-failed)"

rt_step cable-in
rt_host link 0 on
rt_until 120 "the path through NIC 0 back" ready_paths 2
rt_result failback_seconds "$RT_WAITED"
on_first() { seen="$(active_dev)"; [ "$seen" = "$D0" ]; }
rt_until 30 "I/O back on the preferred group" on_first
rt_result active_after "$seen"
rt_io_round "a verified round after the path came back"
rt_io_stop

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
