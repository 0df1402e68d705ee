package io.ringtarget.scsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SANITIZE (SBC-4 4.11 and the SANITIZE command) on an 8 MiB unit of 512-byte blocks over memory: eight 1 MiB
 * chunks per overwrite pass, so a test can hold the operation between steps (a deferred device) and see what every
 * other command meets meanwhile. The libiscsi Sanitize suite runs against real backstores in native-tests.
 */
class SanitizeTest
{
    private static final int SANITIZE = 0x48;
    private static final int OVERWRITE = 0x01;
    private static final int BLOCK_ERASE = 0x02;
    private static final int CRYPTOGRAPHIC_ERASE = 0x03;
    private static final int EXIT_FAILURE_MODE = 0x1F;
    private static final int IMMED = 0x80;
    private static final int AUSE = 0x20;
    private static final int BLOCKS = 16384;
    private static final int BLOCK = 512;
    private static final long CAPACITY = (long)BLOCKS * BLOCK;
    private static final int CHUNKS_PER_PASS = (int)(CAPACITY / Sanitize.WRITE_CHUNK_BYTES);

    private final LuHarness h = new LuHarness(BLOCKS, BLOCK, true, false).ready();
    private final ScsiTask own = new ScsiTask();
    private final MemorySegment ownData = Arena.ofAuto().allocate(8192, 4096);
    private int ownCompletions;

    SanitizeTest()
    {
        own.listener(t -> ownCompletions++);
        h.device.disk().fill((byte)0x11);
    }

    private static int[] sanitize(final int flags, final int parameterListLength)
    {
        return new int[] {SANITIZE, flags, 0, 0, 0, 0, 0, parameterListLength >>> 8, parameterListLength & 0xFF, 0};
    }

    /** OVERWRITE's parameter list in the harness buffer: the header and the pattern; returns its length. */
    private int overwriteList(final int first, final byte... pattern)
    {
        h.buffer.set(ValueLayout.JAVA_BYTE, 0, (byte)first);
        h.buffer.set(ValueLayout.JAVA_BYTE, 1, (byte)0);
        h.buffer.set(ValueLayout.JAVA_BYTE, 2, (byte)(pattern.length >>> 8));
        h.buffer.set(ValueLayout.JAVA_BYTE, 3, (byte)pattern.length);
        MemorySegment.copy(pattern, 0, h.buffer, ValueLayout.JAVA_BYTE, 4, pattern.length);
        return 4 + pattern.length;
    }

    private void startOwn(final int flags, final int first, final byte... pattern)
    {
        final int length = 4 + pattern.length;
        ownData.set(ValueLayout.JAVA_BYTE, 0, (byte)first);
        ownData.set(ValueLayout.JAVA_BYTE, 1, (byte)0);
        ownData.set(ValueLayout.JAVA_BYTE, 2, (byte)(pattern.length >>> 8));
        ownData.set(ValueLayout.JAVA_BYTE, 3, (byte)pattern.length);
        MemorySegment.copy(pattern, 0, ownData, ValueLayout.JAVA_BYTE, 4, pattern.length);
        h.start(own, h.nexus, ownData, length, sanitize(flags | OVERWRITE, length));
    }

    private int disk(final long offset)
    {
        return h.device.disk().get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    private void assertEveryBlockHolds(final int... pattern)
    {
        for (long block = 0; block < BLOCKS; block += 1021)
        {
            for (int o = 0; o < BLOCK; o += 97)
            {
                assertEquals(pattern[o % pattern.length], disk(block * BLOCK + o), "block " + block + " byte " + o);
            }
        }
        assertEquals(pattern[(BLOCK - 1) % pattern.length], disk(CAPACITY - 1), "last byte");
    }

    private void assertInProgress(final ScsiTask t)
    {
        assertEquals(ScsiStatus.CHECK_CONDITION, t.status());
        assertEquals(SenseKey.NOT_READY, h.sense(2) & 0x0F);
        assertEquals(Asc.SANITIZE_IN_PROGRESS, (h.sense(12) << 8) | h.sense(13));
        assertTrue((h.sense(15) & 0x80) != 0, "SKSV: a progress indication");
    }

    @Test
    void theProgressOfThirtyOnePassesOverSixteenTebibytesDoesNotOverflow()
    {
        final long total = 31L * (16L << 40);   // 2^53 bytes: times 65535 is past a long
        assertEquals(32767, Sanitize.progressOf(total / 2, total));
        assertEquals(65535, Sanitize.progressOf(total, total));
        assertEquals(0, Sanitize.progressOf(0, total));
        assertEquals(0, Sanitize.progressOf(5, 0));
    }

    @Test
    void overwriteWritesThePatternFromTheStartOfEveryBlock()
    {
        final int length = overwriteList(1, (byte)0xDE, (byte)0xAD, (byte)0xBE);
        h.run(length, sanitize(OVERWRITE, length));
        h.assertGood();
        assertEveryBlockHolds(0xDE, 0xAD, 0xBE);   // 512 is no multiple of 3: each block starts the pattern again
        assertEquals(CHUNKS_PER_PASS, h.device.writes);
        assertEquals(1, h.device.flushes, "flushed once at the end");
        assertEquals(Sanitize.IDLE, h.lu.status().sanitizeState());
        assertEquals(1, h.lu.status().sanitizeCompletedCount());
        h.run(0, 0, 0, 0, 0, 0, 0);
        h.assertGood();
    }

    @Test
    void passesAlternateWithInvertAndTheLastWritesThePatternAsGiven()
    {
        h.device.deferred = true;
        h.drainAfterRun = false;
        startOwn(IMMED, 0x80 | 2, (byte)0x0F);   // INVERT, two passes: the first inverted
        assertEquals(1, ownCompletions, "IMMED: status at once");
        assertEquals(ScsiStatus.GOOD, own.status());
        h.device.drain(CHUNKS_PER_PASS);
        assertEquals(0xF0, disk(0));
        assertEquals(0xF0, disk(CAPACITY - 1));
        h.device.drain();
        assertEveryBlockHolds(0x0F);
        assertEquals(2 * CHUNKS_PER_PASS, h.device.writes);
        assertEquals(Sanitize.IDLE, h.lu.status().sanitizeState());
    }

    @Test
    void whileItRunsOnlyInquiryReportLunsAndRequestSenseAreProcessed()
    {
        h.device.deferred = true;
        h.drainAfterRun = false;
        startOwn(IMMED, 1, (byte)0xAB);
        h.device.drain(3);
        assertEquals(Sanitize.IN_PROGRESS, h.lu.status().sanitizeState());
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);   // TEST UNIT READY, another initiator
        assertInProgress(h.task);
        final int progress = (h.sense(16) << 8) | h.sense(17);
        assertTrue(progress >= 3 * 65535 / CHUNKS_PER_PASS - 1 && progress < 65535, "progress " + progress);
        h.run(h.other, 4096, LuHarness.cdb16(0x88, 0, 0, 8));   // READ(16)
        assertInProgress(h.task);
        h.run(h.nexus, 4096, LuHarness.cdb16(0x8A, 0, 0, 8));   // WRITE(16)
        assertInProgress(h.task);
        final int length = overwriteList(1, (byte)0x01);
        h.run(h.other, length, sanitize(OVERWRITE, length));   // a second SANITIZE
        assertInProgress(h.task);
        h.run(h.other, 96, 0x12, 0, 0, 0, 96, 0);   // INQUIRY
        h.assertGood();
        h.run(h.other, 18, 0x03, 0, 0, 0, 18, 0);   // REQUEST SENSE: GOOD, the sanitize's sense data
        h.assertGood();
        assertEquals(SenseKey.NOT_READY, h.in(2) & 0x0F);
        assertEquals(Asc.SANITIZE_IN_PROGRESS, (h.in(12) << 8) | h.in(13));
        assertTrue((h.in(15) & 0x80) != 0, "progress indication");
        assertEquals(4, h.device.writes, "three chunks done, the fourth in flight: nothing else reached the medium");
        h.device.drain();
        assertEquals(Sanitize.IDLE, h.lu.status().sanitizeState());
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();
        assertEveryBlockHolds(0xAB);
    }

    @Test
    void anAbortedSanitizeEndsAndItsOperationGoesOn()
    {
        h.device.deferred = true;
        h.drainAfterRun = false;
        startOwn(0, 1, (byte)0x5A);   // IMMED=0: the command waits for the end
        h.device.drain(2);
        assertEquals(0, ownCompletions, "still waiting");
        own.abort();   // ABORT TASK, a LUN reset or its connection closing
        h.device.drain(1);
        assertEquals(1, ownCompletions, "ended at the next step");
        assertEquals(ScsiStatus.TASK_ABORTED, own.status());
        assertEquals(Sanitize.IN_PROGRESS, h.lu.status().sanitizeState());
        h.device.drain();
        assertEquals(1, ownCompletions, "never completed twice");
        assertEquals(Sanitize.IDLE, h.lu.status().sanitizeState());
        assertEveryBlockHolds(0x5A);
    }

    @Test
    void aSanitizeWithoutImmedEndsWhenTheOperationDoes()
    {
        h.device.deferred = true;
        h.drainAfterRun = false;
        startOwn(0, 1, (byte)0x77);
        h.device.drain(CHUNKS_PER_PASS - 1);
        assertEquals(0, ownCompletions);
        h.device.drain();
        assertEquals(1, ownCompletions);
        assertEquals(ScsiStatus.GOOD, own.status());
    }

    @Test
    void aBackstoreThatCompletesBeforeReturningGivesItsLoopATurnBetweenSteps()
    {
        h.device.continuesLater = true;
        h.drainAfterRun = false;
        startOwn(IMMED, 1, (byte)0x42);
        assertEquals(1, h.device.writes, "one chunk, then the loop's turn");
        assertEquals(1, h.device.pendingCount());
        h.device.drain();
        assertEquals(CHUNKS_PER_PASS, h.device.writes);
        assertEquals(CHUNKS_PER_PASS - 1, h.device.turns);
        assertEveryBlockHolds(0x42);
    }

    @Test
    void blockEraseDeallocatesEveryBlock()
    {
        h.run(0, sanitize(BLOCK_ERASE, 0));
        h.assertGood();
        assertEquals(1, h.device.unmaps, "8 MiB in one step");
        assertEveryBlockHolds(0);
        // Block Device Characteristics: WABEREQ 01b, a read after a block erase completes.
        h.run(64, 0x12, 0x01, 0xB1, 0, 64, 0);
        h.assertGood();
        assertEquals(0x40, h.in(7) & 0xC0);
    }

    @Test
    void aUnitWhoseDeallocatedBlocksDoNotReadZerosHasNoBlockErase()
    {
        final LuHarness thick = new LuHarness(BLOCKS, BLOCK, false, false).ready();
        thick.run(0, sanitize(BLOCK_ERASE, 0));
        thick.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        thick.assertFieldPointer(true, 1, 4);
        assertEquals(0, thick.device.unmaps);
        thick.run(64, 0x12, 0x01, 0xB1, 0, 64, 0);
        assertEquals(0, thick.in(7) & 0xC0, "WABEREQ 0");
        // REPORT SUPPORTED OPERATION CODES, one command with service action: OVERWRITE yes, BLOCK ERASE no.
        thick.run(64, 0xA3, 0x0C, 0x02, SANITIZE, 0, OVERWRITE, 0, 0, 0, 64, 0, 0);
        thick.assertGood();
        assertEquals(0x03, thick.in(1) & 0x07);
        assertEquals(0xA1, thick.in(5), "CDB usage data byte 1: IMMED, AUSE, the service action");
        thick.run(64, 0xA3, 0x0C, 0x02, SANITIZE, 0, BLOCK_ERASE, 0, 0, 0, 64, 0, 0);
        thick.assertGood();
        assertEquals(0x01, thick.in(1) & 0x07);
        assertEquals(SupportedOperationCodes.count(false, false), listed(thick, -1));
        assertEquals(SupportedOperationCodes.count(false, true), listed(h, -1));
        assertEquals(3, listed(h, SANITIZE));
        assertEquals(2, listed(thick, SANITIZE));
    }

    /** REPORT SUPPORTED OPERATION CODES, all commands: how many descriptors (of one opcode, or -1 all). */
    private static int listed(final LuHarness u, final int opcode)
    {
        u.run(8192, 0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0);
        u.assertGood();
        final int length = (u.in(2) << 8) | u.in(3);
        int n = 0;
        for (int o = 4; o < length + 4; o += 8)
        {
            n += opcode < 0 || u.in(o) == opcode ? 1 : 0;
        }
        return n;
    }

    @Test
    void aFailedOperationLeavesTheUnitInTheFailureModeUntilOneCompletes()
    {
        h.device.failWithErrno = 5;
        int length = overwriteList(1, (byte)0x33);
        h.run(length, sanitize(OVERWRITE, length));
        h.assertSense(SenseKey.MEDIUM_ERROR, Asc.SANITIZE_COMMAND_FAILED);
        assertEquals(Sanitize.FAILED, h.lu.status().sanitizeState());
        assertEquals(1, h.lu.status().sanitizeFailureCount());
        h.device.failWithErrno = 0;
        h.run(h.other, 4096, LuHarness.cdb16(0x88, 0, 0, 8));
        h.assertSense(SenseKey.MEDIUM_ERROR, Asc.SANITIZE_COMMAND_FAILED);
        h.run(h.other, 18, 0x03, 0, 0, 0, 18, 0);
        h.assertGood();
        assertEquals(SenseKey.MEDIUM_ERROR, h.in(2) & 0x0F);
        h.run(h.other, 96, 0x12, 0, 0, 0, 96, 0);
        h.assertGood();
        // AUSE was 0: the restricted completion mode. EXIT FAILURE MODE and a request for the unrestricted one fail.
        h.run(0, sanitize(EXIT_FAILURE_MODE, 0));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        length = overwriteList(1, (byte)0x33);
        h.run(length, sanitize(AUSE | OVERWRITE, length));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 5);
        // Only a sanitize operation that completes leaves it.
        h.run(0, sanitize(BLOCK_ERASE, 0));
        h.assertGood();
        assertEquals(Sanitize.IDLE, h.lu.status().sanitizeState());
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();
    }

    @Test
    void withAuseExitFailureModeLeavesIt()
    {
        h.device.failWithErrno = 28;
        h.run(0, sanitize(AUSE | BLOCK_ERASE, 0));
        h.assertSense(SenseKey.MEDIUM_ERROR, Asc.SANITIZE_COMMAND_FAILED);
        h.device.failWithErrno = 0;
        h.run(0, sanitize(EXIT_FAILURE_MODE, 0));
        h.assertGood();
        assertEquals(Sanitize.IDLE, h.lu.status().sanitizeState());
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();
        h.run(0, sanitize(EXIT_FAILURE_MODE, 0));   // not in the failure mode: nothing to leave
        h.assertGood();
    }

    @Test
    void badParametersAreRefusedBeforeAnythingIsWritten()
    {
        for (int length = 0; length <= 4; length++)
        {
            h.run(length, sanitize(OVERWRITE, length));
            h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
            h.assertFieldPointer(true, 7, -1);
        }
        h.run(BLOCK + 5, sanitize(OVERWRITE, BLOCK + 5));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        int length = overwriteList(0, (byte)1);   // OVERWRITE COUNT 0
        h.run(length, sanitize(OVERWRITE, length));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 0, 4);
        length = overwriteList(0x21, (byte)1);   // TEST 01b
        h.run(length, sanitize(OVERWRITE, length));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 0, 6);
        length = overwriteList(1);   // INITIALIZATION PATTERN LENGTH 0
        h.run(8, sanitize(OVERWRITE, 8));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 2, -1);
        overwriteList(1, new byte[8]);   // an 8-byte pattern of which the list holds 4
        h.run(8, sanitize(OVERWRITE, 8));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
        length = overwriteList(1, new byte[BLOCK]);
        h.buffer.set(ValueLayout.JAVA_BYTE, 2, (byte)0x02);   // INITIALIZATION PATTERN LENGTH 600 > 512
        h.buffer.set(ValueLayout.JAVA_BYTE, 3, (byte)0x58);
        h.run(length, sanitize(OVERWRITE, length));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.run(0, sanitize(CRYPTOGRAPHIC_ERASE, 0));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 4);
        h.run(0, sanitize(0x04, 0));   // a reserved service action
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.run(8, sanitize(EXIT_FAILURE_MODE, 8));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 7, -1);
        h.run(8, sanitize(BLOCK_ERASE, 8));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.run(0, sanitize(0x40 | BLOCK_ERASE, 0));   // ZNR: this unit is not zoned
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 6);
        for (int reserved = 2; reserved <= 6; reserved++)
        {
            final int[] cdb = sanitize(BLOCK_ERASE, 0);
            cdb[reserved] = reserved;
            h.run(0, cdb);
            h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
            h.assertFieldPointer(true, reserved, -1);
        }
        assertEquals(0, h.device.writes);
        assertEquals(0, h.device.unmaps);
        assertEquals(Sanitize.IDLE, h.lu.status().sanitizeState());
        assertEquals(0x11, disk(0));
    }

    @Test
    void aWriteProtectedUnitOrAReservationElsewhereRefusesIt()
    {
        final LuHarness readOnly = new LuHarness(BLOCKS, BLOCK, true, true).ready();
        readOnly.run(0, sanitize(BLOCK_ERASE, 0));
        readOnly.assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
        assertEquals(0, readOnly.device.unmaps);
        h.run(h.other, 0, 0x16, 0, 0, 0, 0, 0);   // RESERVE(6) by another initiator
        h.assertGood();
        h.run(0, sanitize(BLOCK_ERASE, 0));
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, h.task.status());
        assertEquals(0, h.device.unmaps);
        assertEquals(Sanitize.IDLE, h.lu.status().sanitizeState());
    }
}
