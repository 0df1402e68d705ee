# KernelInitiatorTwoPathsTest's guest script (busybox sh): one session through each of the guest's two NICs to the
# same portal, dm-multipath combines them (udev names each path's WWID), fio verifies I/O spread over both paths.
# The harness replaces @TARGET@, @PATH0@ and @PATH1@ (10.0.2.2:PORT and 10.0.3.2:PORT).
. /lib/rt-guest.sh
T=@TARGET@

rt_step udev
rt_udev
rt_step iscsid
rt_iscsid
rt_node "$T" @PATH0@
rt_node "$T" @PATH1@
rt_step login
rt_login "$T" @PATH0@
rt_login "$T" @PATH1@
udevadm settle --timeout=60
rt_result sessions "$(ls /sys/class/iscsi_session | wc -l)"

rt_step multipath
# multibus with round-robin, one request per path in turn: both paths carry I/O, which the target can see.
cat >/etc/multipath.conf <<'CONF'
defaults {
    user_friendly_names yes
    find_multipaths off
    path_grouping_policy multibus
    path_selector "round-robin 0"
    rr_min_io_rq 1
}
CONF
multipathd -s || rt_fail "multipathd did not start"
n=0
until [ "$(multipathd show paths raw format '%d %t %T' 2>/dev/null | grep -c 'active ready')" = 2 ]; do
  n=$((n + 1)); [ "$n" -gt 300 ] && { multipathd show paths; rt_fail "multipathd has not 2 ready paths after 30 s"; }
  sleep 0.1
done
udevadm settle --timeout=60
multipath -ll
rt_result map "$(multipath -ll | sed -n '1s/^\(mpath[a-z]*\) (\([^)]*\)).*/\1 \2/p')"
rt_result active_paths "$(multipath -ll | grep -c 'active ready running')"
rt_result hwhandler "$(multipath -ll | sed -n "s/.*hwhandler='\([^']*\)'.*/\1/p")"
[ -b /dev/mapper/mpatha ] || rt_fail "no /dev/mapper/mpatha"

rt_step fio
rt_fio_verify mpath /dev/mapper/mpatha --rw=randwrite --bs=4k --iodepth=8 --size=16m

rt_step logout
rt_multipath_logout
rt_result sessions_after_logout "$(ls /sys/class/iscsi_session | wc -l)"
rt_step done
