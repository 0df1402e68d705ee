#!/usr/bin/env bash
# Builds the fio that runs inside the kernel initiator guest, from Debian's fio source package: for any x86-64
# CPU (--disable-native: QEMU's TCG has no AVX-512, which the host's -march=native build may use) and with only
# libaio and zlib besides libc, whose Debian packages build-guest.sh puts in the guest. bench/scripts/build-fio.sh
# builds the host's fio (with libiscsi, native); this one is separate so that the benchmarks' tool stays as it is.
# Result: $RINGTARGET_CACHE/fio-guest/fio (default .cache/ at the repository root); prints its path. Cached: the
# build runs again only when Debian's fio source version changes.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${RINGTARGET_CACHE:-$root/.cache}"
out="$cache/fio-guest/fio"
version_file="$cache/fio-guest/version"
export DEBIAN_FRONTEND=noninteractive
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
  apt-get update -qq >&2
fi
# The source version apt would fetch now (offline: from apt's lists).
version="$(apt-cache showsrc fio 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -1)"
if [ -x "$out" ] && [ -f "$version_file" ] && { [ -z "$version" ] || [ "$(cat "$version_file")" = "$version" ]; }; then
  echo "$out"; exit 0
fi
dpkg -s libaio-dev dpkg-dev build-essential zlib1g-dev >/dev/null 2>&1 || \
  apt-get install -y -qq libaio-dev dpkg-dev build-essential zlib1g-dev >&2
work="$cache/fio-guest-src"; rm -rf "$work"; mkdir -p "$work"
( cd "$work" && apt-get source -qq "fio${version:+=$version}" >&2 )
src="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'fio-*' | head -1)"
( cd "$src" && ./configure --disable-native --disable-numa --disable-rdma --disable-rados --disable-rbd --disable-http \
    --disable-gfapi --disable-pmem --disable-dfs --disable-tcmalloc --disable-libnfs --disable-xnvme --disable-libzbc >&2 &&
  make -j"$(nproc)" >&2 )
mkdir -p "$cache/fio-guest"; cp "$src/fio" "$out"; echo "$version" >"$version_file"; rm -rf "$work"
echo "$out"
