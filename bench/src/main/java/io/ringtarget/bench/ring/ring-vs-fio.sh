#!/usr/bin/env bash
# Interleaves fio (io_uring engine) and RingRandomReadBenchmark (JMH) on the same 1 GiB file, 4 KiB O_DIRECT random
# reads at QD 1 and QD 32, several rounds, so that load from other processes hits both alike; prints each round and
# the medians. SUBMIT_BATCH=0 runs the submit-when-the-CQ-is-dry policy instead of submitting every 4 queued reads. Usage: bench/src/main/java/io/ringtarget/bench/ring/ring-vs-fio.sh [rounds] [fio binary]   (after: mvn -pl bench -am package)
set -euo pipefail
root="$(cd "$(dirname "$0")" && git rev-parse --show-toplevel)"
rounds="${1:-3}"
fio="${2:-/usr/bin/fio}"
file="${RINGTARGET_BENCH_FILE:-/var/tmp/ringtarget-bench-1g.img}"
jar="${BENCH_JAR:-$root/bench/target/benchmarks.jar}"
source "$root/bin/find-jdk.sh" && ringtarget_find_jdk
if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" != 1073741824 ]; then
  dd if=/dev/urandom of="$file" bs=1M count=1024 conv=fsync status=none
fi
out="$(mktemp -d)"
for qd in 1 32; do
  for r in $(seq 1 "$rounds"); do
    "$fio" --name=randread --filename="$file" --ioengine=io_uring --direct=1 --rw=randread --bs=4k --iodepth="$qd" \
      --runtime=10 --time_based --numjobs=1 --output-format=json > "$out/fio-$qd-$r.json"
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Djmh.ignoreLock=true -jar "$jar" RingRandomReadBenchmark \
      -p depth="$qd" -p fixed=false -p submitBatch="${SUBMIT_BATCH:-4}" -f 1 -wi 1 -w 3s -i 2 -r 5s -rf json -rff "$out/jmh-$qd-$r.json" > "$out/jmh-$qd-$r.log" 2>&1
    python3 - "$out/fio-$qd-$r.json" "$out/jmh-$qd-$r.json" "$qd" "$r" <<'PY'
import json, sys
fio = json.load(open(sys.argv[1]))["jobs"][0]["read"]["iops"]
jmh = json.load(open(sys.argv[2]))[0]["primaryMetric"]["score"]
print(f"QD{sys.argv[3]} round {sys.argv[4]}: fio {fio:,.0f} IOPS, ring {jmh:,.0f} IOPS, ring/fio {jmh / fio:.2f}")
PY
  done
done | tee "$out/rounds.txt"
python3 - "$out/rounds.txt" <<'PY'
import re, statistics, sys
rows = [l for l in open(sys.argv[1])]
for qd in ("1", "32"):
    f = [float(re.search(r"fio ([\d,]+)", l).group(1).replace(",", "")) for l in rows if l.startswith(f"QD{qd} ")]
    j = [float(re.search(r"ring ([\d,]+)", l).group(1).replace(",", "")) for l in rows if l.startswith(f"QD{qd} ")]
    print(f"QD{qd} median: fio {statistics.median(f):,.0f} IOPS, ring {statistics.median(j):,.0f} IOPS, ring/fio {statistics.median(j) / statistics.median(f):.2f}")
PY
echo "(raw results in $out)"
