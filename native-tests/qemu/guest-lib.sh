#!/bin/sh
# Helpers for the guest's test scripts (busybox sh): `. /lib/rt-guest.sh` at the top of /test/run.
# Lines the harness parses (KernelInitiatorGuest.Result):
#   RT-RESULT KEY=VALUE   a value the test asserts on (rt_result)
#   RT-STEP T WHAT        a step began at T seconds since boot (rt_step; the harness reports the timings)
#   RT-FAIL WHY           the script gave up (rt_fail; the script then exits 1)
# And on the second serial port (/dev/ttyS1), the host channel of rt_host: RT-HOST requests, RT-DONE answers.

rt_uptime() { cut -d' ' -f1 /proc/uptime; }
rt_result() { echo "RT-RESULT $1=$2"; }
rt_step() { echo "RT-STEP $(rt_uptime) $*"; }
rt_fail() { echo "RT-FAIL $*"; exit 1; }

# Starts iscsid and waits until it listens on its control socket (an abstract Unix socket): iscsid forks and its
# parent returns before the child listens.
rt_iscsid() {
  iscsid || rt_fail "iscsid did not start"
  n=0
  until grep -q ISCSIADM_ABSTRACT_NAMESPACE /proc/net/unix; do
    n=$((n + 1)); [ "$n" -gt 100 ] && rt_fail "iscsid does not listen after 10 s"
    sleep 0.1
  done
}

# Starts udevd and replays the kernel's events, so that devices have udev's properties (ID_SERIAL, ...) and
# /dev/disk/by-* links, as multipath needs; later devices (new logins) get theirs as they come.
rt_udev() {
  mkdir -p /run/udev
  /lib/systemd/systemd-udevd --daemon --resolve-names=never || rt_fail "udevd did not start"
  udevadm trigger --type=subsystems --action=add
  udevadm trigger --type=devices --action=add
  udevadm settle --timeout=60 || rt_fail "udev did not settle in 60 s"
}

# A node record for TARGET at PORTAL (host:port) without discovery: SendTargets answers with the target's own
# address (127.0.0.1, the guest's own loopback), so discovered records cannot be logged in to from here.
rt_node() { iscsiadm -m node -o new -T "$1" -p "$2" >/dev/null || rt_fail "cannot create the node record $1 $2"; }
# rt_node_set TARGET PORTAL NAME VALUE: one setting of the record (node.conn[0].iscsi.HeaderDigest, ...).
rt_node_set() { iscsiadm -m node -T "$1" -p "$2" -o update -n "$3" -v "$4" || rt_fail "cannot set $3=$4"; }
rt_login() { iscsiadm -m node -T "$1" -p "$2" --login || rt_fail "login to $1 at $2 failed"; }
rt_logout() { iscsiadm -m node -T "$1" -p "$2" --logout || rt_fail "logout from $1 at $2 failed"; }

# rt_session_of TARGET: the session number (N of /sys/class/iscsi_session/sessionN) logged in to TARGET.
rt_session_of() {
  for s in /sys/class/iscsi_session/session*; do
    [ -e "$s/targetname" ] && [ "$(cat "$s/targetname")" = "$1" ] && { echo "${s##*session}"; return 0; }
  done
  return 1
}

# rt_disk TARGET LUN [SECONDS]: waits (default 30 s) for the SCSI disk of LUN of the session to TARGET and prints
# its name (sda). The kernel scans the LUNs after the login has returned, so the disk comes a little later.
rt_disk() {
  n=0
  while [ "$n" -lt "$((${3:-30} * 10))" ]; do
    sid="$(rt_session_of "$1")" && for b in /sys/class/iscsi_session/session"$sid"/device/target*/*:*:*:"$2"/block/*; do
      [ -e "$b" ] && [ -b "/dev/${b##*/}" ] && { echo "${b##*/}"; return 0; }
    done
    n=$((n + 1)); sleep 0.1
  done
  return 1
}

# rt_bytes DISK: the disk's size in bytes (/sys/block/DISK/size counts 512-byte sectors whatever the block size).
rt_bytes() { echo $(($(cat "/sys/block/$1/size") * 512)); }

# rt_negotiated KEY: KEY's value in the newest session's negotiated parameters (iscsiadm -m session -P 2).
rt_negotiated() { iscsiadm -m session -P 2 | sed -n "s/^[[:space:]]*$1: //p" | tail -1; }

# rt_conn_errors: kernel messages of connection failures and ping timeouts since boot (none is good).
rt_conn_errors() { dmesg | grep -ciE 'conn error|ping timeout|detected conn|session recovery timed out' || true; }

# rt_fio_verify NAME DEVICE FIO-ARGS...: fio writes with crc32c checksums, reads everything back and checks it, with
# direct I/O (the reads come from the target, not the page cache). Reports fio_NAME (fio's exit status: 0 passed)
# and fio_NAME_summary (bandwidths); on a failure prints fio's output and gives up (rt_fail).
rt_fio_verify() {
  name="$1"; dev="$2"; shift 2
  fio --name="$name" --filename="$dev" --ioengine=libaio --direct=1 --verify=crc32c --do_verify=1 \
    --verify_fatal=1 --randrepeat=0 --verify_state_save=0 "$@" >"/tmp/fio-$name.out" 2>&1
  st=$?
  rt_result "fio_$name" "$st"
  rt_result "fio_${name}_summary" "$(grep -E '^ *(READ|WRITE):' "/tmp/fio-$name.out" | sed 's/^ *//; s/(.*, io=/io=/; s/, run=.*//' | tr '\n' ';')"
  [ "$st" = 0 ] || { cat "/tmp/fio-$name.out"; rt_fail "fio $name on $dev failed"; }
}

# rt_host WORD ARGS...: asks the harness on the host to do something (KernelInitiatorGuest.hostAction: "link N off"
# pulls NIC N's cable, "link N on" connects it; a test may add its own, e.g. restarting the target) and waits for it
# to be done (up to 180 s). Prints the host's answer and keeps it in RT_ANSWER; gives up (rt_fail) when the host
# could not do it. Call it from the script itself, not from a subshell ($(...)): the port is opened once, on file
# descriptor 7, and rt_fail must end the script.
rt_host() {
  if [ -z "${RT_HOST_OPEN:-}" ]; then
    [ -c /dev/ttyS1 ] || rt_fail "no host channel (/dev/ttyS1): the harness starts QEMU with it"
    exec 7<>/dev/ttyS1
    # Raw and without echo: the host's answer must not be sent back to it, nor a line be edited.
    stty -F /dev/ttyS1 raw -echo || rt_fail "cannot set /dev/ttyS1 raw"
    RT_HOST_OPEN=1
  fi
  rt_step "host: $*"
  echo "RT-HOST $*" >&7
  # Not busybox's read builtin: a signal (SIGCHLD of a background job ending) restarts it and the part of the line
  # it had read is lost. head's bytes stay in the command substitution's pipe.
  rt_line="$(timeout 180 head -n 1 <&7)"
  case "$rt_line" in
    *"RT-DONE ok"*) RT_ANSWER="${rt_line#*RT-DONE ok}"; RT_ANSWER="${RT_ANSWER# }" ;;
    "") rt_fail "no answer from the host to: $*" ;;
    *) rt_fail "the host could not do \"$*\": ${rt_line#*RT-DONE }" ;;
  esac
  echo "$RT_ANSWER"
}

# rt_disk_via HOST:PORT LUN [SECONDS]: like rt_disk, for the session whose connection goes to HOST:PORT (two paths
# to one target are told apart by their portal).
rt_disk_via() {
  n=0
  while [ "$n" -lt "$((${3:-30} * 10))" ]; do
    for c in /sys/class/iscsi_connection/connection*; do
      [ -e "$c/persistent_address" ] || continue
      [ "$(cat "$c/persistent_address"):$(cat "$c/persistent_port")" = "$1" ] || continue
      sid="${c##*connection}"; sid="${sid%%:*}"
      for b in /sys/class/iscsi_session/session"$sid"/device/target*/*:*:*:"$2"/block/*; do
        [ -e "$b" ] && [ -b "/dev/${b##*/}" ] && { echo "${b##*/}"; return 0; }
      done
    done
    n=$((n + 1)); sleep 0.1
  done
  return 1
}

# rt_until SECONDS WHAT COMMAND...: runs COMMAND every 0.2 s until it succeeds; gives up (rt_fail) after SECONDS,
# saying WHAT did not happen. Sets RT_WAITED to the seconds it took. (Not in $(...): rt_fail must end the script.)
rt_until() {
  limit="$1"; what="$2"; shift 2
  t0="$(rt_uptime)"
  until "$@" >/dev/null 2>&1; do
    if [ "$(echo "$(rt_uptime) $t0 $limit" | awk '{ print ($1 - $2 > $3) }')" = 1 ]; then
      rt_fail "$what: not after $limit s"
    fi
    sleep 0.2
  done
  RT_WAITED="$(echo "$(rt_uptime) $t0" | awk '{ printf "%.1f", $1 - $2 }')"
}

# rt_multipath_logout: stops multipathd, flushes its maps and logs out of every session. After fio closes a map,
# udev probes it (blkid) and the map is "in use" for a moment: the flush is retried for up to 10 s.
rt_multipath_logout() {
  multipathd shutdown
  n=0
  until udevadm settle --timeout=30 && multipath -F >/dev/null 2>&1; do
    n=$((n + 1)); [ "$n" -gt 20 ] && rt_fail "multipath -F could not remove the map"
    sleep 0.5
  done
  iscsiadm -m node --logoutall=all || rt_fail "logout failed"
}
