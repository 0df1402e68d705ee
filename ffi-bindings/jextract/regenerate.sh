#!/usr/bin/env bash
# Regenerates raw jextract bindings for the structs and functions in headers.txt (and every constant named in
# IoUringConstants/LibcConstants) into ffi-bindings/target/jextract/, to diff against the hand-kept classes in
# src/main/java/io/ringtarget/ffi. Those keep jextract's shape (LAYOUT, <field>$OFFSET, static accessors) but add
# errno-capturing downcalls that return -errno; so the generated code is a reference, not checked in.
# LayoutCheckTest (gcc against the same headers) is the gate on every build; this script is for header upgrades.
#
# Usage: ffi-bindings/jextract/regenerate.sh [path/to/jextract]   (jextract 22+ from https://jdk.java.net/jextract/)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../src/main/java/io/ringtarget/ffi"
jextract="${1:-$(command -v jextract || true)}"
if [ -z "$jextract" ]; then
  echo "jextract not found: download it from https://jdk.java.net/jextract/ and pass its path" >&2
  exit 2
fi
out="$here/../target/jextract"
rm -rf "$out" && mkdir -p "$out"
{
  echo '#define _GNU_SOURCE'
  for h in fcntl.h unistd.h errno.h sched.h string.h sys/mman.h sys/ioctl.h sys/eventfd.h netinet/tcp.h \
           linux/fs.h linux/falloc.h; do echo "#include <$h>"; done
  grep '^header ' "$here/headers.txt" | awk '{print "#include <" $2 ">"}'
} > "$out/ringtarget.h"
{
  grep '^struct ' "$here/headers.txt" | awk '{print "--include-struct " $2}'
  grep '^function ' "$here/headers.txt" | awk '{print "--include-function " $2}'
  grep -hoE 'public static final (int|long) [A-Z][A-Z0-9_]+' "$src/IoUringConstants.java" "$src/LibcConstants.java" "$src/LibrbdConstants.java" \
    | awk '{print "--include-constant " $5}' | grep -v ' SYS_IO_URING_'
} > "$out/includes.txt"
# shellcheck disable=SC2046
"$jextract" --output "$out/src" --target-package io.ringtarget.ffi.generated $(cat "$out/includes.txt") "$out/ringtarget.h"
echo "generated into $out/src"
dpkg-query -W -f='${Package} ${Version}\n' linux-libc-dev liburing-dev libc6-dev librbd-dev librados-dev 2>/dev/null | sed 's/^/headers: /'
