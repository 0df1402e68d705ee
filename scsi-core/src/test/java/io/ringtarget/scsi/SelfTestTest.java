package io.ringtarget.scsi;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SEND DIAGNOSTIC's self-tests (SPC-4 5.14, 6.42) and the Self-Test Results log page (7.3.16): a background test
 * that answers at once and runs while other commands go on, its abort by SEND DIAGNOSTIC and by a logical unit reset,
 * the default self-test that waits and fails with the first LBA the medium cannot read, the short test's spread
 * chunks, the log of the 20 newest, RECEIVE DIAGNOSTIC RESULTS and every refusal.
 */
class SelfTestTest
{
    private static final int BLOCKS = 32768;   // 16 MiB: the short test reads all 16 chunks

    private final LuHarness h = new LuHarness(BLOCKS, 512, true, false).ready();

    private void sendDiagnostic(final int byte1)
    {
        h.run(h.nexus, 0, 0x1D, byte1, 0, 0, 0, 0);
    }

    /** Self-Test Results log parameter {@code n} (1 = newest): {code, result, number, lba, sense key, asc, ascq}. */
    private long[] logEntry(final int n)
    {
        h.run(h.nexus, 512, 0x4D, 0, 0x40 | 0x10, 0, 0, 0, 0, 2, 0, 0);
        h.assertGood();
        assertEquals(0x80 | 0x10, h.in(0));
        assertEquals(400, (h.in(2) << 8) | h.in(3), "twenty parameters of 20 bytes");
        final int o = 4 + (n - 1) * 20;
        assertEquals(n, (h.in(o) << 8) | h.in(o + 1), "parameter code");
        assertEquals(0x10, h.in(o + 3));
        return new long[] {h.in(o + 4) >>> 5, h.in(o + 4) & 0x0F, h.in(o + 5),
            h.buffer.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), o + 8),
            h.in(o + 16) & 0x0F, h.in(o + 17), h.in(o + 18)};
    }

    @Test
    void aBackgroundShortTestAnswersAtOnceRunsBesideOtherCommandsAndIsLogged()
    {
        h.device.deferred = true;
        h.drainAfterRun = false;
        sendDiagnostic(SelfTest.BACKGROUND_SHORT << 5);
        h.assertGood();
        assertEquals(true, h.lu.status().selfTestRunning());
        assertEquals(SelfTest.IN_PROGRESS, logEntry(1)[1], "in progress");
        sendDiagnostic(SelfTest.BACKGROUND_EXTENDED << 5);   // another while one runs
        h.assertSense(SenseKey.NOT_READY, Asc.SELF_TEST_IN_PROGRESS);
        sendDiagnostic(0x04);                               // nor the default one
        h.assertSense(SenseKey.NOT_READY, Asc.SELF_TEST_IN_PROGRESS);
        h.device.drain(1);   // the first chunk read; the second in flight
        h.fill(0, 512, 0x33);
        h.task.reset();      // a WRITE meanwhile runs as always: its completion queued behind the test's read
        h.task.nexus(h.nexus).device(h.device).cdb(new byte[] {0x2A, 0, 0, 0, 0, 100, 0, 0, 1, 0})
            .expectedDataTransferLength(512).dataBuffer(h.buffer);
        h.lu.execute(h.task);
        assertEquals(2, h.device.drain(2));
        h.assertGood();
        assertEquals(true, h.lu.status().selfTestRunning());
        h.device.drain();
        assertEquals(false, h.lu.status().selfTestRunning());
        assertEquals(16, h.device.reads, "the 16 chunks of a 16 MiB unit");
        final long[] entry = logEntry(1);
        assertEquals(SelfTest.BACKGROUND_SHORT, entry[0]);
        assertEquals(SelfTest.COMPLETED, entry[1]);
        assertEquals(-1, entry[3], "no failure: ADDRESS OF FIRST FAILURE all ones");
        assertEquals(0, logEntry(2)[1], "nothing older");
    }

    @Test
    void sendDiagnosticALogicalUnitResetAndTheUnitsRetirementAbortABackgroundTest()
    {
        sendDiagnostic(SelfTest.ABORT_BACKGROUND << 5);   // none runs
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 7);

        h.device.deferred = true;
        h.drainAfterRun = false;
        sendDiagnostic(SelfTest.BACKGROUND_EXTENDED << 5);
        h.assertGood();
        h.device.drain(1);
        sendDiagnostic(SelfTest.ABORT_BACKGROUND << 5);
        h.assertGood();
        h.device.drain();
        assertEquals(false, h.lu.status().selfTestRunning(), "ended at its next step");
        assertEquals(SelfTest.BACKGROUND_EXTENDED, logEntry(1)[0]);
        assertEquals(SelfTest.ABORTED_BY_SEND_DIAGNOSTIC, logEntry(1)[1]);

        sendDiagnostic(SelfTest.BACKGROUND_EXTENDED << 5);
        h.device.drain(1);
        h.lu.resetLun();
        h.device.drain();
        assertEquals(false, h.lu.status().selfTestRunning());
        assertEquals(java.util.List.of(Asc.POWER_ON_RESET), h.unitAttentions(h.nexus));
        assertEquals(SelfTest.ABORTED_OTHER, logEntry(1)[1]);
        assertEquals(SelfTest.ABORTED_BY_SEND_DIAGNOSTIC, logEntry(2)[1], "the older result kept, second");

        sendDiagnostic(SelfTest.BACKGROUND_SHORT << 5);   // the LUN deleted meanwhile: its backstore is to be released
        h.device.drain(1);
        h.lu.retired();
        h.device.drain();
        assertEquals(false, h.lu.status().selfTestRunning());
        assertEquals(SelfTest.ABORTED_OTHER, logEntry(1)[1]);
    }

    @Test
    void theDefaultSelfTestWaitsAndFailsAndTheLogNamesTheFirstUnreadableBlock()
    {
        sendDiagnostic(0x04);   // SELFTEST: the default self-test, not logged
        h.assertGood();
        assertEquals(0, logEntry(1)[1] + logEntry(1)[0] + logEntry(1)[3], "no entry: all zeros");

        h.device.badByte = 5L * (1 << 20) + 777 * 512 + 3;   // in chunk 5, block 777 of it
        sendDiagnostic(0x04);
        h.assertSense(SenseKey.HARDWARE_ERROR, Asc.LOGICAL_UNIT_FAILED_SELF_TEST);
        sendDiagnostic(SelfTest.BACKGROUND_SHORT << 5);   // done before its status here: the device is synchronous
        h.assertGood();
        final long[] entry = logEntry(1);
        assertEquals(SelfTest.BACKGROUND_SHORT, entry[0]);
        assertEquals(SelfTest.FIRST_SEGMENT_FAILED, entry[1]);
        assertEquals(1, entry[2], "SELF-TEST NUMBER: the segment");
        assertEquals(5L * 2048 + 777, entry[3], "ADDRESS OF FIRST FAILURE");
        assertEquals(SenseKey.MEDIUM_ERROR, entry[4]);
        assertEquals(0x11, entry[5]);
        assertEquals(0x00, entry[6]);
        assertEquals(0, logEntry(2)[1] + logEntry(2)[0], "the default self-tests left no entry");
        assertEquals(2, h.lu.status().selfTestFailureCount(),
            "both failures counted (ringtarget_lun_self_test_failures_total)");
    }

    private final ScsiTask own = new ScsiTask();
    private int ownCompletions;

    private void startForeground(final int code)
    {
        own.listener(t -> ownCompletions++);
        h.start(own, h.nexus, h.buffer, 0, 0x1D, code << 5, 0, 0, 0, 0);
    }

    /** REQUEST SENSE from the other nexus: {sense key, ASC/ASCQ, progress in 65536ths or -1 without SKSV}. */
    private int[] requestSense()
    {
        h.run(h.other, 18, 0x03, 0, 0, 0, 18, 0);
        h.assertGood();
        return new int[] {h.in(2) & 0x0F, (h.in(12) << 8) | h.in(13),
            (h.in(15) & 0x80) != 0 ? (h.in(16) << 8) | h.in(17) : -1};
    }

    @Test
    void aForegroundTestHoldsEveryOtherCommandAndAnswersWhenItEnds()
    {
        h.device.deferred = true;
        h.drainAfterRun = false;
        startForeground(SelfTest.FOREGROUND_SHORT);
        assertEquals(0, ownCompletions, "its status waits for the end");
        h.device.drain(4);
        assertEquals(0, ownCompletions);
        // SPC-4 5.15.3.2: every other command of every nexus is NOT READY, SELF-TEST IN PROGRESS, with the progress.
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);
        h.assertSense(SenseKey.NOT_READY, Asc.SELF_TEST_IN_PROGRESS);
        assertEquals(4 * 65536 / 16, (h.sense(16) << 8) | h.sense(17), "4 of 16 chunks read");
        assertEquals(4 * 65536 / 16, h.lu.status().selfTestProgress(), "what ringtarget ls shows");
        assertTrue(h.lu.status().selfTestInForeground());
        h.run(h.nexus, 512, 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0);
        h.assertSense(SenseKey.NOT_READY, Asc.SELF_TEST_IN_PROGRESS);
        sendDiagnostic(SelfTest.ABORT_BACKGROUND << 5);   // not a background test: SEND DIAGNOSTIC waits too
        h.assertSense(SenseKey.NOT_READY, Asc.SELF_TEST_IN_PROGRESS);
        h.run(h.other, 96, 0x12, 0, 0, 0, 96, 0);   // INQUIRY, REPORT LUNS and REQUEST SENSE are answered
        h.assertGood();
        h.run(h.other, 64, 0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0);
        h.assertGood();
        assertEquals(java.util.List.of(SenseKey.NOT_READY, Asc.SELF_TEST_IN_PROGRESS, 4 * 65536 / 16),
            java.util.Arrays.stream(requestSense()).boxed().toList());
        h.run(h.other, 512, 0x4D, 0, 0x40 | 0x10, 0, 0, 0, 0, 2, 0, 0);   // LOG SENSE waits for the end too
        h.assertSense(SenseKey.NOT_READY, Asc.SELF_TEST_IN_PROGRESS);
        h.device.drain();
        assertEquals(1, ownCompletions);
        assertEquals(ScsiStatus.GOOD, own.status());
        assertEquals(16, h.device.reads, "nothing but the test's 16 chunks reached the medium");
        final long[] entry = logEntry(1);
        assertEquals(SelfTest.FOREGROUND_SHORT, entry[0]);
        assertEquals(SelfTest.COMPLETED, entry[1]);
        h.drainAfterRun = true;
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();
        assertEquals(SenseKey.NO_SENSE, requestSense()[0]);
    }

    @Test
    void aForegroundTestThatFailsEndsInHardwareErrorAndAnAbortOfItsCommandEndsIt()
    {
        h.device.badByte = 3L * (1 << 20) + 5 * 512;   // chunk 3, block 5
        startForeground(SelfTest.FOREGROUND_EXTENDED);
        assertEquals(1, ownCompletions);
        assertEquals(ScsiStatus.CHECK_CONDITION, own.status());
        assertEquals(SenseKey.HARDWARE_ERROR, own.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F);
        assertEquals(Asc.LOGICAL_UNIT_FAILED_SELF_TEST, ((own.senseData().get(ValueLayout.JAVA_BYTE, 12) & 0xFF) << 8)
            | (own.senseData().get(ValueLayout.JAVA_BYTE, 13) & 0xFF));
        long[] entry = logEntry(1);
        assertEquals(SelfTest.FOREGROUND_EXTENDED, entry[0]);
        assertEquals(SelfTest.FIRST_SEGMENT_FAILED, entry[1]);
        assertEquals(3L * 2048 + 5, entry[3]);
        assertEquals(1, h.lu.status().selfTestFailureCount());

        h.device.badByte = -1;
        h.device.deferred = true;
        h.drainAfterRun = false;
        ownCompletions = 0;
        startForeground(SelfTest.FOREGROUND_EXTENDED);
        h.device.drain(2);
        own.abort();   // ABORT TASK, ABORT TASK SET or CLEAR TASK SET of the SEND DIAGNOSTIC
        h.device.drain(1);
        assertEquals(1, ownCompletions, "ended at the next step");
        assertEquals(ScsiStatus.TASK_ABORTED, own.status());
        assertEquals(false, h.lu.status().selfTestRunning(), "and the test with it");
        assertEquals(0, h.device.pendingCount());
        h.drainAfterRun = true;
        entry = logEntry(1);
        assertEquals(SelfTest.FOREGROUND_EXTENDED, entry[0]);
        assertEquals(SelfTest.ABORTED_OTHER, entry[1]);
    }

    @Test
    void requestSenseReportsABackgroundTestsProgressAndAFormatEndsTheTest()
    {
        h.device.deferred = true;
        h.drainAfterRun = false;
        sendDiagnostic(SelfTest.BACKGROUND_EXTENDED << 5);
        h.assertGood();
        assertEquals(java.util.List.of(SenseKey.NOT_READY, Asc.SELF_TEST_IN_PROGRESS, 0),
            java.util.Arrays.stream(requestSense()).boxed().toList());
        h.device.drain(8);
        assertEquals(8 * 65536 / 16, requestSense()[2], "8 of 16 chunks");
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();   // a background test holds nothing
        h.drainAfterRun = true;
        h.run(h.other, 0, 0x04, 0x00, 0, 0, 0, 0);   // FORMAT UNIT, no parameter list: zeros
        h.assertGood();
        assertEquals(false, h.lu.status().selfTestRunning());
        final long[] entry = logEntry(1);
        assertEquals(SelfTest.BACKGROUND_EXTENDED, entry[0]);
        assertEquals(SelfTest.ABORTED_OTHER, entry[1], "aborted by the format (SPC-4 5.15.3.3)");
        assertEquals(SenseKey.NO_SENSE, requestSense()[0]);
    }

    /** MODE SENSE(6) control page's EXTENDED SELF-TEST COMPLETION TIME and the Extended INQUIRY Data's minutes. */
    private static int[] completionTime(final LuHarness lu)
    {
        lu.run(lu.nexus, 64, 0x1A, 0x08, 0x0A, 0, 64, 0);
        lu.assertGood();
        assertEquals(0x0A, lu.in(4) & 0x3F);
        final int seconds = (lu.in(14) << 8) | lu.in(15);
        lu.run(lu.nexus, 64, 0x12, 0x01, 0x86, 0, 64, 0);
        lu.assertGood();
        return new int[] {seconds, (lu.in(10) << 8) | lu.in(11)};
    }

    @Test
    void theExtendedSelfTestCompletionTimeIsTheCapacityAtTheLastMeasuredRate()
    {
        // Before any test: 200 MiB/s assumed. 16 MiB: a second.
        assertEquals(java.util.List.of(1, 1), java.util.Arrays.stream(completionTime(h)).boxed().toList());
        // 16 TiB: 83,887 s, more than the mode page's field holds: FFFFh there, 1,399 minutes in the VPD page.
        final LuHarness huge = new LuHarness(1L << 35, 512, true, false).ready();
        assertEquals(java.util.List.of(0xFFFF, 1399), java.util.Arrays.stream(completionTime(huge)).boxed().toList());

        final LuHarness big = new LuHarness(8L << 21, 512, true, false).ready();   // 8 GiB
        assertEquals(41, completionTime(big)[0], "8 GiB at 200 MiB/s: 40.96 s, rounded up");
        big.run(big.nexus, 0, 0x1D, SelfTest.BACKGROUND_SHORT << 5, 0, 0, 0, 0);
        big.assertGood();
        final long rate = big.lu.selfTest().results().measuredBytesPerSecond();
        assertTrue(rate > 0, "the short test measured its 256 MiB");
        final long expected = Math.max(1, ((8L << 30) + rate - 1) / rate);
        assertEquals(Math.min(expected, 0xFFFF), completionTime(big)[0]);
        assertEquals((expected + 59) / 60, completionTime(big)[1]);
    }

    @Test
    void theShortTestSpreadsItsChunksOverALargeUnit()
    {
        final LuHarness big = new LuHarness(8L << 21, 512, true, false).ready();   // 8 GiB
        big.run(big.nexus, 0, 0x1D, 0x04, 0, 0, 0, 0);
        big.assertGood();
        assertEquals(SelfTest.SHORT_CHUNKS, big.device.reads);
        assertEquals(0, big.device.firstReadOffset);
        assertEquals((8L << 30) - (1 << 20), big.device.lastReadOffset, "the last chunk too");
    }

    @Test
    void theLogKeepsTheTwentyNewest()
    {
        for (int i = 0; i < 21; i++)
        {
            h.device.badByte = i == 0 ? 0 : -1;   // the oldest failed: it falls off the log
            sendDiagnostic(SelfTest.BACKGROUND_SHORT << 5);
        }
        for (int n = 1; n <= 20; n++)
        {
            assertEquals(SelfTest.COMPLETED, logEntry(n)[1], "entry " + n);
        }
        h.run(h.nexus, 512, 0x4D, 0, 0x40 | 0x10, 0, 0, 0, 20, 2, 0, 0);   // parameter pointer 0014h
        h.assertGood();
        assertEquals(20, (h.in(2) << 8) | h.in(3), "one parameter");
        h.run(h.nexus, 512, 0x4D, 0, 0x40 | 0x10, 0, 0, 0, 21, 2, 0, 0);
        h.assertFieldPointer(true, 5, 7);
    }

    @Test
    void refusalsAndReceiveDiagnosticResults()
    {
        sendDiagnostic(3 << 5);   // reserved self-test codes
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 7);
        sendDiagnostic(7 << 5);
        h.assertFieldPointer(true, 1, 7);
        h.run(h.nexus, 4, 0x1D, SelfTest.FOREGROUND_SHORT << 5, 0, 0, 4, 0);   // a foreground code with a list
        h.assertFieldPointer(true, 3, -1);
        sendDiagnostic(0x04 | (SelfTest.BACKGROUND_SHORT << 5));   // SELFTEST with a code
        h.assertFieldPointer(true, 1, 7);
        h.run(h.nexus, 4, 0x1D, SelfTest.BACKGROUND_SHORT << 5, 0, 0, 4, 0);   // a code with a parameter list
        h.assertFieldPointer(true, 3, -1);
        sendDiagnostic(0);   // no self-test, no list: nothing to do
        h.assertGood();
        h.buffer.asSlice(0, 4).fill((byte)0);
        h.run(h.nexus, 4, 0x1D, 0x10, 0, 0, 4, 0);   // PF, the Supported Diagnostic Pages page
        h.assertGood();
        h.buffer.set(ValueLayout.JAVA_BYTE, 0, (byte)0x3F);
        h.run(h.nexus, 4, 0x1D, 0x10, 0, 0, 4, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);

        h.run(h.nexus, 64, 0x1C, 0x01, 0, 0, 64, 0);   // PCV, page 00h
        h.assertGood();
        assertEquals(5, h.task.dataInLength());
        assertEquals(1, (h.in(2) << 8) | h.in(3));
        assertEquals(0, h.in(4));
        h.run(h.nexus, 64, 0x1C, 0x01, 0x40, 0, 64, 0);
        h.assertFieldPointer(true, 2, -1);
    }
}
