# KernelInitiatorTargetRestartTest's guest script (busybox sh): verified I/O through the kernel initiator while the
# host disrupts the target under it: restarts with SIGKILL (a crash: nothing is shut down) and with SIGTERM (an
# upgrade: the target asks the initiator to log out, then stops), then a 12 s SIGSTOP (a hung host) that the kernel
# notices by its NOP-Out ping. Each lands in the middle of a fio round that writes 16 MiB at random with checksums and
# reads it all back: a write the target acknowledged before it went away must be there when the round reads it. The
# initiator holds its I/O while the session is down (replacement_timeout 120 s) and retries it once logged in again,
# so fio must see no error at all. The harness replaces @TARGET@ and @PORTAL@.
. /lib/rt-guest.sh
T=@TARGET@
P=@PORTAL@

rt_step iscsid
rt_iscsid
rt_node "$T" "$P"
# Long enough for a target restart: commands wait for the session to come back instead of failing.
rt_node_set "$T" "$P" node.session.timeo.replacement_timeout 120
# A stalled target is noticed within seconds (iscsid.conf: 5 s and 5 s).
rt_node_set "$T" "$P" node.conn[0].timeo.noop_out_interval 3
rt_node_set "$T" "$P" node.conn[0].timeo.noop_out_timeout 3
rt_step login
rt_login "$T" "$P"
D="$(rt_disk_via "$P" 0)" || rt_fail "no disk for LUN 0"
rt_result disk "$D"

rt_step io
# Verified rounds until told to stop; each round is a fio run whose exit status counts. /tmp/io-log has each round's
# start and end (guest uptime).
(
  n=0
  while [ ! -e /tmp/stop-io ]; do
    n=$((n + 1))
    echo "start $n $(rt_uptime)" >>/tmp/io-log
    fio --name=round$n --filename="/dev/$D" --ioengine=libaio --direct=1 --rw=randwrite --bs=4k --iodepth=16 \
      --size=16m --verify=crc32c --do_verify=1 --verify_fatal=1 --randrepeat=0 --verify_state_save=0 \
      >/tmp/fio-round.out 2>&1 || { echo "$n $?" >/tmp/io-failed; cat /tmp/fio-round.out; break; }
    echo "end $n $(rt_uptime)" >>/tmp/io-log
  done
) &
io=$!
rounds() { awk '$1 == "end" { n = $2 } END { print n + 0 }' /tmp/io-log 2>/dev/null || echo 0; }
one_more_round() { [ "$(rounds)" -gt "$1" ]; }
logged_in() { [ "$(cat /sys/class/iscsi_session/session*/state)" = LOGGED_IN ]; }
rt_until 120 "a first verified round" one_more_round 0
round_seconds="$(awk '$2 == 1 { t[$1] = $3 } END { print t["end"] - t["start"] }' /tmp/io-log)"
rt_result round_seconds "$round_seconds"
# The round running now is a quarter of a round's time in: in its write phase, with writes acknowledged (the writes
# take about half of a round, the reads of the verification the other half).
into_round() { awk -v now="$(rt_uptime)" -v d="$round_seconds" '$1 == "start" { n = $2; t = $3 } $1 == "end" && $2 == n { t = -1 }
  END { if (t < 0 || now - t < d / 4) exit 1; printf "%d %.1f\n", n, now - t }' /tmp/io-log; }
at_quarter() { into_round >/tmp/position; }
# The round ended, verified or not.
round_over() { [ -e /tmp/io-failed ] || one_more_round "$1"; }

for how in kill term; do
  rt_step "restart-$how"
  rt_until 120 "a round a quarter done" at_quarter
  # The round running now spans the restart: its verification covers every write acknowledged before it.
  set -- $(cat /tmp/position)
  spanning="$1"
  rt_result into_round_$how "$2"
  rt_host restart-target "$how"
  rt_result restart_$how "$RT_ANSWER"
  rt_until 120 "the session logged in again after the $how restart" logged_in
  rt_result relogin_$how "$RT_WAITED"
  rt_until 180 "the round that spanned the $how restart over" round_over "$((spanning - 1))"
  [ -e /tmp/io-failed ] && rt_fail "I/O failed across the $how restart: $(cat /tmp/io-failed)"
  rt_result spanning_round_$how "$spanning"
done

# The target frozen (SIGSTOP) for 12 s, as a hung host or a stalled VM: the kernel's NOP-Out ping times out (3 s
# here), it drops the connection and logs in again once the target runs (SIGCONT), reinstating the session the
# target still holds; what the target had in its socket from the old connection must not run after the new one's.
rt_step freeze
rt_until 120 "a round a quarter done" at_quarter
set -- $(cat /tmp/position)
spanning="$1"
rt_result into_round_freeze "$2"
rt_host freeze-target 12
rt_result freeze "$RT_ANSWER"
rt_until 120 "the session logged in again after the freeze" logged_in
rt_result relogin_freeze "$RT_WAITED"
rt_until 180 "the round that spanned the freeze over" round_over "$((spanning - 1))"
[ -e /tmp/io-failed ] && rt_fail "I/O failed across the freeze: $(cat /tmp/io-failed)"
rt_result spanning_round_freeze "$spanning"
rt_result ping_timeouts "$(dmesg | grep -c 'ping timeout' || true)"

touch /tmp/stop-io
wait "$io"
rt_result io_rounds "$(rounds)"
rt_result io_failed "$(cat /tmp/io-failed 2>/dev/null || echo none)"
# Errors that reached the disk (an application) rather than the session, which recovers.
rt_result disk_io_errors "$(dmesg | grep -c "I/O error, dev $D" || true)"
rt_result conn_errors "$(rt_conn_errors)"
rt_result sessions "$(ls -d /sys/class/iscsi_session/session* | wc -l)"
rt_result kernel_messages "$(dmesg | grep -iE 'iscsi|conn|session' | tail -20 | tr '\n' '|')"

rt_step logout
rt_logout "$T" "$P"
