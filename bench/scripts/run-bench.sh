#!/usr/bin/env bash
# Side-by-side benchmark of ringtarget, tgt, istgt (issue 5) and SPDK's iscsi_tgt (issue 15) on loopback with fio's
# libiscsi engine.
#
#   bench/scripts/run-bench.sh [--quick] [--reps N] [--runtime S] [--ramp S] [--idle S]
#                              [--targets ringtarget,tgt,istgt,spdk] (also ringtarget+metrics, ringtarget+poll,
#                              ringtarget+4k, ringtarget+nospin, ringtarget+params with
#                              --ringtarget-params KEY=VALUE,...)
#                              [--backstores ram,loop,shm] [--workloads NAME,...] [--base-port 3260] [--out DIR]
#                              [--no-freeze] [--keep-lat-logs] [--pin-cpu LIST] [--congestion-control NAME]
#                              [--free-page-reporting keep|off]
#                              [--baseline-ref GITREF | --baseline-jar PATH]
#
# Regression check against an earlier commit (ringtarget only, no peers):
#   bench/scripts/run-bench.sh --baseline-ref e71f258 --targets ringtarget,ringtarget@base --backstores ram
# --baseline-ref builds GITREF with its own ./ringtarget build in a throw-away git worktree under .cache/bench
# (removed afterwards, also on failure or Ctrl-C), copies its jar next to ringtarget's and measures it as one more
# target, ringtarget@SHORT-SHA, started exactly like ringtarget and interleaved with the others in every
# repetition; results.md then has a table ours / baseline per workload (IOPS, mean/p99/p99.9 latency, CPU per
# I/O), with "worse"/"better" where the repetitions' ranges do not overlap. --baseline-jar PATH measures a jar
# built elsewhere instead (ringtarget@base). In --targets the baseline is ringtarget@base (or @GITREF, which
# alone implies --baseline-ref GITREF); without it in --targets it is measured right after ringtarget.
#
# Sets itself up (apt-get install tgt istgt libiscsi-bin when missing, fio with libiscsi via build-fio.sh,
# SPDK's iscsi_tgt via build-spdk.sh when spdk is among the targets, ./ringtarget build, the harness's Java
# classes), then runs bench.py: every target is started and stopped by the harness (nothing is left running, loop
# devices are detached, hugepages taken for SPDK are given back), ringtarget or SPDK is reported "not available"
# when it does not build or serve, and the others are measured anyway. SPDK serves a malloc bdev (ram) or an aio
# bdev over the loop device (loop, shm). Backstores: ram (RAM/tmpfs), loop (a loop device with direct I/O over a
# file in /var/tmp, the VM's disk), shm (the same over a file in /dev/shm: a block device without disk noise).
# Workloads: 4 KiB random QD1 and QD32, 128 KiB sequential QD8, 32 sessions at QD4 (32 fio jobs, each its own
# session, against one session at QD32), 1 MiB sequential QD4. Before each repetition tcp-floor.c measures the
# least CPU any server spends per QD1 request on this machine (the "TCP floor") and, with the 1 MiB workloads, what
# one loopback TCP connection carries in 1 MiB messages (the stream). Results: docs/benchmarks/<date>/ (full run)
# or .cache/bench/<time>/ (--quick): results.md, results.json, fio/**.json, latency-*.png, hgrm/.
# Needs root (loop devices, apt-get). See docs/benchmarks.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${RINGTARGET_CACHE:-$root/.cache}"
cmdline="bench/scripts/run-bench.sh $*"

if [ "$(id -u)" -ne 0 ]; then echo "run-bench: needs root (losetup, apt-get)" >&2; exit 1; fi

missing=()
for p in tgt istgt libiscsi-bin util-linux; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "run-bench: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${missing[@]}" >&2
fi
# Debian's tgt and istgt packages start system services on install; this harness runs its own instances.
for svc in tgt istgt; do
  if systemctl is-active --quiet "$svc" 2>/dev/null; then echo "run-bench: note: system service $svc is running" >&2; fi
done

fio="$("$here/build-fio.sh")"

# SPDK's iscsi_tgt, when spdk is among the targets (it is by default): a failed build is not fatal either, spdk
# is then "not available" with the end of the build log. SPDK_TARBALL=PATH builds from a local v26.05 tarball.
targets="ringtarget,tgt,istgt,spdk"
prev=""
for a in "$@"; do
  case "$a" in --targets=*) targets="${a#--targets=}" ;; esac
  if [ "$prev" = "--targets" ]; then targets="$a"; fi
  prev="$a"
done
spdk_dir=""
spdk_log="$cache/bench-spdk-build.log"
case ",$targets," in
  *,spdk,*)
    if ! spdk_dir="$("$here/build-spdk.sh" 2> "$spdk_log")"; then
      spdk_dir=""
      echo "run-bench: build-spdk.sh failed (log: $spdk_log); spdk will be reported not available" >&2
    fi ;;
esac

source "$root/bin/find-jdk.sh"
ringtarget_find_jdk
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

# ringtarget: a failed build is not fatal, the peers are still measured and ringtarget is "not available".
# The jar is copied so that a rebuild in the checkout during the run cannot change what is measured.
built=1
mkdir -p "$cache/bench-harness"
jar="$cache/bench-harness/ringtarget.jar"
rm -f "$jar"
if "$root/ringtarget" build > "$cache/bench-ringtarget-build.log" 2>&1; then
  cp "$root/server/target/ringtarget.jar" "$jar"
else
  built=0
  echo "run-bench: ./ringtarget build failed (log: $cache/bench-ringtarget-build.log); measuring the peers only" >&2
fi

# The harness's Java helpers (JvmSampler, LatencyPlot) need only HdrHistogram, so they are compiled on their
# own with javac: the benchmark does not depend on the rest of the build being green.
hdr_version="$(sed -n 's:.*<hdrhistogram.version>\(.*\)</hdrhistogram.version>.*:\1:p' "$root/pom.xml")"
hdr="$HOME/.m2/repository/org/hdrhistogram/HdrHistogram/$hdr_version/HdrHistogram-$hdr_version.jar"
if [ ! -f "$hdr" ]; then
  mvn -B -q -f "$root/pom.xml" -N dependency:get -Dartifact="org.hdrhistogram:HdrHistogram:$hdr_version" >&2
fi
classes="$cache/bench-harness/classes"
rm -rf "$classes"; mkdir -p "$classes"
"$JAVA_HOME/bin/javac" -nowarn -d "$classes" -cp "$hdr" "$root"/bench/src/main/java/io/ringtarget/bench/harness/*.java

# The TCP floor (tcp-floor.c): C, built with the compiler build-fio.sh needed; without one the run has no floor.
floor="$cache/bench-harness/tcp-floor"
rm -f "$floor"
if ! cc -O2 -o "$floor" "$here/tcp-floor.c" >&2; then
  echo "run-bench: cc could not build tcp-floor.c; the results will have no TCP floor" >&2
  floor=""
fi

mkdir -p "$cache/bench"
# Debian's python3 when there is one: exec'd directly, so a signal to this script's PID reaches bench.py, which
# then stops its targets and removes the baseline's worktree (a pyenv shim would stand in between).
py=python3; [ -x /usr/bin/python3 ] && py=/usr/bin/python3
exec "$py" "$here/bench.py" --fio "$fio" --java-home "$JAVA_HOME" --sampler-cp "$classes:$hdr" --floor-bin "$floor" \
  --ringtarget-built "$built" --ringtarget-jar "$jar" --ringtarget-build-log "$cache/bench-ringtarget-build.log" \
  --spdk-dir "$spdk_dir" --spdk-build-log "$spdk_log" --command-line "$cmdline" "$@"
