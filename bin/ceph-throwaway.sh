#!/usr/bin/env bash
# A throwaway single-node Ceph cluster for the rbd backstore's tests and benchmarks: one monitor on 127.0.0.1
# (msgr2 only, a free port), one OSD (memstore in RAM, or bluestore on a sparse file), cephx, a pool "rbd" of size 1.
# No ceph-mgr: RBD I/O does not need one. Debian 12's ceph-mon, ceph-osd and ceph-common (16.2) do the work; their
# services stay as bin/install-test-deps.sh left them (not enabled, not started): the daemons run from here only,
# with every file under the cluster's directory.
#
#   bin/ceph-throwaway.sh start [DIR]   prints KEY=VALUE lines (CEPH_DIR, CEPH_CONF, CEPH_KEYRING, CEPH_ID, CEPH_POOL)
#   bin/ceph-throwaway.sh stop DIR      kills the daemons started for DIR (by their pid files) and deletes DIR
#
# DIR must not exist or be empty; without it a new one is made under ${TMPDIR:-/tmp}. Environment:
#   CEPH_STORE=memstore|bluestore  (memstore: RAM, grows about 4 MiB per object written; bluestore: a sparse file)
#   CEPH_STORE_BYTES=4294967296    the store's size
#   CEPH_CONF_EXTRA='...'          more ceph.conf lines, appended (with their [section] headers)
# Settings chosen for tests, measured on a 2-core VM (about 3 s from nothing to a usable pool):
#   paxos propose interval = 0.05  the monitor commits map changes every 50 ms (the default 1 s makes start 13 s)
#   osd client watch timeout = 5   a killed client's watch (and so its exclusive lock's liveness) ends in ~5 s
#   memstore page set = true       random overwrites do not slow memstore down run after run
set -euo pipefail

die() { echo "ceph-throwaway: $*" >&2; exit 1; }
say() { echo "ceph-throwaway: $*" >&2; }
marker=.ringtarget-ceph-throwaway

stop() {
  local dir="$1" pidfile pid pids=()
  [ -f "$dir/$marker" ] || die "$dir is not a cluster made by $0"
  for pidfile in "$dir"/run/*.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    # Only a daemon started with this directory's ceph.conf: a pid file can outlive its process and be reused.
    if [ -n "$pid" ] && { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$dir/ceph.conf"; then
      kill -KILL "$pid" 2>/dev/null && pids+=("$pid")   # throwaway data: no clean shutdown to wait for
    fi
  done
  for _ in $(seq 100); do
    local alive=0
    for pid in "${pids[@]}"; do
      [ -r "/proc/$pid/stat" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ] && alive=1
    done
    [ "$alive" = 0 ] && break
    sleep 0.05
  done
  rm -rf "$dir"
}

start() {
  local dir="${1:-}"
  for tool in ceph-mon ceph-osd ceph-authtool monmaptool ceph rbd uuidgen; do
    command -v "$tool" >/dev/null || die "$tool not found: apt-get install ceph-mon ceph-osd ceph-common (bin/install-test-deps.sh)"
  done
  if [ -z "$dir" ]; then
    dir="$(mktemp -d "${TMPDIR:-/tmp}/ringtarget-ceph.XXXXXX")"
  else
    mkdir -p "$dir"
    [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
  fi
  dir="$(cd "$dir" && pwd)"
  touch "$dir/$marker"
  mkdir -p "$dir/run" "$dir/log" "$dir/mon.a" "$dir/osd.0"
  # Whatever fails from here: the daemons started so far are killed; the directory stays for its logs.
  trap 'say "start failed; logs in $dir/log"; for p in "$dir"/run/*.pid; do [ -f "$p" ] && kill -KILL "$(cat "$p")" 2>/dev/null; done' ERR

  local port fsid conf keyring store bytes
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  fsid="$(uuidgen)"
  conf="$dir/ceph.conf"
  keyring="$dir/keyring"
  store="${CEPH_STORE:-memstore}"
  bytes="${CEPH_STORE_BYTES:-4294967296}"
  cat > "$conf" <<EOF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$port
mon initial members = a
public network = 127.0.0.0/8
ms bind msgr1 = false
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $keyring
run dir = $dir/run
admin socket = $dir/run/\$name.\$pid.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
crash dir = $dir/log
log to stderr = false
err to stderr = true
mon cluster log file = $dir/log/cluster.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
paxos propose interval = 0.05
paxos min wait = 0.01
objecter tick interval = 1

[mon]
mon data = $dir/mon.\$id

[osd]
osd data = $dir/osd.\$id
osd objectstore = $store
memstore device bytes = $bytes
memstore page set = true
bluestore block path = $dir/osd.\$id/block
bluestore block size = $bytes
bluestore block create = true
bluestore fsck on mkfs = false
bluestore cache autotune = false
bluestore cache size = 134217728
osd op num shards = 2
osd op num threads per shard = 2
osd scrub begin hour = 0
osd scrub end hour = 0
osd fast shutdown = true
osd client watch timeout = 5
${CEPH_CONF_EXTRA:-}
EOF
  ceph-authtool --create-keyring "$keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool "$keyring" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' >/dev/null
  chmod 600 "$keyring"
  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$port]" "$dir/monmap" >/dev/null
  ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$keyring"
  ceph-mon -c "$conf" -i a                      # forks once it listens; writes run/mon.a.pid
  local osd_uuid
  osd_uuid="$(uuidgen)"
  # One call of the (Python) ceph CLI for both commands: each start of it costs most of a second.
  printf 'osd new %s\nosd pool create rbd 8 8 replicated\n' "$osd_uuid" \
    | timeout 60 ceph -c "$conf" --connect-timeout 30 >"$dir/log/ceph-cli.out" 2>&1 \
    || { cat "$dir/log/ceph-cli.out" >&2; false; }
  ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" >"$dir/log/osd.0.mkfs.out" 2>&1 \
    || { cat "$dir/log/osd.0.mkfs.out" >&2; false; }
  ceph-osd -c "$conf" -i 0 2>"$dir/log/osd.0.stderr"   # forks; writes run/osd.0.pid
  # rbd blocks until the OSD is up and the pool's placement groups are active.
  timeout 60 rbd -c "$conf" pool init rbd
  trap - ERR
  printf 'CEPH_DIR=%s\nCEPH_CONF=%s\nCEPH_KEYRING=%s\nCEPH_ID=admin\nCEPH_POOL=rbd\n' "$dir" "$conf" "$keyring"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) [ -n "${2:-}" ] || die "usage: $0 stop DIR"; stop "$2" ;;
  *) die "usage: $0 start [DIR] | stop DIR" ;;
esac
