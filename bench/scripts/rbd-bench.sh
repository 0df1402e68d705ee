#!/usr/bin/env bash
# The rbd backstore against librbd's own figures, on a throwaway Ceph cluster (bin/ceph-throwaway.sh, memstore OSD,
# `memstore page set = true`) in the same run: 4 KiB random reads and writes at QD1 and QD32 through the gateway
# (fio's libiscsi engine against `ringtarget demo --backstore rbd:rbd/gw`) and through `rbd bench` on a twin image
# (same size, features and fill). Both use librbd from the same ceph.conf, so the cache is configured alike
# (rbd cache = true, writearound: librbd's defaults, written out; and by default `rbd cache writethrough until flush
# = false`: fio sends the gateway no flush, so with librbd's default, true (--librbd-defaults), the gateway writes
# through while rbd bench's writes were acknowledged by the cache, docs/benchmarks.md). The gateway holds its image's
# exclusive lock (its first write takes it; the write runs come first), rbd bench takes the twin's. Each gateway run
# also yields the gateway's CPU per I/O (utime+stime of the java process over the I/Os fio completed).
#
#   flock /tmp/rt-heavy.lock bench/scripts/rbd-bench.sh [-o OUTDIR] [--runtime S] [--size SIZE] [--librbd-defaults]
#       [--no-cache]      (rbd cache = false for both: what docs/ceph.md recommends for gateways sharing an image)
#
# Writes OUTDIR/results.md (default .cache/bench/rbd-<UTC time>) and OUTDIR/fio-*.json, rbd-*.txt. Not in CI.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="" runtime=20 size=1G until_flush=false cache=true
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out="$2"; shift 2 ;;
    --runtime) runtime="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --librbd-defaults) until_flush=true; shift ;;
    --no-cache) cache=false; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "rbd-bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
out="${out:-$root/.cache/bench/rbd-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
fio="$("$root/bench/scripts/build-fio.sh")"
jar="$root/server/target/ringtarget.jar"
[ -f "$jar" ] || { echo "rbd-bench: $jar missing (./ringtarget build)" >&2; exit 2; }
source "$root/bin/find-jdk.sh"; ringtarget_find_jdk
say() { echo "rbd-bench: $*" >&2; }

ceph_dir="" gw_pid=""
cleanup() {
  [ -z "$gw_pid" ] || { kill "$gw_pid" 2>/dev/null; wait "$gw_pid" 2>/dev/null || true; }
  [ -z "$ceph_dir" ] || "$root/bin/ceph-throwaway.sh" stop "$ceph_dir"
}
trap cleanup EXIT

CEPH_CONF_EXTRA="$(printf '[client]\nrbd cache = %s\nrbd cache policy = writearound\nrbd cache writethrough until flush = %s' \
  "$cache" "$until_flush")"
export CEPH_CONF_EXTRA
eval "$("$root/bin/ceph-throwaway.sh" start | grep '^CEPH_')"
ceph_dir="$CEPH_DIR"
rbd=(rbd -c "$CEPH_CONF")
for image in gw twin; do
  "${rbd[@]}" create --size "$size" "rbd/$image"
  # Filled, so that reads find data and writes overwrite (memstore allocates on first write).
  "${rbd[@]}" bench --io-type write --io-pattern seq --io-size 4M --io-threads 4 --io-total "$size" "rbd/$image" >/dev/null
done
"${rbd[@]}" info rbd/gw > "$out/image-gw.txt"
"${rbd[@]}" info rbd/twin > "$out/image-twin.txt"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
  -jar "$jar" demo --portal "127.0.0.1:$port" --backstore rbd:rbd/gw --ceph-conf "$CEPH_CONF" --write-cache \
  --metrics off > "$out/gateway.log" 2>&1 &
gw_pid=$!
for _ in $(seq 300); do
  python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$port)))" 2>/dev/null && break
  kill -0 "$gw_pid" 2>/dev/null || { cat "$out/gateway.log" >&2; exit 1; }
  sleep 0.1
done
url="iscsi\\://127.0.0.1\\:$port/iqn.2026-11.io.ringtarget\\:demo/0"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$gw_pid/stat"; }
hz="$(getconf CLK_TCK)"

rows=()
for rw in write read; do
  for qd in 1 32; do
    say "gateway rand$rw QD$qd (${runtime}s)"
    t0="$(cpu_ticks)"
    "$fio" --name="gw-$rw-qd$qd" --ioengine=libiscsi --filename="$url" --rw="rand$rw" --bs=4k --iodepth="$qd" \
      --time_based --runtime="$runtime" --randrepeat=0 --norandommap --output-format=json \
      --output="$out/fio-$rw-qd$qd.json" >/dev/null
    t1="$(cpu_ticks)"
    read -r gw_iops gw_ios < <(python3 -c "
import json; j = json.load(open('$out/fio-$rw-qd$qd.json'))['jobs'][0]['$rw']
print(round(j['iops']), j['total_ios'])")
    cpu_us="$(python3 -c "print(round(($t1 - $t0) / $hz * 1e6 / max($gw_ios, 1), 1))")"
    # rbd bench is not time based: as many I/Os as the gateway did, for about as long.
    say "rbd bench $rw rand QD$qd ($gw_ios I/Os)"
    "${rbd[@]}" bench --io-type "$rw" --io-pattern rand --io-size 4K --io-threads "$qd" \
      --io-total "$((gw_ios * 4096))" rbd/twin > "$out/rbd-$rw-qd$qd.txt" 2>&1
    rbd_iops="$(awk '/^elapsed:/ {for (i = 1; i <= NF; i++) if ($i == "ops/sec:") print int($(i + 1))}' "$out/rbd-$rw-qd$qd.txt")"
    ratio="$(python3 -c "print(round($gw_iops / max($rbd_iops, 1), 2))")"
    say "  gateway $gw_iops IOPS ($cpu_us µs CPU/IO), rbd bench $rbd_iops IOPS: ${ratio}×"
    rows+=("| 4 KiB random $rw | $qd | $gw_iops | $rbd_iops | $ratio | $cpu_us |")
  done
done

{
  echo "# rbd backstore against rbd bench ($(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$root" rev-parse --short HEAD))"
  echo
  echo "Throwaway cluster (bin/ceph-throwaway.sh): one monitor, one memstore OSD, pool size 1, on this machine"
  echo "($(nproc) CPUs, shared with the gateway, fio and rbd bench). Images of $size, default features, filled"
  echo "sequentially; librbd cache from the same ceph.conf for both: \`rbd cache = $cache\`, \`rbd cache policy = writearound\`,"
  echo "\`rbd cache writethrough until flush = $until_flush\`."
  echo "Gateway: \`ringtarget demo --backstore rbd:rbd/gw --write-cache\`, fio libiscsi engine, ${runtime} s per run."
  echo
  echo "| workload | QD | gateway IOPS | rbd bench IOPS | gateway / rbd bench | gateway CPU µs per I/O |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
} > "$out/results.md"
cat "$out/results.md"
say "results in $out"
