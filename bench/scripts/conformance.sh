#!/usr/bin/env bash
# Runs libiscsi's conformance suite (iscsi-test-cu) against any iSCSI URL and writes a parsable summary.
#
#   bench/scripts/conformance.sh [-o OUTDIR] [-t TESTS] [-S] [--timeout S] URL [SECOND_PATH_URL]
#
#   URL              iscsi://127.0.0.1:3260/iqn.2026-11.io.ringtarget:demo/0 (the LUN is overwritten: -d)
#   SECOND_PATH_URL  a second portal to the same LUN; without it the MultipathIO suite skips its tests
#   -t TESTS         iscsi-test-cu test regexp, FAMILY[.SUITE[.TEST]] (default ALL)
#   -o OUTDIR        where to write (default .cache/conformance/<UTC time>)
#   -S               also run the SANITIZE tests (iscsi-test-cu --allow-sanitize): they erase the whole LUN
#
# Writes OUTDIR/iscsi-test-cu.log (raw output), OUTDIR/summary.json and OUTDIR/summary.txt:
#   total=N passed=N failed=N skipped=N            (skipped tests are counted apart from passed ones)
#   FAILED Suite.Test                              (one line per failing test)
#   SKIPPED Suite.Test                             (one line per skipped test)
# and OUTDIR/failures.txt: each failed test's output, and a signal that killed iscsi-test-cu.
# Exit status: 0 when the suite ran (whatever the results), 2 when it could not run or could not be parsed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
tests=ALL
out=""
sanitize=()
limit=1800
while [ $# -gt 0 ]; do
  case "$1" in
    -o) out="$2"; shift 2 ;;
    -t) tests="$2"; shift 2 ;;
    -S) sanitize=(-S); shift ;;
    --timeout) limit="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { sed -n '2,17p' "$0" >&2; exit 2; }
command -v iscsi-test-cu >/dev/null || { echo "conformance: iscsi-test-cu missing (apt-get install libiscsi-bin)" >&2; exit 2; }
out="${out:-$root/.cache/conformance/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
log="$out/iscsi-test-cu.log"

# -d allows the data-destroying tests (WRITE, UNMAP, ...); the default text mode is the only one that shows
# which passing tests were in fact skipped ("[SKIPPED]" lines), which the XML mode does not record.
cmd=(iscsi-test-cu -d "${sanitize[@]}" -t "$tests" "$@")
echo "${cmd[*]}" > "$out/command.txt"
echo "conformance: ${cmd[*]} (log: $log)" >&2
set +e
timeout "$limit" "${cmd[@]}" > "$log" 2>&1
rc=$?
set -e
[ "$rc" -eq 124 ] && echo "conformance: iscsi-test-cu timed out after ${limit}s; summary covers the tests that ran" >&2

python3 "$(dirname "$0")/conformance_summary.py" "$log" "$out" "$rc"
echo "conformance: summary in $out/summary.txt" >&2
