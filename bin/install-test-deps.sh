#!/usr/bin/env bash
# Everything the tests need on a fresh Debian 12 machine: io_uring headers/library (layout check and ring tests),
# libiscsi's clients and conformance suite, sg3-utils, the peer targets, Prometheus (the metrics test runs a private
# server; promtool checks the alert rules), fio with the libiscsi engine, and the
# Linux kernel initiator guest (QEMU with TCG; its kernel, tools and fio are built into .cache/qemu-guest from
# Debian's packages without installing any of them on this host: native-tests/qemu/build-guest.sh).
# The peer targets (tgt, istgt) and Prometheus are installed for tests that start their daemons themselves: their
# services are neither started during the installation (policy-rc.d answers 101, "action forbidden") nor left
# enabled at boot, where tgtd would take port 3260 and a system Prometheus port 9090. Packages that were installed
# already are left as they are.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pkgs=(liburing-dev liburing2 libiscsi-bin libiscsi-dev sg3-utils tgt istgt gcc make util-linux
  cpio binutils libaio-dev)
# Packages whose service is enabled by their postinst; the tests start their own daemons (tgtd, prometheus on a
# private port), so those services are disabled once installed.
services=(tgt istgt prometheus)
# Without their recommendations: QEMU (GUI, firmware for other machines, qemu-utils; the guest needs only
# qemu-system-x86_64 with user networking) and Prometheus (node exporter; the tests need prometheus and promtool).
norec_pkgs=(qemu-system-x86 prometheus)
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
  [ "${#missing[@]}" -eq 0 ] || apt-get install -y -qq "${missing[@]}"
  [ "${#missing_norec[@]}" -eq 0 ] || apt-get install -y -qq --no-install-recommends "${missing_norec[@]}"
  restore; trap - EXIT
  new_services=()
  for p in "${services[@]}"; do
    for m in "${missing[@]}" "${missing_norec[@]}"; do [ "$p" = "$m" ] && new_services+=("$p"); done
  done
  # Enabling is the package's postinst (deb-systemd-helper, update-rc.d), which policy-rc.d does not govern.
  [ "${#new_services[@]}" -eq 0 ] || "$root/bin/quiet-services.sh" "${new_services[@]}"
fi
"$root/bench/scripts/build-fio.sh" >/dev/null
# The guest: about 85 MB of .debs and a fio build the first time (1-2 min), a second when cached.
"$root/native-tests/qemu/build-guest.sh" >/dev/null
echo "install-test-deps: ok (fio: $("$root/bench/scripts/build-fio.sh"), $(promtool --version 2>&1 | head -1); guest: $(sed -n 's/^kernel //p' "${RINGTARGET_CACHE:-$root/.cache}/qemu-guest/manifest.txt"))"
