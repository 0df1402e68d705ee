package io.ringtarget.scsi;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertEquals(true, h.lu.selfTestRunning());
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
        assertEquals(true, h.lu.selfTestRunning());
        h.device.drain();
        assertEquals(false, h.lu.selfTestRunning());
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
        assertEquals(false, h.lu.selfTestRunning(), "ended at its next step");
        assertEquals(SelfTest.BACKGROUND_EXTENDED, logEntry(1)[0]);
        assertEquals(SelfTest.ABORTED_BY_SEND_DIAGNOSTIC, logEntry(1)[1]);

        sendDiagnostic(SelfTest.BACKGROUND_EXTENDED << 5);
        h.device.drain(1);
        h.lu.resetLun();
        h.device.drain();
        assertEquals(false, h.lu.selfTestRunning());
        assertEquals(java.util.List.of(Asc.POWER_ON_RESET), h.unitAttentions(h.nexus));
        assertEquals(SelfTest.ABORTED_OTHER, logEntry(1)[1]);
        assertEquals(SelfTest.ABORTED_BY_SEND_DIAGNOSTIC, logEntry(2)[1], "the older result kept, second");

        sendDiagnostic(SelfTest.BACKGROUND_SHORT << 5);   // the LUN deleted meanwhile: its backstore is to be released
        h.device.drain(1);
        h.lu.retired();
        h.device.drain();
        assertEquals(false, h.lu.selfTestRunning());
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
        assertEquals(2, h.lu.selfTestFailureCount(), "both failures counted (ringtarget_lun_self_test_failures_total)");
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
        sendDiagnostic(SelfTest.FOREGROUND_SHORT << 5);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 7);
        sendDiagnostic(SelfTest.FOREGROUND_EXTENDED << 5);
        h.assertFieldPointer(true, 1, 7);
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
