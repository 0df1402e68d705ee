# Helpers of the guest scripts that run dm-multipath over two ALUA paths (busybox sh, sourced after /lib/rt-guest.sh;
# the harness puts this file in /test/): the admin guide's devices stanza (/test/multipath.conf), the path and
# group queries, and verified I/O in rounds in the background.

# rt_mp_setup TARGET PATH0 PATH1: udev and iscsid, a session through each path (rt_mp_login), multipath over them
# (rt_mp_start): the steps every two-path script begins with.
rt_mp_setup() {
  rt_step udev
  rt_udev
  rt_step iscsid
  rt_iscsid
  rt_step login
  rt_mp_login "$1" "$2" "$3"
  rt_step multipath
  rt_mp_start
}

# rt_mp_login TARGET PATH0 PATH1: node records with the admin guide's initiator settings for multipath (a failed
# path's commands go to multipath after 5 s), a session through each path; D0 and D1 are the paths' disks.
rt_mp_login() {
  for p in "$2" "$3"; do
    rt_node "$1" "$p"
    rt_node_set "$1" "$p" node.session.timeo.replacement_timeout 5
    rt_node_set "$1" "$p" node.conn[0].timeo.noop_out_interval 5
    rt_node_set "$1" "$p" node.conn[0].timeo.noop_out_timeout 5
  done
  rt_login "$1" "$2"
  rt_login "$1" "$3"
  D0="$(rt_disk_via "$2" 0)" || rt_fail "no disk through $2"
  D1="$(rt_disk_via "$3" 0)" || rt_fail "no disk through $3"
  udevadm settle --timeout=60
  rt_result disks "$D0 $D1"
}

# rt_mp_start: /etc/multipath.conf from the guide's stanza after defaults of the tests' own (the checker every second,
# default 5, for shorter waits), multipathd started, both paths ready.
rt_mp_start() {
  { printf 'defaults {\n    polling_interval 1\n    user_friendly_names yes\n    find_multipaths off\n}\n'
    cat /test/multipath.conf; } >/etc/multipath.conf
  cat /etc/multipath.conf
  multipathd -s || rt_fail "multipathd did not start"
  rt_until 60 "2 ready paths" ready_paths 2
  udevadm settle --timeout=60
  multipath -ll
  [ -b /dev/mapper/mpatha ] || rt_fail "no /dev/mapper/mpatha"
}
ready_paths() { [ "$(multipathd show paths raw format '%d %t %T' 2>/dev/null | grep -c 'active ready')" = "$1" ]; }
path_failed() { multipathd show paths raw format '%d %t' | grep -q "^$1 failed"; }
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

# rt_io_start: verified I/O in rounds (write 8 MiB with checksums, read back, check) on /dev/mapper/mpatha until
# rt_io_stop: each round is a fio run whose exit status counts (/tmp/io-failed names the first that failed).
rt_io_start() {
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
  RT_IO_PID=$!
}
rounds() { cat /tmp/io-rounds 2>/dev/null || echo 0; }
one_more_round() { [ "$(rounds)" -gt "$1" ]; }
# rt_io_round WHAT: waits for a verified round that starts after now.
rt_io_round() { r="$(rounds)"; rt_until 120 "$1" one_more_round "$r"; }
# rt_io_stop: ends the rounds; results io_rounds, io_failed and dm_io_errors (errors that reached the multipath
# device, the application, rather than a path).
rt_io_stop() {
  touch /tmp/stop-io
  wait "$RT_IO_PID"
  rt_result io_rounds "$(rounds)"
  rt_result io_failed "$(cat /tmp/io-failed 2>/dev/null || echo none)"
  rt_result dm_io_errors "$(dmesg | grep -c 'I/O error, dev dm-' || true)"
}
