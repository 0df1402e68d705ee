#!/usr/bin/env bash
# Boots the kernel initiator guest by hand, for debugging: the same machine KernelInitiatorGuest starts, with the
# serial console on this terminal.
#
#   native-tests/qemu/run-guest.sh [--nics N] [--cpus N] [--shell] [--timeout SECONDS] [--append ARGS] SCRIPT [FILE...]
#
#   SCRIPT      a busybox sh script, run as /test/run in the guest (its exit status is printed as RT-GUEST-EXIT)
#   FILE...     more files put in the guest's /test/ beside it
#   --nics N    N user-network NICs (default 1): NIC i is 10.0.(2+i).15/24 and reaches the host's 127.0.0.1 as
#               10.0.(2+i).2
#   --cpus N    virtual CPUs (default 2, as KernelInitiatorGuest)
#   --append A  more kernel parameters (e.g. 'loglevel=7' for all the kernel's messages)
#   --shell     a shell on the console after the script instead of powering off ('poweroff -f' leaves it;
#               Ctrl-A X quits QEMU at any time)
#   --timeout S kill QEMU after S seconds (default 600)
#
# Example: a target on 127.0.0.1:3260 (./ringtarget demo), then (helpers from /lib/rt-guest.sh)
#   printf '. /lib/rt-guest.sh\nrt_iscsid\nrt_node iqn.2026-11.io.ringtarget:demo 10.0.2.2:3260\n' >/tmp/t.sh
#   native-tests/qemu/run-guest.sh --shell /tmp/t.sh     # then, in the guest: iscsiadm -m node --login
# More in docs/kernel-initiator.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
nics=1
cpus=2
extra=""
shell=0
timeout=600
while [ $# -gt 0 ]; do
  case "$1" in
    --nics) nics="$2"; shift 2 ;;
    --cpus) cpus="$2"; shift 2 ;;
    --append) extra="$2"; shift 2 ;;
    --shell) shell=1; shift ;;
    --timeout) timeout="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { sed -n '2,20p' "$0" >&2; exit 2; }
script="$1"; shift

eval "$("$here/build-guest.sh" | grep -E '^(KERNEL|INITRAMFS)=')"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The test files go in as a second cpio archive after the cached one: the kernel unpacks both. Gzipped, because an
# uncompressed archive after a compressed one would have to start 4-byte aligned.
mkdir -p "$tmp/root/test"
cp "$script" "$tmp/root/test/run"
for f in "$@"; do cp "$f" "$tmp/root/test/"; done
( cd "$tmp/root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet ) | gzip -1 >"$tmp/test.cpio.gz"
cat "$INITRAMFS" "$tmp/test.cpio.gz" >"$tmp/initrd"

net=()
ips=()
for ((i = 0; i < nics; i++)); do
  net+=(-netdev "user,id=n$i,net=10.0.$((2 + i)).0/24" -device "virtio-net-pci,netdev=n$i")
  ips+=("10.0.$((2 + i)).15/24")
done
append="console=ttyS0 panic=-1 quiet rt.ip=$(IFS=,; echo "${ips[*]}") rt.shell=$shell $extra"
# -no-reboot: a panic (panic=-1 reboots at once) ends QEMU instead of looping.
timeout --foreground -s KILL "$timeout" qemu-system-x86_64 -accel tcg -machine q35 -cpu max -smp "$cpus" -m 1024 \
  -nodefaults -no-user-config -display none -serial mon:stdio -no-reboot \
  -kernel "$KERNEL" -initrd "$tmp/initrd" -append "$append" "${net[@]}"
