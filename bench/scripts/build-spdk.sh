#!/usr/bin/env bash
# Builds SPDK's iSCSI target (iscsi_tgt, v26.05) for the benchmark (issue 15), against Debian 12's own DPDK
# (libdpdk-dev 22.11) instead of SPDK's dpdk/ submodule and without ISA-L, with the local changes of
# spdk-v26.05-debian12.patch beside this script. Only what iscsi_tgt needs with a malloc (RAM) bdev, an aio bdev
# (the loop and shm LUNs: Linux AIO on the loop device, O_DIRECT) and the posix socket module is compiled: about a
# minute on 2 cores, plus apt-get the first time.
# Result: $RINGTARGET_CACHE/spdk/spdk-v26.05 (default .cache/ at the repo root); prints that directory
# (iscsi_tgt is build/bin/iscsi_tgt, its shared libraries are in build/lib). Cached: rebuilt only when the
# patch or this script changes.
# Source: $SPDK_TARBALL, else $RINGTARGET_CACHE/spdk-v26.05.tar.gz, else GitHub's archive of tag v26.05
# (downloaded to that cache path). Needs root for apt-get.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${RINGTARGET_CACHE:-$root/.cache}"
tag=v26.05
patch_file="$here/spdk-$tag-debian12.patch"
out="$cache/spdk/spdk-$tag"
stamp="$(cat "$patch_file" "$0" | sha256sum | cut -c1-16)"
export PATH=/usr/bin:/bin:/usr/sbin:/sbin:$PATH     # Debian's python3 (jinja2, tabulate) for code generation
if [ -x "$out/build/bin/iscsi_tgt" ] && [ "$(cat "$out/.bench-stamp" 2>/dev/null)" = "$stamp" ] &&
   LD_LIBRARY_PATH="$out/build/lib" "$out/build/bin/iscsi_tgt" --help >/dev/null 2>&1; then
  echo "$out"; exit 0
fi

export DEBIAN_FRONTEND=noninteractive
deps=(gcc g++ make pkgconf patch libdpdk-dev libnuma-dev libssl-dev uuid-dev libaio-dev libjson-c-dev
      libkeyutils-dev libncurses-dev python3 python3-jinja2 python3-tabulate)
missing=()
for p in "${deps[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "build-spdk: installing ${missing[*]}" >&2
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

tarball="${SPDK_TARBALL:-$cache/spdk-$tag.tar.gz}"
if [ ! -f "$tarball" ]; then
  echo "build-spdk: downloading SPDK $tag to $tarball" >&2
  mkdir -p "$(dirname "$tarball")"
  curl -fsSL -o "$tarball.part" "https://github.com/spdk/spdk/archive/refs/tags/$tag.tar.gz" && mv "$tarball.part" "$tarball"
fi
# The tarball the patch was made and tested with (GitHub's archive of the tag, no submodules).
known=82682a74a226835c3140f911481643f14949bbc3c7f62f7c261c261860b8f820
sum="$(sha256sum "$tarball" | cut -d' ' -f1)"
[ "$sum" = "$known" ] || echo "build-spdk: note: $tarball has sha256 $sum, not the tested $known" >&2

rm -rf "$out"; mkdir -p "$out"
tar -xzf "$tarball" -C "$out" --strip-components=1
cd "$out"
patch -p1 -s < "$patch_file" >&2

j="$(nproc)"
{
  ./configure --with-dpdk --without-isal --without-crypto --without-vhost --without-virtio \
    --without-nvme-cuse --without-fsdev --without-aio-fsdev --without-fio --without-vfio-user \
    --without-xnvme --without-ocf --without-uring --without-rdma --without-idxd --without-usdt \
    --without-ublk --without-shared --disable-tests --disable-unit-tests --disable-examples
  # (--with-dpdk against a packaged DPDK turns shared libraries on whatever --without-shared says.)
  make build_dir include/spdk/config.h include/spdk/version.h      # generated headers
  make -C include jsonrpc                                          # rpc_autogen.h (python3-jinja2, tabulate)
  for d in lib/log lib/util lib/env_dpdk lib/json lib/jsonrpc lib/rpc lib/trace lib/thread \
           lib/dma lib/notify lib/accel lib/keyring lib/sock lib/vmd lib/bdev lib/init lib/event \
           lib/conf lib/scsi lib/iscsi \
           module/env_dpdk module/sock/posix module/bdev/malloc module/bdev/aio \
           module/event/subsystems/iobuf module/event/subsystems/accel module/event/subsystems/vmd \
           module/event/subsystems/sock module/event/subsystems/keyring module/event/subsystems/bdev \
           module/event/subsystems/scsi module/event/subsystems/scheduler module/event/subsystems/iscsi; do
    make -j"$j" -C "$d"
  done
  make -j"$j" -C app/iscsi_tgt SPDK_LIB_LIST="bdev_malloc bdev_aio sock_posix event event_iscsi env_dpdk_rpc"
} >&2
LD_LIBRARY_PATH="$out/build/lib" "$out/build/bin/iscsi_tgt" --help >/dev/null 2>&1 ||
  { echo "build-spdk: the built iscsi_tgt does not run" >&2; exit 1; }
echo "$stamp" > "$out/.bench-stamp"
echo "$out"
