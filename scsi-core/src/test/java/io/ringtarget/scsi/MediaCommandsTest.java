package io.ringtarget.scsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaCommandsTest
{
    private LuHarness h = new LuHarness().ready();

    private int disk(final long offset)
    {
        return h.device.disk().get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    private void diskFill(final long offset, final int length, final int value)
    {
        h.device.disk().asSlice(offset, length).fill((byte)value);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void writeThenReadAllSizes(final boolean deferred)
    {
        h.device.deferred = deferred;
        h.fill(0, 4 * 512, 0xA5);
        h.run(4 * 512, LuHarness.cdb10(0x2A, 0, 10, 4));
        h.assertGood();
        assertEquals(0xA5, disk(10 * 512));
        assertEquals(0xA5, disk(14 * 512 - 1));
        assertEquals(0, disk(14 * 512));

        h.fill(0, 8192, 0);
        h.run(4 * 512, LuHarness.cdb16(0x88, 0, 10, 4));
        h.assertGood();
        assertEquals(2048, h.task.dataInLength());
        assertEquals(0xA5, h.in(2047));
        assertFalse(h.task.residualOverflow() || h.task.residualUnderflow());

        h.run(512, 0x08, 0, 0, 10, 1, 0);
        h.assertGood();
        assertEquals(512, h.task.dataInLength());

        h.run(2048, 0xA8, 0, 0, 0, 0, 10, 0, 0, 0, 4, 0, 0);
        h.assertGood();
        assertEquals(2048, h.task.dataInLength());

        h.fill(0, 512, 0x11);
        h.run(512, 0x0A, 0, 0, 20, 1, 0);
        h.assertGood();
        assertEquals(0x11, disk(20 * 512));
        h.fill(0, 512, 0x12);
        h.run(512, 0xAA, 0, 0, 0, 0, 21, 0, 0, 0, 1, 0, 0);
        h.assertGood();
        assertEquals(0x12, disk(21 * 512));
        h.fill(0, 512, 0x13);
        h.run(512, LuHarness.cdb16(0x8A, 0x08, 22, 1));
        h.assertGood();
        assertEquals(0x13, disk(22 * 512));
        assertEquals(1, h.device.fuaWrites, "FUA passed through");
    }

    @Test
    void read6ZeroMeans256Blocks()
    {
        h.run(256 * 512, 0x08, 0, 0, 0, 0, 0);
        h.assertGood();
        assertEquals(256 * 512, h.task.dataInLength());
    }

    @Test
    void zeroLengthTransfersAreGoodButStillRangeChecked()
    {
        h.run(0, LuHarness.cdb10(0x28, 0, 2048, 0));
        h.assertGood();
        h.run(0, LuHarness.cdb10(0x28, 0, 2049, 0));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(0, LuHarness.cdb10(0x2A, 0, 0, 0));
        h.assertGood();
        assertEquals(0, h.device.writes);
    }

    @Test
    void outOfRange()
    {
        h.run(1024, LuHarness.cdb10(0x28, 0, 2047, 2));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(512, LuHarness.cdb16(0x88, 0, 0xFFFF_FFFF_FFFF_FFFFL, 1));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(512, LuHarness.cdb16(0x88, 0, 1, 0xFFFF_FFFFL));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.run(512, LuHarness.cdb16(0x8A, 0, 0x8000_0000_0000_0000L, 1));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        h.run(512, LuHarness.cdb16(0x88, 0, 2047, 1));
        h.assertGood();
        assertEquals(0, h.device.writes);
    }

    @Test
    void maxTransferLength()
    {
        // MAXIMUM TRANSFER LENGTH 16 MiB (SBC-3 6.5.3): one block more is refused whatever the LBA range says.
        final LuHarness big = new LuHarness(1L << 17, 512, true, false);
        big.run(512, LuHarness.cdb16(0x88, 0, 0, 32769));
        big.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        big.assertFieldPointer(true, 10, -1);
        big.run(512, LuHarness.cdb16(0x8A, 0, 0, 32769));
        big.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        final LuHarness b4k = new LuHarness(8192, 4096, true, false);
        b4k.run(4096, LuHarness.cdb16(0x88, 0, 0, 4097));
        b4k.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
    }

    @Test
    void sixteenMebibyteWriteAndReadBack()
    {
        final int bytes = LogicalUnit.DEFAULT_MAX_TRANSFER_BYTES;
        final LuHarness big = new LuHarness(1L << 17, 512, true, false);
        final MemorySegment data = Arena.ofAuto().allocate(bytes, 4096);
        for (long i = 0; i < bytes; i += 8)
        {
            data.set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E37_79B9_7F4A_7C15L);
        }
        big.run(big.nexus, data, bytes, LuHarness.cdb16(0x8A, 0, 1000, bytes / 512));
        big.assertGood();
        assertEquals(0, big.task.residualCount());
        final MemorySegment back = Arena.ofAuto().allocate(bytes, 4096);
        big.run(big.nexus, back, bytes, LuHarness.cdb16(0x88, 0, 1000, bytes / 512));
        big.assertGood();
        assertEquals(bytes, big.task.dataInLength());
        assertEquals(-1, data.mismatch(back), "16 MiB read back as written");
    }

    @Test
    void protectionFieldsRejected()
    {
        h.run(512, LuHarness.cdb10(0x28, 0x20, 0, 1));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 7);
    }

    @Test
    void writeResiduals()
    {
        // EDTL 0, one block: GOOD, overflow of one block, nothing written (libiscsi test_write10_residuals).
        h.run(0, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertGood();
        assertTrue(h.task.residualOverflow());
        assertEquals(512, h.task.residualCount());
        assertEquals(0, h.device.writes);

        h.run(10000, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertGood();
        assertTrue(h.task.residualUnderflow());
        assertEquals(10000 - 512, h.task.residualCount());

        h.run(200, LuHarness.cdb10(0x2A, 0, 0, 1));
        assertTrue(h.task.residualOverflow());
        assertEquals(512 - 200, h.task.residualCount());

        // Two blocks of 'a', then two blocks of 'b' with EDTL one block: only the first changes.
        h.fill(0, 1024, 'a');
        h.run(1024, LuHarness.cdb10(0x2A, 0, 0, 2));
        h.fill(0, 1024, 'b');
        h.run(512, LuHarness.cdb10(0x2A, 0, 0, 2));
        h.assertGood();
        assertTrue(h.task.residualOverflow());
        assertEquals(512, h.task.residualCount());
        assertEquals('b', disk(0));
        assertEquals('a', disk(512));

        // EDTL two blocks, one block written.
        h.fill(0, 1024, 'c');
        h.run(1024, LuHarness.cdb10(0x2A, 0, 0, 1));
        assertTrue(h.task.residualUnderflow());
        assertEquals(512, h.task.residualCount());
        assertEquals('c', disk(0));
        assertEquals('a', disk(512));
    }

    @Test
    void readResiduals()
    {
        h.run(0, LuHarness.cdb10(0x28, 0, 0, 1));
        h.assertGood();
        assertTrue(h.task.residualOverflow());
        assertEquals(512, h.task.residualCount());
        assertEquals(0, h.task.dataInLength());

        h.run(10000, LuHarness.cdb10(0x28, 0, 0, 1));
        h.assertGood();
        assertTrue(h.task.residualUnderflow());
        assertEquals(512, h.task.dataInLength());

        h.run(200, LuHarness.cdb10(0x28, 0, 0, 1));
        h.assertGood();
        assertEquals(200, h.task.dataInLength());
        assertEquals(312, h.task.residualCount());
    }

    @Test
    void readOnly()
    {
        h = new LuHarness(2048, 512, true, true).ready();
        h.run(512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
        h.run(512, LuHarness.cdb16(0x93, 0x08, 0, 1));
        h.assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
        h.run(512, LuHarness.cdb10(0x28, 0, 0, 1));
        h.assertGood();
        h.run(255, 0x1A, 0, 0x3F, 0, 255, 0);
        assertEquals(0x90, h.in(2), "WP and DPOFUA");
    }

    @Test
    void ioErrorsBecomeMediumErrors()
    {
        h.device.failWithErrno = 5;
        h.run(512, LuHarness.cdb10(0x28, 0, 0, 1));
        h.assertSense(SenseKey.MEDIUM_ERROR, Asc.UNRECOVERED_READ_ERROR);
        h.run(512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertSense(SenseKey.MEDIUM_ERROR, Asc.WRITE_ERROR);
        h.device.failWithErrno = 28;
        h.run(512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertSense(SenseKey.DATA_PROTECT, Asc.SPACE_ALLOCATION_FAILED_WRITE_PROTECT);
        assertEquals(3, h.lu.status().ioErrorCount());
    }

    @Test
    void aFencedBackstoreAnswersNotReadyUnavailableForEveryMediaCommand()
    {
        // ESHUTDOWN: another gateway took the storage over (an RBD client blocklisted). NOT READY is a path error for
        // multipath, so the initiator retries on another path instead of failing the I/O.
        h.device.failWithErrno = 108;
        h.run(512, LuHarness.cdb10(0x28, 0, 0, 1));
        h.assertSense(SenseKey.NOT_READY, Asc.TARGET_PORT_IN_UNAVAILABLE_STATE);
        h.run(512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertSense(SenseKey.NOT_READY, Asc.TARGET_PORT_IN_UNAVAILABLE_STATE);
        h.run(0, LuHarness.cdb10(0x35, 0, 0, 0));
        h.assertSense(SenseKey.NOT_READY, Asc.TARGET_PORT_IN_UNAVAILABLE_STATE);
        h.run(512, LuHarness.cdb16(0x93, 0x08, 0, 1));
        h.assertSense(SenseKey.NOT_READY, Asc.TARGET_PORT_IN_UNAVAILABLE_STATE);
        assertEquals(4, h.lu.status().ioErrorCount());
    }

    @Test
    void synchronizeCacheFlushes()
    {
        h.run(0, LuHarness.cdb10(0x35, 0, 0, 0));
        h.assertGood();
        h.run(0, LuHarness.cdb16(0x91, 0, 0, 0));
        h.assertGood();
        assertEquals(2, h.device.flushes);
        h.run(0, LuHarness.cdb16(0x91, 0, 4096, 1));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void compareAndWrite(final boolean deferred)
    {
        h.device.deferred = deferred;
        diskFill(512 * 5, 1024, 'x');
        h.fill(0, 1024, 'x');
        h.fill(1024, 1024, 'y');
        h.run(2048, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0);
        h.assertGood();
        assertEquals('y', disk(512 * 5));
        assertEquals('y', disk(512 * 7 - 1));

        // Miscompare at byte 700 of the verify half: MISCOMPARE, INFORMATION = 700, nothing written.
        h.fill(0, 1024, 'y');
        h.buffer.set(ValueLayout.JAVA_BYTE, 700, (byte)'q');
        h.fill(1024, 1024, 'z');
        h.run(2048, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0);
        assertEquals(ScsiStatus.CHECK_CONDITION, h.task.status());
        assertEquals(0xF0, h.sense(0), "VALID + fixed");
        assertEquals(SenseKey.MISCOMPARE, h.sense(2));
        assertEquals(0x1D, h.sense(12));
        assertEquals(700, (h.sense(5) << 8) | h.sense(6));
        assertEquals('y', disk(512 * 5));

        // The range lock was released on both paths.
        h.fill(0, 1024, 'y');
        h.run(2048, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0);
        h.assertGood();
    }

    @Test
    void compareAndWriteLimits()
    {
        h.run(0, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0);
        h.assertGood();
        h.run(512 * 512, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 200, 0, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 13, -1);
        h.run(1024, 0x89, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00, 0, 0, 0, 1, 0, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        // Data-Out must be exactly 2 x blocks: more, less, or any with 0 blocks is an error.
        h.run(4096, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.run(1024, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.run(512 * 512, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        assertEquals(0, h.device.writes);
    }

    @Test
    void verifyByteCheck()
    {
        diskFill(0, 4096, 'v');
        h.run(0, LuHarness.cdb10(0x2F, 0, 0, 8));
        h.assertGood();
        h.fill(0, 4096, 'v');
        h.run(4096, LuHarness.cdb10(0x2F, 0x02, 0, 8));
        h.assertGood();
        h.buffer.set(ValueLayout.JAVA_BYTE, 3000, (byte)0);
        h.run(4096, LuHarness.cdb16(0x8F, 0x02, 0, 8));
        h.assertSense(SenseKey.MISCOMPARE, Asc.MISCOMPARE_DURING_VERIFY);
        assertEquals(3000, (h.sense(5) << 8) | h.sense(6));
        h.run(512, LuHarness.cdb10(0x2F, 0x06, 0, 8));
        h.assertGood();
        h.run(512, LuHarness.cdb10(0x2F, 0x04, 0, 8));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
    }

    @Test
    void verifyLargeRangeSynchronouslyDoesNotRecurse()
    {
        // 64 MiB in 1024 chunks of 64 KiB, each completing inside the call.
        h = new LuHarness(1 << 17, 512, true, false).ready();
        h.run(0, LuHarness.cdb16(0x8F, 0, 0, 1 << 17));
        h.assertGood();
        assertEquals((1 << 17) * 512L / ScsiTask.SCRATCH_SIZE, h.device.reads);
    }

    @Test
    void writeAndVerify()
    {
        h.fill(0, 1024, 'w');
        h.run(1024, LuHarness.cdb10(0x2E, 0x02, 30, 2));
        h.assertGood();
        assertEquals('w', disk(30 * 512));
        assertEquals(1, h.device.fuaWrites);
        assertEquals(1, h.device.reads, "read back for BYTCHK=1");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void writeSameReplicatesTheBlock(final boolean deferred)
    {
        h.device.deferred = deferred;
        for (int i = 0; i < 512; i++)
        {
            h.buffer.set(ValueLayout.JAVA_BYTE, i, (byte)i);
        }
        h.run(512, LuHarness.cdb16(0x93, 0, 100, 300));
        h.assertGood();
        for (int b = 100; b < 400; b++)
        {
            assertEquals(7, disk(b * 512L + 7));
            assertEquals(255, disk(b * 512L + 255));
        }
        assertEquals(0, disk(400 * 512L + 7));
        assertEquals(0, h.device.unmaps);

        // 0 blocks (WSNZ=0): from LBA 2000 to the last one; past the end: LBA OUT OF RANGE.
        h.run(512, LuHarness.cdb10(0x41, 0, 2000, 0));
        h.assertGood();
        assertEquals(7, disk(2047 * 512L + 7));
        assertEquals(0, disk(1999 * 512L + 7));
        h.run(512, LuHarness.cdb10(0x41, 0, 2048, 0));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);

        // One block of Data-Out, no more, no less.
        h.run(1024, LuHarness.cdb10(0x41, 0, 100, 2));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.run(256, LuHarness.cdb16(0x93, 0, 100, 2));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
    }

    @Test
    void writeSameUnmapDeallocatesZeros()
    {
        diskFill(0, 512 * 64, 0x77);
        h.fill(0, 512, 0);
        h.run(512, LuHarness.cdb16(0x93, 0x08, 0, 32));
        h.assertGood();
        assertEquals(1, h.device.unmaps);
        assertEquals(0, disk(0));
        assertEquals(0x77, disk(32 * 512));

        // NDOB: no Data-Out at all.
        h.run(0, LuHarness.cdb16(0x93, 0x09, 32, 16));
        h.assertGood();
        assertEquals(2, h.device.unmaps);
        assertEquals(0, disk(32 * 512));

        // Non-zero data with UNMAP is deallocated too (the unmap request wins); without UNMAP it is written.
        diskFill(48 * 512, 4 * 512, 0x77);
        h.fill(0, 512, 0x55);
        h.run(512, LuHarness.cdb10(0x41, 0x08, 48, 4));
        h.assertGood();
        assertEquals(3, h.device.unmaps);
        assertEquals(0, disk(48 * 512));
        h.run(512, LuHarness.cdb10(0x41, 0, 48, 4));
        h.assertGood();
        assertEquals(3, h.device.unmaps);
        assertEquals(0x55, disk(48 * 512));
    }

    @Test
    void writeSameUnmapOnAThickUnitWrites()
    {
        h = new LuHarness(2048, 512, false, false).ready();
        h.fill(0, 512, 0x21);
        h.run(512, LuHarness.cdb16(0x93, 0x08, 10, 2));
        h.assertGood();
        assertEquals(0, h.device.unmaps);
        assertEquals(0x21, disk(11 * 512));
    }

    private void unmapList(final int dataLength, final int descriptorLength, final long... lbaCount)
    {
        h.fill(0, 1024, 0);
        Bytes.put16(h.buffer, 0, dataLength);
        Bytes.put16(h.buffer, 2, descriptorLength);
        for (int i = 0; i < lbaCount.length / 2; i++)
        {
            Bytes.put64(h.buffer, 8 + 16 * i, lbaCount[2 * i]);
            Bytes.put32(h.buffer, 16 + 16 * i, lbaCount[2 * i + 1]);
        }
    }

    @Test
    void unmap()
    {
        diskFill(0, 512 * 100, 0x66);
        // A zero-length descriptor in the middle is no request (and must not reach the backstore).
        unmapList(54, 48, 0, 10, 30, 0, 50, 5);
        h.run(56, 0x42, 0, 0, 0, 0, 0, 0, 0, 56, 0);
        h.assertGood();
        assertEquals(2, h.device.unmaps);
        assertEquals(0, disk(9 * 512));
        assertEquals(0x66, disk(10 * 512));
        assertEquals(0, disk(54 * 512));
        assertEquals(0x66, disk(55 * 512));
    }

    @Test
    void unmapParameterListErrors()
    {
        h.run(0, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();

        unmapList(6, 0);
        h.run(6, 0x42, 0, 0, 0, 0, 0, 0, 0, 6, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);

        unmapList(22, 64, 0, 1);
        h.run(24, 0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 2, -1);

        unmapList(22, 16, 2040, 9);
        h.run(24, 0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);

        unmapList(22, 16, 0xFFFF_FFFF_FFFF_FFF0L, 0x20);
        h.run(24, 0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);

        final long[] many = new long[2 * 65];
        for (int i = 0; i < 65; i++)
        {
            many[2 * i] = i;
            many[2 * i + 1] = 1;
        }
        unmapList(6 + 16 * 65, 16 * 65, many);
        h.run(8 + 16 * 65, 0x42, 0, 0, 0, 0, 0, 0, (8 + 16 * 65) >>> 8, (8 + 16 * 65) & 0xFF, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);

        h.run(24, 0x42, 1, 0, 0, 0, 0, 0, 0, 24, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        assertEquals(0, h.device.unmaps);
    }

    @Test
    void unmapNeedsThinProvisioning()
    {
        h = new LuHarness(2048, 512, false, false).ready();
        unmapList(22, 16, 0, 1);
        h.run(24, 0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_COMMAND_OPERATION_CODE);
    }

    @Test
    void getLbaStatus()
    {
        h.run(24, 0x9E, 0x12, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 24, 0, 0);
        h.assertGood();
        assertEquals(24, h.task.dataInLength());
        assertEquals(20, Bytes.u32(h.buffer, 0));
        assertEquals(10, Bytes.u64(h.buffer, 8));
        assertEquals(2038, Bytes.u32(h.buffer, 16));
        assertEquals(0, h.in(20), "mapped");
        h.run(24, 0x9E, 0x12, 0, 0, 0, 0, 0, 0, 0x08, 0, 0, 0, 0, 24, 0, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
    }

    @Test
    void abortedTaskCompletesWithTaskAborted()
    {
        h.device.deferred = true;
        h.task.reset();
        h.task.nexus(h.nexus).device(h.device).dataBuffer(h.buffer).expectedDataTransferLength(0)
            .cdb(LuHarnessBytes.of(LuHarness.cdb16(0x8F, 0, 0, 1024)));
        final int before = h.completions;
        assertFalse(h.lu.execute(h.task), "waits for the device");
        h.task.abort();
        h.device.drain();
        assertEquals(before + 1, h.completions);
        assertEquals(ScsiStatus.TASK_ABORTED, h.task.status());
        assertEquals(1, h.device.reads, "no further step after the abort");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void orWrite(final boolean deferred)
    {
        h.device.deferred = deferred;
        // 200 blocks: several 64 KiB chunks of read, OR, write.
        diskFill(0, 512 * 200, 0x0F);
        h.fill(0, 512 * 200, 0x30);
        h.run(512 * 200, LuHarness.cdb16(0x8B, 0, 0, 200));
        h.assertGood();
        assertEquals(0x3F, disk(0));
        assertEquals(0x3F, disk(512 * 200 - 1));
        assertEquals(0, disk(512 * 200));
        h.run(512, LuHarness.cdb16(0x8B, 0x20, 0, 1));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.run(512, LuHarness.cdb16(0x8B, 0, 2048, 1));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
    }

    @Test
    void readDefectDataReportsEmptyLists()
    {
        h.run(255, 0x37, 0, 0x18, 0, 0, 0, 0, 0, 255, 0);
        h.assertGood();
        assertEquals(4, h.task.dataInLength());
        assertEquals(0x18, h.in(1));
        assertEquals(0, h.in(3));
        h.run(255, 0xB7, 0x0D, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0);
        h.assertGood();
        assertEquals(8, h.task.dataInLength());
        assertEquals(0x0D, h.in(1));
    }

    @Test
    void overlappingCompareAndWritesOnOneLoopQueueInsteadOfBusy()
    {
        // Two COMPARE AND WRITEs of the same block in flight at once on one loop (tagged queueing): the second
        // waits for the first, then compares against what the first wrote.
        h.device.deferred = true;
        diskFill(512 * 9, 512, 'a');
        final java.lang.foreign.MemorySegment second = java.lang.foreign.Arena.ofAuto().allocate(1024, 4096);
        h.fill(0, 512, 'a');
        h.fill(512, 512, 'b');
        second.asSlice(0, 512).fill((byte)'a');
        second.asSlice(512, 512).fill((byte)'c');
        final int[] done = new int[2];
        final ScsiTask one = new ScsiTask().listener(t -> done[0]++);
        final ScsiTask two = new ScsiTask().listener(t -> done[1]++);
        final byte[] cdb = LuHarnessBytes.of(new int[]{0x89, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0});
        one.nexus(h.nexus).device(h.device).cdb(cdb).expectedDataTransferLength(1024).dataBuffer(h.buffer);
        two.nexus(h.nexus).device(h.device).cdb(cdb).expectedDataTransferLength(1024).dataBuffer(second);
        assertFalse(h.lu.execute(one));
        assertFalse(h.lu.execute(two));
        assertEquals(1, h.lu.status().compareAndWriteQueuedCount());
        h.device.drain();
        assertEquals(1, done[0]);
        assertEquals(1, done[1]);
        assertEquals(ScsiStatus.GOOD, one.status());
        assertEquals('b', disk(512 * 9));
        assertEquals(ScsiStatus.CHECK_CONDITION, two.status(), "compared against 'b', the first one's write");
        assertEquals(SenseKey.MISCOMPARE, two.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F);
        assertEquals(0, h.lu.status().compareAndWriteBusyCount());

        // And a third after both: takes the range at once.
        second.asSlice(0, 512).fill((byte)'b');
        two.reset();
        two.nexus(h.nexus).device(h.device).cdb(cdb).expectedDataTransferLength(1024).dataBuffer(second);
        h.lu.execute(two);
        h.device.drain();
        assertEquals(ScsiStatus.GOOD, two.status());
        assertEquals('c', disk(512 * 9));
    }
}
