package io.ringtarget.scsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FORMAT UNIT (SBC-4 5.3) on an 8 MiB unit of 512-byte blocks over memory, thin (deallocated blocks read zeros) and
 * thick: what the medium holds afterwards, what other commands meet while the operation runs (a deferred device holds
 * it between its 1 MiB steps) and after one failed, and every refusal, with nothing written before it.
 */
class FormatUnitTest
{
    private static final int FORMAT_UNIT = 0x04;
    private static final int FMTDATA = 0x10;
    private static final int LONGLIST = 0x20;
    private static final int FOV = 0x80;
    private static final int DCRT = 0x20;
    private static final int IP = 0x08;
    private static final int IMMED = 0x02;
    private static final int BLOCKS = 16384;
    private static final int BLOCK = 512;
    private static final long CAPACITY = (long)BLOCKS * BLOCK;
    private static final int CHUNKS = (int)(CAPACITY / Sanitize.WRITE_CHUNK_BYTES);

    private final LuHarness thin = new LuHarness(BLOCKS, BLOCK, true, false).ready();
    private final LuHarness thick = new LuHarness(BLOCKS, BLOCK, false, false).ready();

    FormatUnitTest()
    {
        thin.device.disk().fill((byte)0x11);
        thick.device.disk().fill((byte)0x11);
    }

    private static int[] formatUnit(final int flags)
    {
        return new int[] {FORMAT_UNIT, flags, 0, 0, 0, 0};
    }

    /** A parameter list in {@code into}: the short header with these options, then {@code rest}; its length. */
    private static int list(final MemorySegment into, final int options, final int... rest)
    {
        into.set(ValueLayout.JAVA_BYTE, 0, (byte)0);
        into.set(ValueLayout.JAVA_BYTE, 1, (byte)options);
        into.set(ValueLayout.JAVA_BYTE, 2, (byte)0);
        into.set(ValueLayout.JAVA_BYTE, 3, (byte)0);
        for (int i = 0; i < rest.length; i++)
        {
            into.set(ValueLayout.JAVA_BYTE, 4 + i, (byte)rest[i]);
        }
        return 4 + rest.length;
    }

    private static void assertEveryBlockHolds(final LuHarness u, final int... pattern)
    {
        for (long block = 0; block < BLOCKS; block += 1021)
        {
            for (int o = 0; o < BLOCK; o += 97)
            {
                final int held = u.device.disk().get(ValueLayout.JAVA_BYTE, block * BLOCK + o) & 0xFF;
                assertEquals(pattern[o % pattern.length], held, "block " + block + " byte " + o);
            }
        }
        assertEquals(pattern[(BLOCK - 1) % pattern.length],
            u.device.disk().get(ValueLayout.JAVA_BYTE, CAPACITY - 1) & 0xFF, "last byte");
    }

    private static void assertNothingWritten(final LuHarness u)
    {
        assertEquals(0, u.device.writes);
        assertEquals(0, u.device.unmaps);
        assertEquals(0x11, u.device.disk().get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(0, u.lu.status().formatState());
    }

    @Test
    void withoutAListAThinUnitIsDeallocatedAndAThickOneZeroed()
    {
        thin.run(0, formatUnit(0));
        thin.assertGood();
        assertEquals(1, thin.device.unmaps, "8 MiB deallocated in one step");
        assertEquals(0, thin.device.writes);
        assertEveryBlockHolds(thin, 0);

        thick.run(0, formatUnit(0x08));   // CMPLST: about a defect list that is not sent
        thick.assertGood();
        assertEquals(CHUNKS, thick.device.writes, "one pass of zeros");
        assertEquals(0, thick.device.unmaps);
        assertEquals(1, thick.device.flushes);
        assertEveryBlockHolds(thick, 0);
        assertEquals(0, thick.lu.status().formatState());
        assertEquals(0, thick.lu.status().sanitizeCompletedCount(), "a format is not a sanitize operation");
        thick.run(0, 0, 0, 0, 0, 0, 0);
        thick.assertGood();
    }

    @Test
    void anInitializationPatternIsWrittenFromTheStartOfEveryBlock()
    {
        // FOV and IP; the descriptor: no modifier, type 01h (repeat), two bytes.
        final int length = list(thin.buffer, FOV | IP, 0, 0x01, 0, 2, 0xAB, 0xCD);
        thin.run(length, formatUnit(FMTDATA));
        thin.assertGood();
        assertEquals(CHUNKS, thin.device.writes, "a pattern is written, not deallocated");
        assertEveryBlockHolds(thin, 0xAB, 0xCD);
        // The default pattern (type 00h) is zeros: deallocated on a thin unit.
        final int defaults = list(thin.buffer, FOV | IP, 0, 0x00, 0, 0);
        thin.run(defaults, formatUnit(FMTDATA));
        thin.assertGood();
        assertEquals(1, thin.device.unmaps);
        assertEveryBlockHolds(thin, 0);
    }

    @Test
    void withImmedEveryOtherCommandMeetsFormatInProgressUntilItEnds()
    {
        final ScsiTask own = new ScsiTask();
        final int[] completions = new int[1];
        own.listener(t -> completions[0]++);
        final MemorySegment data = Arena.ofAuto().allocate(4096, 4096);
        thick.device.deferred = true;
        thick.drainAfterRun = false;
        thick.start(own, thick.nexus, data, list(data, IMMED), formatUnit(FMTDATA));   // sg_format's default
        assertEquals(1, completions[0], "IMMED: status at once");
        assertEquals(ScsiStatus.GOOD, own.status());
        thick.device.drain(3);
        assertEquals(1, thick.lu.status().formatState());
        assertEquals(Sanitize.IDLE, thick.lu.status().sanitizeState(), "not a sanitize operation");
        thick.run(thick.other, 0, 0, 0, 0, 0, 0, 0);   // TEST UNIT READY: what sg_format polls
        thick.assertSense(SenseKey.NOT_READY, Asc.FORMAT_IN_PROGRESS);
        final int progress = (thick.sense(16) << 8) | thick.sense(17);
        assertTrue((thick.sense(15) & 0x80) != 0 && progress >= 3 * 65535 / CHUNKS - 1 && progress < 65535,
            "progress " + progress);
        thick.run(thick.other, 4096, LuHarness.cdb16(0x88, 0, 0, 8));   // READ(16)
        thick.assertSense(SenseKey.NOT_READY, Asc.FORMAT_IN_PROGRESS);
        thick.run(thick.nexus, 0, formatUnit(0));   // a second FORMAT UNIT
        thick.assertSense(SenseKey.NOT_READY, Asc.FORMAT_IN_PROGRESS);
        thick.run(thick.other, 96, 0x12, 0, 0, 0, 96, 0);   // INQUIRY
        thick.assertGood();
        thick.run(thick.other, 18, 0x03, 0, 0, 0, 18, 0);   // REQUEST SENSE: GOOD, the format's sense data
        thick.assertGood();
        assertEquals(SenseKey.NOT_READY, thick.in(2) & 0x0F);
        assertEquals(Asc.FORMAT_IN_PROGRESS, (thick.in(12) << 8) | thick.in(13));
        assertEquals(4, thick.device.writes, "three chunks done, the fourth in flight: nothing else written");
        thick.device.drain();
        assertEquals(0, thick.lu.status().formatState());
        thick.run(thick.other, 0, 0, 0, 0, 0, 0, 0);
        thick.assertGood();
        assertEveryBlockHolds(thick, 0);
    }

    @Test
    void aFailedFormatLeavesTheMediumFormatCorruptedUntilOneCompletes()
    {
        thick.device.failWithErrno = 5;
        thick.run(0, formatUnit(0));
        thick.assertSense(SenseKey.MEDIUM_ERROR, Asc.FORMAT_COMMAND_FAILED);
        assertEquals(2, thick.lu.status().formatState());
        assertEquals(Sanitize.IDLE, thick.lu.status().sanitizeState());
        thick.device.failWithErrno = 0;
        thick.run(thick.other, 4096, LuHarness.cdb16(0x88, 0, 0, 8));
        thick.assertSense(SenseKey.MEDIUM_ERROR, Asc.MEDIUM_FORMAT_CORRUPTED);
        thick.run(thick.other, 18, 0x03, 0, 0, 0, 18, 0);
        thick.assertGood();
        assertEquals(Asc.MEDIUM_FORMAT_CORRUPTED, (thick.in(12) << 8) | thick.in(13));
        thick.run(thick.other, 96, 0x12, 0, 0, 0, 96, 0);
        thick.assertGood();
        thick.run(0, formatUnit(0));
        thick.assertGood();
        assertEquals(0, thick.lu.status().formatState());
        thick.run(thick.other, 4096, LuHarness.cdb16(0x88, 0, 0, 8));
        thick.assertGood();

        // A SANITIZE that completes initializes every block too: it also leaves the state.
        thin.device.failWithErrno = 5;
        thin.run(0, formatUnit(0));
        thin.assertSense(SenseKey.MEDIUM_ERROR, Asc.FORMAT_COMMAND_FAILED);
        thin.device.failWithErrno = 0;
        thin.run(0, 0x48, 0x02, 0, 0, 0, 0, 0, 0, 0, 0);   // SANITIZE BLOCK ERASE
        thin.assertGood();
        assertEquals(0, thin.lu.status().formatState());
    }

    @Test
    void badCdbsAndListsAreRefusedBeforeAnythingIsWritten()
    {
        thin.run(0, formatUnit(0x80));   // FMTPINFO: no protection information
        thin.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        thin.assertFieldPointer(true, 1, 7);
        thin.run(0, FORMAT_UNIT, 0, 0, 0, 0x01, 0);   // FFMT 01b: no fast format
        thin.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        thin.assertFieldPointer(true, 4, 1);
        thin.run(2, formatUnit(FMTDATA));   // a list shorter than its header
        thin.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
        list(thin.buffer, 0);   // the long header's eight bytes, with a defect list of 8
        thin.buffer.set(ValueLayout.JAVA_INT_UNALIGNED, 4, Integer.reverseBytes(8));
        thin.run(16, formatUnit(FMTDATA | LONGLIST));
        thin.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        thin.assertFieldPointer(false, 4, -1);
        int length = list(thin.buffer, DCRT);   // DCRT without FOV
        thin.run(length, formatUnit(FMTDATA));
        thin.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        thin.assertFieldPointer(false, 1, 5);
        length = list(thin.buffer, 0);
        thin.buffer.set(ValueLayout.JAVA_BYTE, 0, (byte)0x01);   // PROTECTION FIELD USAGE
        thin.run(length, formatUnit(FMTDATA));
        thin.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        thin.assertFieldPointer(false, 0, 2);
        length = list(thin.buffer, 0, 0, 0);
        thin.buffer.set(ValueLayout.JAVA_BYTE, 3, (byte)4);   // DEFECT LIST LENGTH
        thin.run(length, formatUnit(FMTDATA));
        thin.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        thin.assertFieldPointer(false, 2, -1);
        length = list(thin.buffer, FOV | IP, 0, 0x01, 0, 4, 0xAB);   // a pattern longer than what was sent
        thin.run(length, formatUnit(FMTDATA));
        thin.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
        length = list(thin.buffer, FOV | IP, 0, 0x02, 0, 0);   // pattern type 02h: reserved
        thin.run(length, formatUnit(FMTDATA));
        thin.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        thin.assertFieldPointer(false, 5, -1);
        length = list(thin.buffer, FOV | IP, 0x40, 0x01, 0, 1, 0xAB);   // IP MODIFIER
        thin.run(length, formatUnit(FMTDATA));
        thin.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        thin.assertFieldPointer(false, 4, 7);
        assertNothingWritten(thin);

        final LuHarness readOnly = new LuHarness(BLOCKS, BLOCK, true, true).ready();
        readOnly.device.disk().fill((byte)0x11);
        readOnly.run(0, formatUnit(0));
        readOnly.assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
        assertNothingWritten(readOnly);
        thin.run(thin.other, 0, 0x16, 0, 0, 0, 0, 0);   // RESERVE(6) by another initiator
        thin.assertGood();
        thin.run(0, formatUnit(0));
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, thin.task.status());
        assertNothingWritten(thin);
    }

    @Test
    void reportSupportedOperationCodesDescribesIt()
    {
        thin.run(64, 0xA3, 0x0C, 0x01, FORMAT_UNIT, 0, 0, 0, 0, 0, 64, 0, 0);
        thin.assertGood();
        assertEquals(0x03, thin.in(1) & 0x07, "supported, as the standard says");
        assertEquals(6, (thin.in(2) << 8) | thin.in(3));
        final int[] usage = {0x04, 0xF0, 0x00, 0x00, 0x03, 0x04};
        for (int i = 0; i < usage.length; i++)
        {
            assertEquals(usage[i], thin.in(4 + i), "CDB usage data byte " + i);
        }
    }
}
