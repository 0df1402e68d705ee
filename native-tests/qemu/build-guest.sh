#!/usr/bin/env bash
# Builds the Linux kernel initiator guest that KernelInitiatorGuest boots under QEMU (TCG): Debian 12's own kernel
# and an initramfs with busybox, open-iscsi, multipath-tools, sg3-utils, smartctl, udev and fio, all from Debian's
# packages (fio from Debian's source, by build-guest-fio.sh). Nothing is installed on the host: the .debs are
# downloaded into the cache and unpacked with dpkg-deb. docs/kernel-initiator.md explains the guest.
#
#   native-tests/qemu/build-guest.sh [--force] [--kernel-from SUITE]
#
# --kernel-from bookworm-backports takes the kernel (linux-image-amd64) from that suite instead, through apt lists of
# its own in the output directory (the host's sources are not touched): Debian 12's 6.1 predates what a test needs
# (SCSI atomic writes: Linux 6.11). Everything else is the same.
#
# Output, under $RINGTARGET_CACHE/qemu-guest (default .cache/qemu-guest at the repository root; qemu-guest-SUITE
# with --kernel-from):
#   vmlinuz            the kernel
#   initramfs.cpio.gz  busybox /init (guest-init.sh), the modules it loads, the tools and their libraries
#   manifest.txt       package versions, modules and files that went in
#   key                what the build was made from (packages and versions, fio, these scripts)
# and it prints KERNEL=..., INITRAMFS=... and KEY=... lines on stdout (progress goes to stderr).
#
# Cached: when the key is unchanged the outputs are reused as they are (about a second: the package versions are
# resolved from apt's lists, offline). A new package version in those lists, a new fio or an edit of these
# scripts rebuilds; .debs already downloaded are reused. A build that fails leaves the previous outputs as they
# were. Needs root for apt-get update (only when apt's lists lack the packages), mknod (/dev/console in the
# archive) and build-guest-fio.sh's first run; dpkg-deb, cpio, readelf, gzip and gcc on the host
# (bin/install-test-deps.sh installs them).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${RINGTARGET_CACHE:-$root/.cache}"
out="$cache/qemu-guest"
force=0
kernel_from=""
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --kernel-from) kernel_from="$2"; shift ;;
    *) echo "build-guest: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ -z "$kernel_from" ] || out="$out-$kernel_from"
log() { echo "build-guest: $*" >&2; }

# What the guest needs. The kernel is whatever Debian's linux-image-amd64 points at (6.1.0-N-amd64).
# udev: multipath enumerates only devices that udev has initialized and names them by udev's ID_SERIAL.
packages=(linux-image-amd64 busybox-static open-iscsi multipath-tools kpartx sg3-utils sg3-utils-udev dmsetup udev
  smartmontools libaio1 zlib1g)
[ -z "$kernel_from" ] || packages=("${packages[@]:1}")   # the kernel comes from $kernel_from (below)
# Kernel modules /init loads, in this order, each after its dependencies. Names as modprobe takes them; one that
# the kernel has built in is skipped.
modules=(virtio_pci virtio_net e1000 af_packet crc32c_generic crc32c-intel sd_mod sg scsi_transport_iscsi libiscsi
  libiscsi_tcp iscsi_tcp dm-mod dm-multipath dm-round-robin dm-queue-length dm-service-time scsi_dh_alua)

# --- 1. Resolve the package set (names and versions) as apt would install it on an empty system --------------------
# A private, empty dpkg status file makes apt choose every dependency (libsystemd0 rather than libelogind0, say)
# without looking at what the host has installed. Only the libraries among them are downloaded, not perl & co.
mkdir -p "$out"
# One build at a time per cache (two test JVMs of the same checkout may ask at once); the second reuses the first's.
exec 9>"$out/.lock"
flock 9
aptdir="$(mktemp -d)"
trap 'rm -rf "$aptdir"' EXIT
: >"$aptdir/status"
resolve() {
  apt-get -s -q -o Dir::State::status="$aptdir/status" --no-install-recommends install "${packages[@]}" 2>/dev/null |
    awk '/^Inst /{ gsub(/[()]/, "", $3); print $2 "=" $3 }'
}
if ! resolved="$(resolve)" || [ -z "$resolved" ]; then
  log "apt's package lists do not resolve ${packages[*]}; running apt-get update"
  apt-get update -qq >&2
  resolved="$(resolve)"
fi
wanted="$(printf '%s\n' "$resolved" | grep -E '^(lib|zlib1g=|linux-image-[0-9]|busybox-static=|open-iscsi=|multipath-tools=|kpartx=|sg3-utils=|sg3-utils-udev=|dmsetup=|udev=|smartmontools=)' |
  grep -v '^libpam\|^libperl\|^libsemanage\|^libsepol\|^libaudit\|^libdb5\|^libgdbm\|^libklibc\|^libnumber\|^libtext\|^libfile' | sort)"
# The kernel of another suite: apt lists of that suite alone, kept in the output directory, refreshed when they do
# not resolve linux-image-amd64 (as the host's lists are above).
kernel_entry=""
if [ -n "$kernel_from" ]; then
  suite_lists="$out/apt-lists"
  mkdir -p "$suite_lists/partial"
  # The host's Debian mirror (deb822 or one-line sources), else Debian's own.
  mirror="$(sed -n 's#^URIs: *\(https\{0,1\}://[^ ]*/debian\)/\{0,1\} *$#\1#p' /etc/apt/sources.list.d/*.sources \
    2>/dev/null | head -1)"
  [ -n "$mirror" ] || mirror="$(sed -n 's#^deb \(\[[^]]*\] \)\{0,1\}\(https\{0,1\}://[^ ]*/debian\)/\{0,1\} .*#\2#p' \
    /etc/apt/sources.list 2>/dev/null | head -1)"
  [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
  printf 'deb %s %s main\n' "$mirror" "$kernel_from" >"$aptdir/suite.list"
  suite_apt=(-o Dir::Etc::SourceList="$aptdir/suite.list" -o Dir::Etc::SourceParts=/dev/null
    -o Dir::State::Lists="$suite_lists" -o Dir::State::status="$aptdir/status" -o APT::Sandbox::User=root)
  # linux-image-amd64 depends on exactly one linux-image-X (= version); its other dependencies (kmod, initramfs-tools)
  # are not wanted: the guest's /init loads the modules itself.
  resolve_kernel() {
    apt-cache "${suite_apt[@]}" show linux-image-amd64 2>/dev/null |
      sed -n 's/^Depends: \(linux-image-[0-9][^ ]*\) (= \([^)]*\)).*/\1=\2/p' | head -1
  }
  kernel_entry="$(resolve_kernel)" || kernel_entry=""
  if [ -z "$kernel_entry" ]; then
    log "fetching the package lists of $kernel_from"
    apt-get -q "${suite_apt[@]}" update >&2
    kernel_entry="$(resolve_kernel)" || kernel_entry=""
  fi
  [ -n "$kernel_entry" ] || { log "$kernel_from has no linux-image-amd64"; exit 1; }
  wanted="$(printf '%s\n%s\n' "$wanted" "$kernel_entry" | sort)"
fi
kernel_pkg="$(printf '%s\n' "$wanted" | grep '^linux-image-[0-9]' | cut -d= -f1)"
[ -n "$kernel_pkg" ] || { log "no linux-image-6.1.0-*-amd64 in: $resolved"; exit 1; }

# fio with verify=crc32c for the guest's verified I/O, built for any x86-64 CPU (TCG emulates no AVX-512).
fio="$("$here/build-guest-fio.sh")"

key="$( { printf '%s\n' "$wanted" "${modules[@]}";
  sha256sum "$fio" "$here"/{build-guest,build-guest-fio,guest-init,guest-lib}.sh "$here/guest-atomic-write.c" |
  cut -d' ' -f1; } |
  sha256sum | cut -c1-16)"
if [ "$force" = 0 ] && [ -f "$out/key" ] && [ "$(cat "$out/key")" = "$key" ] && [ -f "$out/vmlinuz" ] && [ -f "$out/initramfs.cpio.gz" ]; then
  printf 'KERNEL=%s\nINITRAMFS=%s\nKEY=%s\n' "$out/vmlinuz" "$out/initramfs.cpio.gz" "$key"
  exit 0
fi
log "building $key ($kernel_pkg and $(printf '%s\n' "$wanted" | wc -l) packages) in $out"

# --- 2. Download what is missing (dpkg-deb -x only; nothing is installed) --------------------------------------------
debs="$out/debs"
mkdir -p "$debs"
need=()
while IFS='=' read -r name version; do
  [ "$name=$version" = "$kernel_entry" ] && continue   # from $kernel_from's lists, below
  # apt-get download names the file NAME_VERSION_ARCH.deb with the epoch's colon as %3a.
  compgen -G "$debs/${name}_${version//:/%3a}_*.deb" >/dev/null || need+=("$name=$version")
done <<<"$wanted"
kernel_deb="${kernel_entry%%=*}_$(printf '%s' "${kernel_entry#*=}" | sed 's/:/%3a/g')_*.deb"
if [ -n "$kernel_entry" ] && ! compgen -G "$debs/$kernel_deb" >/dev/null; then
  log "downloading $kernel_entry from $kernel_from"
  ( cd "$debs" && apt-get download -q "${suite_apt[@]}" "$kernel_entry" >&2 )
fi
if [ "${#need[@]}" -gt 0 ]; then
  log "downloading ${#need[@]} package(s)"
  # APT::Sandbox::User=root: the cache directory is not readable by the _apt user.
  ( cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${need[@]}" >&2 ) || {
    log "download failed; refreshing apt's lists and retrying"
    apt-get update -qq >&2
    ( cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${need[@]}" >&2 )
  }
fi
# Keep only the versions of this build, so that the cache does not grow with every point release.
keep="$(while IFS='=' read -r name version; do echo "${name}_${version//:/%3a}_"; done <<<"$wanted")"
for f in "$debs"/*.deb; do
  b="$(basename "$f")"
  printf '%s\n' "$keep" | grep -qxF "$(printf '%s' "$b" | sed -E 's/_[^_]*\.deb$/_/')" || rm -f "$f"
done

# --- 3. Unpack into a staging tree -----------------------------------------------------------------------------------
work="$out/work"
rm -rf "$work"
stage="$work/stage"    # every package unpacked (the kernel: 400 MB, removed at the end)
rootfs="$work/rootfs"  # what goes into the initramfs
mkdir -p "$stage" "$rootfs"
for f in "$debs"/*.deb; do dpkg-deb -x "$f" "$stage"; done
kver="$(ls "$stage/lib/modules")"
mdir="$stage/lib/modules/$kver"
# Module closure, dependencies first. The package has no modules.dep (its postinst runs depmod, which the host may
# not have), so a module's file comes from modules.order and its dependencies from the depends= entry of its
# .modinfo section (NUL-separated key=value strings). Names match with '-' and '_' taken as equal.
declare -A seen=()
order=()
path_of() {
  local n="${1//-/_}" p c
  p="$(awk -v n="$n" '{ f = $0; sub(/.*\//, "", f); sub(/\.ko(\.[a-z]+)?$/, "", f); gsub(/-/, "_", f); if (f == n) { print $0; exit } }' \
    "$mdir/modules.order")"
  # modules.order names foo.ko where the package has foo.ko.xz (Debian's kernels from 6.x on compress them).
  for c in "" .xz .zst; do
    if [ -n "$p" ] && [ -e "$mdir/$p$c" ]; then p="$p$c"; break; fi
  done
  printf '%s' "$p"
}
depends_of() {  # $1: a path under $mdir
  case "$1" in
    *.xz) xz -dc "$mdir/$1" ;;
    *.zst) zstd -qdc "$mdir/$1" ;;
    *) cat "$mdir/$1" ;;
  esac | tr '\0' '\n' | sed -n 's/^depends=//p' | head -1 | tr ',' ' '
}
builtin() {
  local n="${1//-/_}"
  sed -E 's#.*/##; s/\.ko$//; s/-/_/g' "$mdir/modules.builtin" | grep -qx "$n"
}
add_module() {  # $1: a module name
  local p d
  p="$(path_of "$1")"
  if [ -z "$p" ]; then
    if builtin "$1"; then log "module $1 is built into $kver"; return 0; fi
    log "module $1 is neither in modules.order nor built in"; exit 1
  fi
  [ -n "${seen[$p]:-}" ] && return 0
  seen[$p]=1
  for d in $(depends_of "$p"); do add_module "$d"; done
  order+=("$p")
}
for m in "${modules[@]}"; do add_module "$m"; done

# --- 4. The root file system -----------------------------------------------------------------------------------------
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,etc/iscsi,etc/multipath,proc,sys,dev,run,tmp,root,mnt,test}
mkdir -p "$rootfs"/var/lib/iscsi/{nodes,send_targets,ifaces,isns,static,fw,slp} "$rootfs/var/lock" "$rootfs/lib/modules/$kver"
ln -s ../run "$rootfs/var/run"
cp "$stage/bin/busybox" "$rootfs/bin/busybox"
# An applet link for every busybox command (faster and surer than busybox --install at boot).
for a in $("$rootfs/bin/busybox" --list-full); do
  [ -e "$rootfs/$a" ] || [ -L "$rootfs/$a" ] || ln -s /bin/busybox "$rootfs/$a"
done
cp "$here/guest-init.sh" "$rootfs/init"
chmod 755 "$rootfs/init"
cp "$here/guest-lib.sh" "$rootfs/lib/rt-guest.sh"
mknod -m 600 "$rootfs/dev/console" c 5 1  # the kernel opens it for /init before devtmpfs is mounted
mknod -m 666 "$rootfs/dev/null" c 1 3

# Kernel modules, in load order, for /init.
for p in "${order[@]}"; do
  mkdir -p "$rootfs/lib/modules/$kver/$(dirname "$p")"
  case "$p" in
    *.ko.xz) xz -dc "$mdir/$p" >"$rootfs/lib/modules/$kver/${p%.xz}"; p="${p%.xz}" ;;
    *.ko.zst) zstd -qdc "$mdir/$p" >"$rootfs/lib/modules/$kver/${p%.zst}"; p="${p%.zst}" ;;
    *) cp "$mdir/$p" "$rootfs/lib/modules/$kver/$p" ;;
  esac
  echo "$p" >>"$rootfs/etc/guest-modules"
done
# A modules.dep of what is in the guest, for busybox modprobe (the kernel calls it to ask for a module).
for p in "${order[@]}"; do
  printf '%s:' "$p"
  for d in $(depends_of "$p"); do printf ' %s' "$(path_of "$d")"; done
  echo
done >"$rootfs/lib/modules/$kver/modules.dep"
cp "$mdir/modules.builtin" "$mdir/modules.order" "$rootfs/lib/modules/$kver/"

# Programs, each with the libraries it needs (NEEDED entries, recursively), all from the unpacked packages (never
# the host's). readelf reads them without running anything.
libdirs=("$stage/lib/x86_64-linux-gnu" "$stage/usr/lib/x86_64-linux-gnu" "$stage/lib" "$stage/usr/lib"
  "$stage/lib/systemd" "$stage/usr/lib/x86_64-linux-gnu/systemd")
declare -A have_lib=()
add_libs() {  # $1: an ELF file
  local so dir found
  for so in $(readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    [ -n "${have_lib[$so]:-}" ] && continue
    found=""
    for dir in "${libdirs[@]}"; do
      if [ -e "$dir/$so" ]; then found="$dir/$so"; break; fi
    done
    [ -n "$found" ] || { log "$so (needed by ${1#$stage}) is in none of the packages"; exit 1; }
    have_lib[$so]="$found"
    cp -L "$found" "$rootfs/lib/$so"
    add_libs "$found"
  done
}
add_prog() {  # $1: source file, $2: destination directory in the guest
  cp -L "$1" "$rootfs/$2/"
  add_libs "$1"
}
cp -L "$stage/lib64/ld-linux-x86-64.so.2" "$rootfs/lib64/ld-linux-x86-64.so.2" 2>/dev/null ||
  cp -L "$stage/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$rootfs/lib64/ld-linux-x86-64.so.2"
for p in iscsid iscsiadm iscsistart iscsi-iname multipath multipathd multipathc mpathpersist kpartx dmsetup udevadm \
  smartctl; do
  f=""
  for d in sbin usr/sbin bin usr/bin; do
    if [ -e "$stage/$d/$p" ]; then f="$stage/$d/$p"; break; fi
  done
  [ -n "$f" ] || { [ "$p" = kpartx ] && continue; log "$p not found in the packages"; exit 1; }
  rm -f "$rootfs/sbin/$p"  # a busybox applet of the same name gives way
  add_prog "$f" sbin
done
for f in "$stage"/usr/bin/sg_* "$stage"/usr/bin/sginfo "$stage"/usr/bin/rescan-scsi-bus.sh; do
  [ -e "$f" ] || continue
  rm -f "$rootfs/usr/bin/$(basename "$f")"
  if [ "${f##*.}" = sh ]; then cp "$f" "$rootfs/usr/bin/"; else add_prog "$f" usr/bin; fi
done
# udev (started by rt_udev of /lib/rt-guest.sh, not by /init): udevd is udevadm under another name; its helpers
# (scsi_id, ...) and the rules of every package unpacked (persistent storage, dm, multipath, sg3-utils).
mkdir -p "$rootfs/lib/systemd" "$rootfs/lib/udev/rules.d" "$rootfs/etc/udev/rules.d"
ln -s /sbin/udevadm "$rootfs/lib/systemd/systemd-udevd"
ln -sf /sbin/udevadm "$rootfs/bin/udevadm"
for f in "$stage"/lib/udev/*; do
  [ -f "$f" ] && [ -x "$f" ] && add_prog "$f" lib/udev
done
cp "$stage"/lib/udev/rules.d/*.rules "$rootfs/lib/udev/rules.d/"
cp "$stage/etc/udev/udev.conf" "$rootfs/etc/udev/"
# glibc dlopen()s libgcc_s for pthread_cancel and unwinding (multipathd cancels its threads), so no NEEDED names it.
cp -L "$stage/lib/x86_64-linux-gnu/libgcc_s.so.1" "$rootfs/lib/"
have_lib[libgcc_s.so.1]="$stage/lib/x86_64-linux-gnu/libgcc_s.so.1"
# multipath's checker and prioritizer plugins (dlopen()ed from /lib/multipath, so not in any NEEDED list).
mkdir -p "$rootfs/lib/multipath"
for f in "$stage"/lib/multipath/*.so; do cp -L "$f" "$rootfs/lib/multipath/"; add_libs "$f"; done
rm -f "$rootfs/usr/bin/fio"
add_prog "$fio" usr/bin
# rt-atomic-write (guest-atomic-write.c): one RWF_ATOMIC write, which no Debian 12 tool makes. Static, with the
# host's libc.a: Debian 12's glibc, as the guest's.
gcc -static -O2 -Wall -Werror -o "$rootfs/usr/bin/rt-atomic-write" "$here/guest-atomic-write.c"

# open-iscsi's own configuration as Debian ships it (node.startup manual, NOP-Out every 5 s, ...); /init writes
# the initiator name.
cp "$stage/etc/iscsi/iscsid.conf" "$rootfs/etc/iscsi/iscsid.conf"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\n' >"$rootfs/etc/group"
printf '127.0.0.1 localhost\n10.0.2.2 host\n' >"$rootfs/etc/hosts"
printf '%s\n' "$wanted" >"$rootfs/etc/guest-packages"

# --- 5. Pack -------------------------------------------------------------------------------------------------------
( cd "$rootfs" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet ) | gzip -6 >"$work/initramfs.cpio.gz"
cp "$stage/boot/vmlinuz-$kver" "$work/vmlinuz"
{
  echo "key $key"
  echo "kernel $kver"
  echo "packages:"; printf '  %s\n' $wanted
  echo "fio: $fio"
  echo "modules (load order):"; sed 's/^/  /' "$rootfs/etc/guest-modules"
  echo "libraries:"; for so in "${!have_lib[@]}"; do echo "  $so <- ${have_lib[$so]#"$stage"}"; done | sort
  echo "initramfs: $(du -k "$work/initramfs.cpio.gz" | cut -f1) KiB packed, $(du -sk "$rootfs" | cut -f1) KiB unpacked"
} >"$work/manifest.txt"
mv -f "$work/vmlinuz" "$work/initramfs.cpio.gz" "$work/manifest.txt" "$out/"
echo "$key" >"$out/key"
rm -rf "$work"
log "done: $(tail -1 "$out/manifest.txt")"
printf 'KERNEL=%s\nINITRAMFS=%s\nKEY=%s\n' "$out/vmlinuz" "$out/initramfs.cpio.gz" "$key"
