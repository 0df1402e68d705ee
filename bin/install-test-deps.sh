#!/usr/bin/env bash
# Everything the tests need on a fresh Debian 12 machine: io_uring headers/library (layout check and ring tests),
# libiscsi's clients and conformance suite, sg3-utils, the peer targets, Prometheus (the metrics test runs a private
# server; promtool checks the alert rules), fio with the libiscsi engine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pkgs=(liburing-dev liburing2 libiscsi-bin libiscsi-dev sg3-utils tgt istgt gcc make util-linux)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "install-test-deps: need root to apt-get install ${missing[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
# Debian's prometheus package starts and enables a system-wide server: the tests run their own on a private port,
# so its service is kept from starting (policy-rc.d answering 101 during the install) and disabled afterwards.
if ! dpkg -s prometheus >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then echo "install-test-deps: need root to apt-get install prometheus" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
  fi
  trap '[ "$own_policy" = 1 ] && rm -f "$policy"' EXIT
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends prometheus
  [ "$own_policy" = 1 ] && rm -f "$policy"
  trap - EXIT
  if command -v systemctl >/dev/null 2>&1; then
    systemctl disable prometheus >/dev/null 2>&1 || true                 # works without a running systemd
    if [ -d /run/systemd/system ]; then systemctl stop prometheus >/dev/null 2>&1 || true; fi
  fi
fi
"$root/bench/scripts/build-fio.sh" >/dev/null
echo "install-test-deps: ok (fio: $("$root/bench/scripts/build-fio.sh"), $(promtool --version 2>&1 | head -1))"
