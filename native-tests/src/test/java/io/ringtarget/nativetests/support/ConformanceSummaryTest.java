package io.ringtarget.nativetests.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bench/scripts/conformance_summary.py on an iscsi-test-cu log in its text form (the shape of libiscsi 1.19's
 * output: a passed test, a skipped one, a failed one with CUnit's assertion, and a run that libiscsi's own crash
 * stopped inside a test): the counts, and failures.txt naming what each failed test printed and the signal.
 */
class ConformanceSummaryTest
{
    private static final String LOG = """
        Suite: SCSI.Inquiry
          Test: Standard ...passed
        Suite: SCSI.PreventAllow
          Test: Simple ...    [SKIPPED] LUN is not removable. Skipping test.
        passed
        Suite: SCSI.Read10
          Test: BeyondEol ...    Send READ10 (Expecting LBA_OUT_OF_RANGE)
            [FAILED] READ10 returned SUCCESS
        FAILED
            1. test_read10_beyond_eol.c:58  - status == SCSI_STATUS_CHECK_CONDITION
        Suite: iSCSITMF
          Test: AbortTaskSimpleAsync ...    WRITE10 queued: (CmdSN=0x204b3c84, ITT=0x5d49e8ac)
            0 IOs completed, 1 aborts successful, 0 aborts unsuccessful
        corrupted double-linked list
        """;

    private Path dir;

    @BeforeEach
    void directory() throws IOException
    {
        dir = Files.createTempDirectory("conformance-summary");
    }

    @AfterEach
    void clean() throws IOException
    {
        Tools.deleteTree(dir);
    }

    @Test
    void failuresNameWhatEachFailedTestPrintedAndTheSignalThatEndedTheRun() throws IOException
    {
        Files.writeString(dir.resolve("iscsi-test-cu.log"), LOG);
        final ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(30), "python3",
            Tools.repoRoot().resolve("bench/scripts/conformance_summary.py").toString(),
            dir.resolve("iscsi-test-cu.log").toString(), dir.toString(), "134");
        assertEquals(0, r.exitCode(), r.output());
        final Conformance.Summary summary = Conformance.Summary.read(dir.resolve("summary.txt"));
        assertEquals(4, summary.total(), summary.report());
        assertEquals(1, summary.passed());
        assertEquals(1, summary.skipped());
        assertEquals(2, summary.failed());
        assertEquals(Set.of("SCSI.Read10.BeyondEol", "iSCSITMF.AbortTaskSimpleAsync"), summary.tests("FAILED"));
        final String report = summary.report();
        assertTrue(report.contains("killed by signal 6 (exit status 134)"), report);
        assertTrue(report.contains("== SCSI.Read10.BeyondEol\n") && report.contains("[FAILED] READ10 returned SUCCESS"),
            report);
        assertTrue(report.contains("== iSCSITMF.AbortTaskSimpleAsync\n") &&
            report.contains("corrupted double-linked list"), report);
        assertFalse(report.contains("not removable"), "only failed tests' output: " + report);
    }
}
