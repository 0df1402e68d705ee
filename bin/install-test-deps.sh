#!/usr/bin/env bash
# Everything the tests need on a fresh Debian 12 machine: io_uring headers/library (layout check and ring tests),
# libiscsi's clients and conformance suite, sg3-utils, xfsprogs (an XFS file takes atomic writes: the fileio
# backstore's are tested on one, on a loop device), the peer targets, Prometheus (the metrics test runs a private
# server; promtool checks the alert rules), Ceph's monitor, OSD, command line tools and librbd with its headers (the
# rbd backstore's tests start a throwaway cluster of their own: bin/ceph-throwaway.sh), fio with the libiscsi engine,
# and the
# Linux kernel initiator guest (QEMU with TCG; its kernel, tools and fio are built into .cache/qemu-guest from
# Debian's packages without installing any of them on this host: native-tests/qemu/build-guest.sh).
# The peer targets (tgt, istgt), Prometheus and Ceph are installed for tests that start their daemons themselves:
# their services are neither started during the installation (policy-rc.d answers 101, "action forbidden") nor left
# enabled at boot, where tgtd would take port 3260, a system Prometheus port 9090 and Ceph's units would look for a
# cluster in /etc/ceph. Packages that were installed already are left as they are.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pkgs=(liburing-dev liburing2 libiscsi-bin libiscsi-dev sg3-utils tgt istgt gcc make util-linux
  cpio binutils libaio-dev iproute2 xfsprogs xz-utils)
# Packages whose service is enabled by their postinst; the tests start their own daemons (tgtd, prometheus on a
# private port, ceph-mon and ceph-osd of a throwaway cluster), so those services are disabled once installed.
services=(tgt istgt prometheus ceph-base ceph-common ceph-mon ceph-osd)
# The units a package enables, where they are not named as the package.
declare -A units=([ceph-base]="ceph-crash.service" [ceph-common]="ceph.target rbdmap.service"
  [ceph-mon]="ceph-mon.target" [ceph-osd]="ceph-osd.target")
# Without their recommendations: QEMU (GUI, firmware for other machines; the guest needs only qemu-system-x86_64
# with user networking, and QemuImgOverLibiscsiTest qemu-img with QEMU's libiscsi driver, qemu-block-extra),
# Prometheus (node exporter; the tests need prometheus and promtool) and Ceph (ceph-mgr, ceph-mds, radosgw,
# smartmontools, nvme-cli; RBD I/O needs a monitor and an OSD only).
norec_pkgs=(qemu-system-x86 qemu-utils qemu-block-extra prometheus ceph-mon ceph-osd ceph-common librbd1 librbd-dev)
missing=()
missing_norec=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
for p in "${norec_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing_norec+=("$p"); done
if [ "${#missing[@]}" -gt 0 ] || [ "${#missing_norec[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: need root to apt-get install ${missing[*]} ${missing_norec[*]}" >&2; exit 1
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
  pulled_in=()   # the packages of services that are not installed yet
  for p in "${services[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || pulled_in+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] || apt-get install -y -qq "${missing[@]}"
  [ "${#missing_norec[@]}" -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing_norec[@]}"
  restore; trap - EXIT
  # A service is new when its package came in now, asked for or as a dependency (ceph-base, ceph-common).
  new_services=()
  for p in "${pulled_in[@]}"; do
    # shellcheck disable=SC2206
    dpkg -s "$p" >/dev/null 2>&1 && new_services+=(${units[$p]:-$p})
  done
  # Enabling is the package's postinst (deb-systemd-helper, update-rc.d), which policy-rc.d does not govern.
  [ "${#new_services[@]}" -eq 0 ] || "$root/bin/quiet-services.sh" "${new_services[@]}"
fi
"$root/bench/scripts/build-fio.sh" >/dev/null
# The guest: about 85 MB of .debs and a fio build the first time (1-2 min), a second when cached; and the same guest
# with bookworm-backports' kernel (106 MB more, about 30 s), for the kernel initiator's atomic writes.
"$root/native-tests/qemu/build-guest.sh" >/dev/null
"$root/native-tests/qemu/build-guest.sh" --kernel-from bookworm-backports >/dev/null
echo "install-test-deps: ok (fio: $("$root/bench/scripts/build-fio.sh"), $(promtool --version 2>&1 | head -1); guest: $(sed -n 's/^kernel //p' "${RINGTARGET_CACHE:-$root/.cache}/qemu-guest/manifest.txt"))"
