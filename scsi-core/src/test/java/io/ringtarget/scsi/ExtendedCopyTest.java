package io.ringtarget.scsi;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EXTENDED COPY (LID1) and RECEIVE COPY RESULTS on logical units over memory devices: within a unit, across two
 * units the nexus reaches ({@link CopyTargets}), the checks of the parameter list and the held COPY STATUS.
 */
class ExtendedCopyTest
{
    private static final int BLOCK = 512;
    private static final long BLOCKS = 4096;

    private final LuHarness h = new LuHarness(BLOCKS, BLOCK, true, false);
    /** A second logical unit of the same target, reached through the harness' copy targets. */
    private final LogicalUnit other = new LogicalUnit(LogicalUnitIdentity.of(LuHarness.TARGET, "SERIAL0002"), BLOCKS,
        BLOCK, true, false);
    private final MemoryBlockDevice otherDevice = new MemoryBlockDevice(BLOCKS, BLOCK);

    private final CopyTargets targets = new CopyTargets()
    {
        @Override
        public LogicalUnit logicalUnit(
            final int codeSet, final int type, final MemorySegment designator, final long offset, final int length)
        {
            return other.identity().matches(codeSet, type, designator, offset, length) ? other : null;
        }

        @Override
        public BlockDevice device(final LogicalUnit unit)
        {
            return unit == other ? otherDevice : null;
        }
    };

    /** Writes a parameter list into the harness buffer; returns its length. */
    private static int parameterList(
        final MemorySegment p, final int listId, final int listIdUsage, final long[][] cscds, final int[][] segments)
    {
        p.asSlice(0, 1024).fill((byte)0);
        Bytes.put8(p, 0, listId);
        Bytes.put8(p, 1, listIdUsage << 3);
        Bytes.put16(p, 2, cscds.length * 32);
        Bytes.put32(p, 8, segments.length * 28L);
        int o = 16;
        for (final long[] cscd : cscds)
        {
            // {NAA, NUL}: identification descriptor, binary NAA associated with the logical unit.
            Bytes.put8(p, o, 0xE4);
            Bytes.put8(p, o + 1, cscd[1] != 0 ? 0x20 : 0);
            Bytes.put8(p, o + 4, 0x01);
            Bytes.put8(p, o + 5, 0x03);
            Bytes.put8(p, o + 7, 8);
            Bytes.put64(p, o + 8, cscd[0]);
            Bytes.put24(p, o + 29, BLOCK);
            o += 32;
        }
        for (final int[] s : segments)
        {
            // {source index, destination index, blocks, source LBA, destination LBA}
            Bytes.put8(p, o, 0x02);
            Bytes.put16(p, o + 2, 24);
            Bytes.put16(p, o + 4, s[0]);
            Bytes.put16(p, o + 6, s[1]);
            Bytes.put16(p, o + 10, s[2]);
            Bytes.put64(p, o + 12, s[3]);
            Bytes.put64(p, o + 20, s[4]);
            o += 28;
        }
        return o;
    }

    private ScsiTask extendedCopy(final int length)
    {
        h.task.copyTargets(targets);
        final int[] cdb = new int[16];
        cdb[0] = 0x83;
        cdb[10] = length >>> 24;
        cdb[11] = (length >>> 16) & 0xFF;
        cdb[12] = (length >>> 8) & 0xFF;
        cdb[13] = length & 0xFF;
        return runWithTargets(length, cdb);
    }

    /** A read-only node ACL's session ({@link ScsiTask#writeProtected}): set after the task's reset. */
    private boolean writeProtected;

    private ScsiTask runWithTargets(final int edtl, final int[] cdb)
    {
        final byte[] bytes = new byte[cdb.length];
        for (int i = 0; i < cdb.length; i++)
        {
            bytes[i] = (byte)cdb[i];
        }
        final int before = h.completions;
        h.task.reset();
        h.task.nexus(h.nexus).device(h.device).copyTargets(targets).cdb(bytes).expectedDataTransferLength(edtl)
            .dataBuffer(h.buffer).writeProtected(writeProtected);
        h.lu.execute(h.task);
        h.device.drain();
        otherDevice.drain();
        assertEquals(before + 1, h.completions, "listener called exactly once");
        return h.task;
    }

    private ScsiTask receiveCopyResults(final int serviceAction, final int listId)
    {
        final int[] cdb = new int[16];
        cdb[0] = 0x84;
        cdb[1] = serviceAction;
        cdb[2] = listId;
        cdb[13] = 255;
        return runWithTargets(255, cdb);
    }

    private static void pattern(final MemorySegment disk, final long offset, final int length, final int seed)
    {
        for (int i = 0; i < length; i++)
        {
            disk.set(ValueLayout.JAVA_BYTE, offset + i, (byte)(seed + i * 31));
        }
    }

    @Test
    void copiesWithinTheUnitInChunksAndHoldsTheStatusOnce()
    {
        final int bytes = 300 * BLOCK;   // more than one 64 KiB scratch chunk, not a multiple of it
        pattern(h.device.disk(), 10L * BLOCK, bytes, 7);
        final long naa = h.lu.identity().naa();
        final int length = parameterList(h.buffer, 5, 0, new long[][]{{naa, 0}}, new int[][]{{0, 0, 300, 10, 2000}});
        extendedCopy(length);
        h.assertGood();
        assertEquals(-1, MemorySegment.mismatch(h.device.disk(), 10L * BLOCK, 10L * BLOCK + bytes,
            h.device.disk(), 2000L * BLOCK, 2000L * BLOCK + bytes));

        receiveCopyResults(0x00, 5);
        h.assertGood();
        assertEquals(8, (int)Bytes.u32(h.buffer, 0), "AVAILABLE DATA");
        assertEquals(0x00, h.in(4), "completed without errors");
        assertEquals(1, Bytes.u16(h.buffer, 5), "segments processed");
        assertEquals(1, h.in(7), "kibibytes");
        assertEquals(150, (int)Bytes.u32(h.buffer, 8));
        receiveCopyResults(0x00, 5);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);   // reported once, then discarded
    }

    @Test
    void copiesAcrossLogicalUnitsOfTheNexus()
    {
        pattern(h.device.disk(), 0, 64 * BLOCK, 3);
        final int length = parameterList(h.buffer, 1, 2,
            new long[][]{{h.lu.identity().naa(), 0}, {other.identity().naa(), 0}},
            new int[][]{{0, 1, 64, 0, 100}, {1, 0, 64, 100, 1000}});
        extendedCopy(length);
        h.assertGood();
        assertEquals(-1, MemorySegment.mismatch(h.device.disk(), 0, 64 * BLOCK, otherDevice.disk(), 100L * BLOCK,
            164L * BLOCK));
        assertEquals(-1, MemorySegment.mismatch(h.device.disk(), 0, 64 * BLOCK, h.device.disk(), 1000L * BLOCK,
            1064L * BLOCK));
        receiveCopyResults(0x00, 1);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);   // LIST ID USAGE 10b: not held
    }

    @Test
    void nothingMovesWhenALaterSegmentIsBad()
    {
        pattern(h.device.disk(), 0, 8 * BLOCK, 1);
        final long naa = h.lu.identity().naa();
        int length = parameterList(h.buffer, 1, 0, new long[][]{{naa, 0}},
            new int[][]{{0, 0, 8, 0, 500}, {0, 0, 8, 0, (int)BLOCKS - 4}});
        extendedCopy(length);
        h.assertSense(SenseKey.COPY_ABORTED, Asc.NO_ADDITIONAL_SENSE);
        assertTrue(h.device.disk().asSlice(500L * BLOCK, 8 * BLOCK).elements(ValueLayout.JAVA_BYTE)
            .allMatch(b -> b.get(ValueLayout.JAVA_BYTE, 0) == 0), "the first segment was not copied either");

        length = parameterList(h.buffer, 1, 0, new long[][]{{naa, 0}}, new int[][]{{0, 1, 8, 0, 500}});
        extendedCopy(length);
        h.assertSense(SenseKey.COPY_ABORTED, ExtendedCopy.COPY_TARGET_DEVICE_NOT_REACHABLE);
        length = parameterList(h.buffer, 1, 0, new long[][]{{naa, 1}}, new int[][]{{0, 0, 8, 0, 500}});
        extendedCopy(length);
        h.assertSense(SenseKey.COPY_ABORTED, ExtendedCopy.COPY_TARGET_DEVICE_NOT_REACHABLE);   // NUL descriptor
        length = parameterList(h.buffer, 1, 0, new long[][]{{0x3000_0000_0000_0001L, 0}}, new int[][]{{0, 0, 8, 0, 5}});
        extendedCopy(length);
        h.assertSense(SenseKey.COPY_ABORTED, ExtendedCopy.COPY_TARGET_DEVICE_NOT_REACHABLE);   // no such unit
    }

    @Test
    void theParameterListIsCheckedAgainstTheReportedLimits()
    {
        final long naa = h.lu.identity().naa();
        final long[][] nine = new long[9][];
        for (int i = 0; i < nine.length; i++)
        {
            nine[i] = new long[]{naa, 0};
        }
        extendedCopy(parameterList(h.buffer, 1, 0, nine, new int[][]{{0, 0, 1, 0, 1}}));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, ExtendedCopy.TOO_MANY_TARGET_DESCRIPTORS);
        final int[][] segments = new int[9][];
        for (int i = 0; i < segments.length; i++)
        {
            segments[i] = new int[]{0, 0, 1, 0, 1};
        }
        extendedCopy(parameterList(h.buffer, 1, 0, new long[][]{{naa, 0}}, segments));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, ExtendedCopy.TOO_MANY_SEGMENT_DESCRIPTORS);

        final int length = parameterList(h.buffer, 1, 0, new long[][]{{naa, 0}}, new int[][]{{0, 0, 1, 0, 1}});
        extendedCopy(length - 1);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
        Bytes.put8(h.buffer, 16, 0xE0);   // an N_Port_Name CSCD descriptor
        extendedCopy(length);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, ExtendedCopy.UNSUPPORTED_TARGET_DESCRIPTOR_TYPE_CODE);
        Bytes.put8(h.buffer, 16, 0xE4);
        Bytes.put8(h.buffer, 48, 0x01);   // a block-to-stream segment descriptor
        extendedCopy(length);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, ExtendedCopy.UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE_CODE);
        extendedCopy(0);
        h.assertGood();
    }

    @Test
    void operatingParametersAndTheThirdPartyCopyPageReportTheLimits()
    {
        receiveCopyResults(0x03, 0);
        h.assertGood();
        assertEquals(ExtendedCopy.MAX_CSCD_DESCRIPTORS, Bytes.u16(h.buffer, 8));
        assertEquals(ExtendedCopy.MAX_SEGMENT_DESCRIPTORS, Bytes.u16(h.buffer, 10));
        assertEquals(ExtendedCopy.MAX_DESCRIPTOR_LIST_LENGTH, (int)Bytes.u32(h.buffer, 12));
        assertEquals(2, h.in(43));
        assertEquals(0x02, h.in(44));
        assertEquals(0xE4, h.in(45));

        h.run(1024, 0x12, 1, 0x8F, 0x04, 0x00, 0);
        h.assertGood();
        assertEquals(0x8F, h.in(1));
        final int end = 4 + Bytes.u16(h.buffer, 2);
        boolean extendedCopy = false;
        boolean parameters = false;
        for (int o = 4; o < end; o += 4 + Bytes.u16(h.buffer, o + 2))
        {
            assertEquals(0, Bytes.u16(h.buffer, o + 2) % 4, "descriptor lengths are multiples of 4");
            if (Bytes.u16(h.buffer, o) == 0x0001)
            {
                extendedCopy = h.in(o + 5) == 0x83 && h.in(o + 6) == 1 && h.in(o + 7) == 0x00 &&
                    h.in(o + 8) == 0x84 && h.in(o + 9) == 2 && h.in(o + 10) == 0x00 && h.in(o + 11) == 0x03;
            }
            if (Bytes.u16(h.buffer, o) == 0x0008)
            {
                parameters = Bytes.u16(h.buffer, o + 6) == ExtendedCopy.MAX_CSCD_DESCRIPTORS;
            }
        }
        assertTrue(extendedCopy, "Supported Commands names EXTENDED COPY and RECEIVE COPY RESULTS");
        assertTrue(parameters, "Parameter Data");
    }

    @Test
    void aReadOnlyDestinationIsRefusedAndACopyFailureIsHeldWithErrors()
    {
        final LuHarness ro = new LuHarness(BLOCKS, BLOCK, false, true);
        final long naa = ro.lu.identity().naa();
        final int length = parameterList(ro.buffer, 1, 0, new long[][]{{naa, 0}}, new int[][]{{0, 0, 8, 0, 8}});
        final int[] cdb = new int[16];
        cdb[0] = 0x83;
        cdb[13] = length;
        ro.run(length, cdb);
        ro.assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);

        h.device.failWithErrno = 5;
        extendedCopy(parameterList(h.buffer, 9, 0, new long[][]{{h.lu.identity().naa(), 0}}, new int[][]{{0, 0, 8, 0, 8}}));
        h.assertSense(SenseKey.COPY_ABORTED, ExtendedCopy.THIRD_PARTY_DEVICE_FAILURE);
        h.device.failWithErrno = 0;
        receiveCopyResults(0x00, 9);
        h.assertGood();
        assertEquals(0x01, h.in(4), "completed with errors");
        assertEquals(0, Bytes.u16(h.buffer, 5), "no segment processed");
    }

    @Test
    void aSessionThatMayOnlyReadCopiesNothing()
    {
        pattern(h.device.disk(), 0, 8 * BLOCK, 5);
        writeProtected = true;
        final long[][] cscds = {{h.lu.identity().naa(), 0}, {other.identity().naa(), 0}};
        extendedCopy(parameterList(h.buffer, 2, 0, cscds, new int[][]{{0, 1, 8, 0, 0}}));
        h.assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
        assertTrue(MemorySegment.mismatch(h.device.disk(), 0, 8 * BLOCK, otherDevice.disk(), 0, 8 * BLOCK) >= 0,
            "nothing written to the other unit");
    }
}
