#!/usr/bin/env python3
"""Parses iscsi-test-cu's text output (verbose mode) into summary.json and summary.txt.

Usage: conformance_summary.py LOG OUTDIR [EXIT_STATUS]

A test's verdict is the word "passed" or "FAILED" that CUnit prints at the start of a line, or right after
"Test: NAME ..."; "[FAILED]"/"[SKIPPED]" lines are libiscsi's own messages. A passed test that printed
"[SKIPPED]" counts as skipped. Text printed after a verdict (e.g. by the next suite's setup) changes nothing.
"""
import json
import re
import sys

SUITE = re.compile(r"^Suite: (\S+)")
TEST = re.compile(r"^  Test: (\S+) \.\.\.(.*)$")
CUNIT_TESTS = re.compile(r"^\s+tests\s+(\d+)\s+(\d+)\s+(\d+|n/a)\s+(\d+)")


def parse(lines):
    results = []            # [suite.test, verdict]
    cunit = None
    suite, test, skipped = None, None, False

    def verdict_of(text):
        if text.startswith("passed"):
            return "skipped" if skipped else "passed"
        if text.startswith("FAILED"):
            return "failed"
        return None

    for line in lines:
        line = line.rstrip("\n")
        m = SUITE.match(line)
        if m:
            if test:
                results.append((f"{suite}.{test}", "failed"))   # no verdict: treated as a failure
            suite, test = m.group(1), None
            continue
        m = TEST.match(line)
        if m:
            if test:
                results.append((f"{suite}.{test}", "failed"))
            test, skipped = m.group(1), False
            line = m.group(2)
        if test is None:
            m = CUNIT_TESTS.match(line)
            if m:
                cunit = {"total": int(m.group(1)), "ran": int(m.group(2)), "failed": int(m.group(4))}
            continue
        if "[SKIPPED]" in line:
            skipped = True
        v = verdict_of(line)
        if v:
            results.append((f"{suite}.{test}", v))
            test = None
    if test:
        results.append((f"{suite}.{test}", "failed"))           # the run stopped inside this test
    return results, cunit


def main():
    log, out = sys.argv[1], sys.argv[2]
    rc = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    with open(log, errors="replace") as f:
        results, cunit = parse(f)
    counts = {v: sum(1 for _, r in results if r == v) for v in ("passed", "failed", "skipped")}
    counts["total"] = len(results)
    doc = {"exit_status": rc, "counts": counts, "cunit_summary": cunit,
           "failed": [n for n, r in results if r == "failed"],
           "skipped": [n for n, r in results if r == "skipped"]}
    with open(f"{out}/summary.json", "w") as f:
        json.dump(doc, f, indent=2)
    line = "total={total} passed={passed} failed={failed} skipped={skipped}".format(**counts)
    with open(f"{out}/summary.txt", "w") as f:
        f.write(line + "\n")
        f.writelines(f"FAILED {n}\n" for n in doc["failed"])
        f.writelines(f"SKIPPED {n}\n" for n in doc["skipped"])
    if not results:
        print("conformance: no test results found in the log", file=sys.stderr)
        return 2
    if cunit and cunit["failed"] != counts["failed"]:
        print(f"conformance: parsed {counts['failed']} failures but CUnit reports {cunit['failed']}",
              file=sys.stderr)
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
