#!/usr/bin/env bash
# What the control plane's garbage does to a target that serves no I/O: `demo` (metrics on 127.0.0.1:9287) scraped
# every SCRAPE seconds with curl and logged into every LOGIN seconds with iscsi-inq (a login, an INQUIRY, a logout)
# for SECONDS, with G1's log; prints the young-generation pauses (when, how long, the heap before and after) and
# the eden's size at each minute (jstat). The JVM gets the launcher's options for a target (bin/jvm-env.sh,
# RINGTARGET_TARGET_JAVA_OPTS) unless LAUNCHER_OPTS=0 (G1's defaults); JAVA_OPTS adds options after them (e.g.
# "-XX:MetaspaceSize=8m", which has the class metadata threshold start a concurrent cycle at once). The GC log
# stays in OUT.
#   bench/scripts/control-plane-gc.sh OUT SECONDS SCRAPE LOGIN JAR        (e.g. OUT 300 1 10 server/target/...jar)
# Nothing else should run meanwhile (a pause's length follows the CPUs' load); it stops the target it starts.
set -euo pipefail
[ $# -eq 5 ] || { echo "usage: $0 OUT SECONDS SCRAPE LOGIN JAR" >&2; exit 2; }
out=$1; secs=$2; scrape=$3; login=$4; jar=$5
here=$(cd "$(dirname "$0")" && pwd)
jdk=${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
url=iscsi://127.0.0.1:3260/iqn.2026-11.io.ringtarget:demo/0
# shellcheck source=../../bin/jvm-env.sh
. "$here/../../bin/jvm-env.sh"
ringtarget_jvm_env
mkdir -p "$out"
launcher_opts=$RINGTARGET_TARGET_JAVA_OPTS
[ "${LAUNCHER_OPTS:-1}" = 0 ] && launcher_opts=
# shellcheck disable=SC2086 # lists of options
"$jdk/bin/java" --enable-native-access=ALL-UNNAMED --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
  $launcher_opts ${JAVA_OPTS:-} -Xlog:gc:file="$out/gc.log" -jar "$jar" demo > "$out/demo.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf -o /dev/null http://127.0.0.1:9287/metrics && break; sleep 0.2; done
start=$SECONDS; next_scrape=0; next_login=0; next_minute=0; scrapes=0; logins=0
while [ $((SECONDS - start)) -lt "$secs" ]; do
  t=$((SECONDS - start))
  if [ "$t" -ge "$next_minute" ]; then
    echo "t=${t}s eden $("$jdk/bin/jstat" -gc "$pid" | awk 'NR == 2 {printf "%.0f MiB, used %.0f MiB", $5 / 1024, $6 / 1024}')"
    next_minute=$((next_minute + 60))
  fi
  if [ "$t" -ge "$next_scrape" ]; then
    curl -sf -o /dev/null http://127.0.0.1:9287/metrics; scrapes=$((scrapes + 1)); next_scrape=$((next_scrape + scrape))
  fi
  if [ "$t" -ge "$next_login" ]; then
    iscsi-inq "$url" > /dev/null; logins=$((logins + 1)); next_login=$((next_login + login))
  fi
  sleep 0.2
done
echo "$scrapes scrapes, $logins logins in ${secs}s; RSS $(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status") MiB"
grep 'Pause' "$out/gc.log" || echo "no pause"
