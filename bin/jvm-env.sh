#!/usr/bin/env bash
# Sourced by ./ringtarget (and read by bench/scripts/bench.py): the environment the target's JVM runs with.
#
# RINGTARGET_TARGET_JAVA_OPTS, for serve and demo only (the systemd unit's ExecStart line carries the same): a heap
# that never shrinks below 256 MB, and no concurrent cycle for class metadata below 64 MB. The I/O path allocates
# nothing; logins, scrapes and admin commands do, and each time their garbage fills G1's eden the commands in flight
# wait out a young pause. G1 shrinks the heap to what is live (28-40 MB, an eden of 8-16 MiB) when a concurrent cycle
# ends, and a served target's class metadata comes to the JVM's first threshold for one (about 21 MB) after a few
# admin commands and a reload. Shrunk, a target paused every 30 s at one scrape a second (every 6 minutes under a
# benchmark's churn of logins); with the floor the eden stays at 104-144 MiB (docs/benchmarks.md, 2026-12-07 13:20).
# The cost is the eden's memory once it has been filled (about 150 MB).
RINGTARGET_TARGET_JAVA_OPTS="-Xms256m -XX:MetaspaceSize=64m"
#
# glibc's memcpy copies more than 32 KiB with non-temporal stores (glibc.cpu.x86_non_temporal_threshold; its default
# here is 181 MiB) and never with rep movsb (glibc.cpu.x86_rep_movsb_threshold: above it glibc takes rep movsb, and
# on AMD CPUs glibc 2.36 does so up to the L2 cache's size whatever the non-temporal threshold, so that without this
# second tunable a 128 KiB copy there never gets non-temporal stores). A RAM LUN's write copies the data into memory
# no cache holds (a LUN larger than the caches); non-temporal stores skip reading each line before writing it: 1 MiB
# writes into a RAM LUN 1.37x the MB/s, 128 KiB 1.52-1.78x on an Intel host (docs/benchmarks.md, 2026-12-02 11:20);
# 128 KiB copies into 1 GiB 12.3 -> 23.3 GB/s on an AMD EPYC with both tunables (2026-12-07 07:30). Copies into memory
# that is read again soon (a reused buffer) get slower, so ringtarget sends nothing else through libc's memcpy at
# these sizes (NativeCopy). glibc ignores tunables it does not know (other architectures); a GLIBC_TUNABLES of the
# caller's is kept, and so is each of these two if the caller sets it. The systemd unit sets the same
# (dist/systemd/ringtarget.service).
RINGTARGET_GLIBC_TUNABLES="glibc.cpu.x86_non_temporal_threshold=0x8000:glibc.cpu.x86_rep_movsb_threshold=0x100000000"
ringtarget_jvm_env() {
  local tunable
  local IFS=:
  for tunable in $RINGTARGET_GLIBC_TUNABLES; do
    case ":${GLIBC_TUNABLES:-}:" in
      *:"${tunable%%=*}"=*) ;;
      *) export GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}$tunable" ;;
    esac
  done
}
