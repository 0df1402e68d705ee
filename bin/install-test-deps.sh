#!/usr/bin/env bash
# Everything the tests need on a fresh Debian 12 machine: io_uring headers/library (layout check and ring tests),
# libiscsi's clients and conformance suite, sg3-utils, the peer targets, fio with the libiscsi engine.
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
"$root/bench/scripts/build-fio.sh" >/dev/null
echo "install-test-deps: ok (fio: $("$root/bench/scripts/build-fio.sh"))"
