#!/usr/bin/env bash
# Builds fio with the libiscsi engine from Debian's fio source package (Debian's binary lacks the engine).
# Result: $RINGTARGET_CACHE/fio/fio (default .cache/ at the repo root); prints its path. Cached after the first build.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${RINGTARGET_CACHE:-$root/.cache}"
out="$cache/fio/fio"
if [ -x "$out" ] && "$out" --enghelp 2>/dev/null | grep -q libiscsi; then echo "$out"; exit 0; fi
export DEBIAN_FRONTEND=noninteractive
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  sed -i 's/^Types: deb$/Types: deb deb-src/' /etc/apt/sources.list.d/debian.sources
  apt-get update -qq >&2
fi
dpkg -s libiscsi-dev dpkg-dev build-essential zlib1g-dev >/dev/null 2>&1 || \
  apt-get install -y -qq libiscsi-dev dpkg-dev build-essential zlib1g-dev >&2
work="$cache/fio-src"; rm -rf "$work"; mkdir -p "$work"
( cd "$work" && apt-get source -qq fio >&2 )
src="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'fio-*' | head -1)"
( cd "$src" && ./configure --enable-libiscsi >&2 && make -j"$(nproc)" >&2 )
"$src/fio" --enghelp | grep -q libiscsi || { echo "fio built without the libiscsi engine" >&2; exit 1; }
mkdir -p "$cache/fio"; cp "$src/fio" "$out"; rm -rf "$work"
echo "$out"
