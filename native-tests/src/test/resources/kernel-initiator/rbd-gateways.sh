# KernelInitiatorRbdGatewaysTest's guest script (busybox sh): two gateways (two ringtarget processes) export one rbd
# image as one LUN, A through TPG 1 (active/optimized, preferred), B through TPG 2 (active/non-optimized); the guest
# reaches A through NIC 0 and B through NIC 1, with dm-multipath as the admin guide sets it up. Verified I/O runs
# throughout. NIC 0's cable is pulled: multipath moves to B, whose first write takes the image over (A, alive, is
# blocklisted, finds out by itself and serves again 10 s later as a new Ceph client: rt_host waits for it); the cable
# comes back: multipath returns to A, whose next write takes the image back (B fenced, then serving again). The
# harness replaces @TARGET@, @PATH0@ and @PATH1@ (10.0.2.2:PORT_A and 10.0.3.2:PORT_B).
. /lib/rt-guest.sh
. /test/multipath-alua.sh

rt_mp_setup @TARGET@ @PATH0@ @PATH1@
rt_result groups "$(multipath -ll | grep -c 'policy=')"
rt_result prios_before "$(prio_of "$D0") $(prio_of "$D1")"
rt_result active_before "$(active_dev)"

rt_step io
rt_io_start
rt_until 120 "a first verified round" one_more_round 0
rt_io_round "a verified round through A"

rt_step cable-out
rt_host link 0 off
rt_until 60 "the path to A failed in multipath" path_failed "$D0"
on_second() { seen="$(active_dev)"; [ "$seen" = "$D1" ]; }
rt_until 30 "I/O through B" on_second
rt_result active_during "$seen"
rt_io_round "a verified round through B, which took the image over"
[ -e /tmp/io-failed ] && rt_fail "I/O failed while a path was down: $(cat /tmp/io-failed)"

rt_step a-serves-again
rt_host reopened a
rt_result a_reopened "$RT_ANSWER"

rt_step cable-in
rt_host link 0 on
rt_until 120 "the path to A back" ready_paths 2
rt_result failback_seconds "$RT_WAITED"
on_first() { seen="$(active_dev)"; [ "$seen" = "$D0" ]; }
rt_until 60 "I/O back through A" on_first
rt_result active_after "$seen"
rt_io_round "a verified round through A, which took the image back"
rt_result access0_after "$(cat /sys/block/$D0/device/access_state)"

rt_step b-serves-again
rt_host reopened b
rt_result b_reopened "$RT_ANSWER"
rt_io_round "a verified round after B serves again"
rt_io_stop
multipath -ll
# Linux made B's group active/optimized with an STPG at the failover, which B's reopen kept: the preferred group
# must still rank above it (the guide's exclusive_pref_bit), else both share one group and I/O goes to both.
rt_result groups_end "$(topology | grep -c 'policy=')"
rt_result prios_end "$(prio_of "$D0") $(prio_of "$D1")"
rt_result active_end "$(active_dev)"

rt_step logout
rt_multipath_logout
rt_result sessions_after_logout "$(ls /sys/class/iscsi_session | wc -l)"
rt_step done
