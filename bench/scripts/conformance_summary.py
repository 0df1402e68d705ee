#!/usr/bin/env python3
"""Parses iscsi-test-cu's text output (verbose mode) into summary.json and summary.txt.

Usage: conformance_summary.py LOG OUTDIR [EXIT_STATUS]

Also writes OUTDIR/failures.txt: what iscsi-test-cu printed for each failed test (from its "Test:" line to its
verdict, or to the end of the log when the run stopped inside it), and how iscsi-test-cu ended when it did not exit
normally (killed by a signal: libiscsi itself can crash), so a failure can be read without the whole log.

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
    output = {}             # suite.test -> the lines it printed
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
            output[f"{suite}.{test}"] = []
            line = m.group(2)
        if test is not None:
            output[f"{suite}.{test}"].append(line)
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
    return results, cunit, output


def main():
    log, out = sys.argv[1], sys.argv[2]
    rc = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    with open(log, errors="replace") as f:
        results, cunit, output = parse(f)
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
    with open(f"{out}/failures.txt", "w") as f:
        if rc > 128 and rc != 124:
            f.write(f"iscsi-test-cu was killed by signal {rc - 128} (exit status {rc}): the run stopped there\n")
        for n in doc["failed"]:
            f.write(f"== {n}\n")
            f.writelines(f"{l}\n" for l in output.get(n, [])[-60:])
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
