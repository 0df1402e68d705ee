#!/bin/sh
# Helpers for the guest's test scripts (busybox sh): `. /lib/rt-guest.sh` at the top of /test/run.
# Lines the harness parses (KernelInitiatorGuest.Result):
#   RT-RESULT KEY=VALUE   a value the test asserts on (rt_result)
#   RT-STEP T WHAT        a step began at T seconds since boot (rt_step; the harness reports the timings)
#   RT-FAIL WHY           the script gave up (rt_fail; the script then exits 1)

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
