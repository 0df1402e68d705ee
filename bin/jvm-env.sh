#!/usr/bin/env bash
# Sourced by ./ringtarget (and read by bench/scripts/bench.py): the environment the target's JVM runs with.
#
# glibc's memcpy copies 32 KiB or more with non-temporal stores (glibc.cpu.x86_non_temporal_threshold; its default
# here is 181 MiB, below which it uses rep movsb). A RAM LUN's write copies the data into memory no cache holds
# (a LUN larger than the caches); non-temporal stores skip reading each line before writing it: 1 MiB writes into a
# RAM LUN 1.37x the MB/s, 128 KiB 1.52-1.78x (docs/benchmarks.md, 2026-12-02 11:20). Copies into memory that is read
# again soon (a reused buffer) get slower, so ringtarget sends nothing else through libc's memcpy at these sizes
# (NativeCopy). glibc ignores tunables it does not know (other architectures); a GLIBC_TUNABLES of the caller's is
# kept, and so is its own threshold if it sets one. The systemd unit sets the same (dist/systemd/ringtarget.service).
RINGTARGET_NON_TEMPORAL_TUNABLE="glibc.cpu.x86_non_temporal_threshold=0x8000"
ringtarget_jvm_env() {
  case ":${GLIBC_TUNABLES:-}:" in
    *:glibc.cpu.x86_non_temporal_threshold=*) ;;
    *) export GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}$RINGTARGET_NON_TEMPORAL_TUNABLE" ;;
  esac
}
