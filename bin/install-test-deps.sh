#!/usr/bin/env bash
# Everything the tests need on a fresh Debian 12 machine: io_uring headers/library (layout check and ring tests),
# libiscsi's clients and conformance suite, sg3-utils, the peer targets, fio with the libiscsi engine, and the
# Linux kernel initiator guest (QEMU with TCG; its kernel, tools and fio are built into .cache/qemu-guest from
# Debian's packages without installing any of them on this host: native-tests/qemu/build-guest.sh).
# The peer targets (tgt, istgt) are installed for the comparison tests, which start their daemons themselves: their
# services are neither started during the installation (policy-rc.d answers 101, "action forbidden") nor left
# enabled at boot, where tgtd would take port 3260. Packages that were installed already are left as they are.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pkgs=(liburing-dev liburing2 libiscsi-bin libiscsi-dev sg3-utils tgt istgt gcc make util-linux
  cpio binutils libaio-dev)
peers=(tgt istgt)
# QEMU without its recommendations (GUI, firmware for other machines, qemu-utils): the guest needs only
# qemu-system-x86_64 with user networking. The package starts no service.
qemu_pkgs=(qemu-system-x86)
missing=()
missing_qemu=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
for p in "${qemu_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing_qemu+=("$p"); done
if [ "${#missing[@]}" -gt 0 ] || [ "${#missing_qemu[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: need root to apt-get install ${missing[*]} ${missing_qemu[*]}" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # invoke-rc.d asks /usr/sbin/policy-rc.d before starting a service; 101 forbids it. An existing one is put back.
  policy=/usr/sbin/policy-rc.d saved=""
  if [ -e "$policy" ]; then saved="$policy.ringtarget-saved"; mv -f "$policy" "$saved"; fi
  restore() { rm -f "$policy"; if [ -n "$saved" ]; then mv -f "$saved" "$policy"; fi; }
  trap restore EXIT
  printf '#!/bin/sh\n# install-test-deps (ringtarget): no service starts during this installation.\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  apt-get update -qq
  [ "${#missing[@]}" -eq 0 ] || apt-get install -y -qq "${missing[@]}"
  [ "${#missing_qemu[@]}" -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing_qemu[@]}"
  restore; trap - EXIT
  new_peers=()
  for p in "${peers[@]}"; do
    for m in "${missing[@]}"; do [ "$p" = "$m" ] && new_peers+=("$p"); done
  done
  # Enabling is the package's postinst (deb-systemd-helper, update-rc.d), which policy-rc.d does not govern.
  [ "${#new_peers[@]}" -eq 0 ] || "$root/bin/quiet-services.sh" "${new_peers[@]}"
fi
"$root/bench/scripts/build-fio.sh" >/dev/null
# The guest: about 85 MB of .debs and a fio build the first time (1-2 min), a second when cached.
"$root/native-tests/qemu/build-guest.sh" >/dev/null
echo "install-test-deps: ok (fio: $("$root/bench/scripts/build-fio.sh"); guest: $(sed -n 's/^kernel //p' "${RINGTARGET_CACHE:-$root/.cache}/qemu-guest/manifest.txt"))"
