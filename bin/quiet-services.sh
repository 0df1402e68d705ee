#!/usr/bin/env bash
# Leaves services installed but neither enabled at boot nor running: used by install-test-deps.sh for the peer
# targets (tgt, istgt), Prometheus and Ceph, whose Debian packages enable their service (tgtd would otherwise take port
# 3260 at the next boot). Works with or without systemd as PID 1 (systemctl disable edits unit links offline; SysV
# scripts go through systemd-sysv-install, or update-rc.d where there is no systemctl).
#   bin/quiet-services.sh [--root DIR] SERVICE...     (--root: an image or chroot, e.g. for a test; nothing is stopped)
set -euo pipefail
root=/
if [ "${1:-}" = "--root" ]; then root="$2"; shift 2; fi
for service in "$@"; do
  if command -v systemctl >/dev/null 2>&1; then
    systemctl --root="$root" disable --quiet "$service" >/dev/null 2>&1 || true
  elif command -v update-rc.d >/dev/null 2>&1 && [ "$root" = / ]; then
    update-rc.d "$service" disable >/dev/null 2>&1 || true
  fi
  # Running only if something started it after all (a policy-rc.d that allowed it): stop that one service.
  if [ "$root" = / ] && [ -d /run/systemd/system ]; then
    systemctl stop "$service" >/dev/null 2>&1 || true
  fi
done
