package io.ringtarget.scsi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WRITE ATOMIC(16) (SBC-4 5.48) and what the logical unit says of atomic writes: the Block Limits VPD page's atomic
 * fields (SBC-4 6.6.4), REPORT SUPPORTED OPERATION CODES, and each check a command meets, on a 512-byte-block unit
 * over memory. The backstores' own atomic writes (RWF_ATOMIC on XFS, a RAM copy) are tested in their module.
 */
class WriteAtomicTest
{
    private static final int WRITE_ATOMIC_16 = 0x9C;
    private static final int READ_16 = 0x88;

    /** A unit without atomic writes, the default. */
    private final LuHarness plain = new LuHarness().ready();
    /** Atomic writes of 4 KiB to 64 KiB, a power of two long at a multiple of their length (a file's RWF_ATOMIC). */
    private final LuHarness file = atomic(4096, 65536, true);
    /** Atomic writes of any number of blocks up to the maximum transfer (a RAM LUN). */
    private final LuHarness ram = atomic(512, LogicalUnit.DEFAULT_MAX_TRANSFER_BYTES, false);

    private static LuHarness atomic(final int unit, final int max, final boolean naturallyAligned)
    {
        final LuHarness h = new LuHarness().ready();
        h.lu.atomicWrites(unit, max, naturallyAligned);
        return h;
    }

    private static int[] writeAtomic(final int flags, final long lba, final int boundary, final int blocks)
    {
        final int[] cdb = LuHarness.cdb16(WRITE_ATOMIC_16, flags, lba, blocks);
        cdb[10] = boundary >>> 8;
        cdb[11] = boundary & 0xFF;
        return cdb;
    }

    private static void assertInvalidField(final LuHarness h, final int byteOffset)
    {
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, byteOffset, -1);
    }

    private static long u32(final LuHarness h, final int offset)
    {
        return ((long)h.in(offset) << 24) | (h.in(offset + 1) << 16) | (h.in(offset + 2) << 8) | h.in(offset + 3);
    }

    private static void blockLimits(final LuHarness h)
    {
        h.run(255, 0x12, 0x01, 0xB0, 0, 255, 0);
        h.assertGood();
        assertEquals(0x3C, (h.in(2) << 8) | h.in(3), "page length");
    }

    @Test
    void aUnitWithoutAtomicWritesDoesNotKnowTheCommand()
    {
        plain.fill(0, 4096, 0x11);
        plain.run(4096, writeAtomic(0, 0, 0, 8));
        plain.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_COMMAND_OPERATION_CODE);
        assertEquals(0, plain.device.writes);
        blockLimits(plain);
        for (int offset = 44; offset < 64; offset += 4)
        {
            assertEquals(0, u32(plain, offset), "Block Limits byte " + offset);
        }
        // REPORT SUPPORTED OPERATION CODES, one command: SUPPORT 001b (not supported).
        plain.run(4096, 0xA3, 0x0C, 0x01, WRITE_ATOMIC_16, 0, 0, 0, 0, 0x10, 0, 0, 0);
        plain.assertGood();
        assertEquals(0x01, plain.in(1) & 0x07);
        assertEquals(SupportedOperationCodes.count(false, true), reportedOpcodes(plain, false));
    }

    @Test
    void theBlockLimitsPageAndReportSupportedOperationCodesDescribeThem()
    {
        blockLimits(file);
        assertEquals(128, u32(file, 44), "MAXIMUM ATOMIC TRANSFER LENGTH: 64 KiB");
        assertEquals(8, u32(file, 48), "ATOMIC ALIGNMENT: 4 KiB");
        assertEquals(8, u32(file, 52), "ATOMIC TRANSFER LENGTH GRANULARITY: 4 KiB");
        assertEquals(0, u32(file, 56), "no MAXIMUM ATOMIC TRANSFER LENGTH WITH ATOMIC BOUNDARY");
        assertEquals(0, u32(file, 60), "no MAXIMUM ATOMIC BOUNDARY SIZE");

        blockLimits(ram);
        assertEquals(u32(ram, 8), u32(ram, 44), "the maximum atomic transfer is the MAXIMUM TRANSFER LENGTH");
        assertEquals(0, u32(ram, 48), "no alignment");
        assertEquals(0, u32(ram, 52), "no granularity");

        file.run(4096, 0xA3, 0x0C, 0x01, WRITE_ATOMIC_16, 0, 0, 0, 0, 0x10, 0, 0, 0);
        file.assertGood();
        assertEquals(0x03, file.in(1) & 0x07, "SUPPORT 011b");
        assertEquals(16, (file.in(2) << 8) | file.in(3), "CDB SIZE");
        assertEquals(WRITE_ATOMIC_16, file.in(4));
        assertEquals(SupportedOperationCodes.count(true, true), reportedOpcodes(file, true));
    }

    /** @return how many commands the all-commands form lists; asserts whether WRITE ATOMIC(16) is among them. */
    private static int reportedOpcodes(final LuHarness h, final boolean listsWriteAtomic)
    {
        h.run(8192, 0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0);
        h.assertGood();
        final int length = (h.in(2) << 8) | h.in(3);
        boolean listed = false;
        for (int o = 4; o < length + 4; o += 8)
        {
            listed |= h.in(o) == WRITE_ATOMIC_16;
        }
        assertEquals(listsWriteAtomic, listed, "WRITE ATOMIC(16) listed");
        return length / 8;
    }

    @Test
    void anAtomicWriteWithinTheLimitsIsWrittenAtomically()
    {
        file.fill(0, 65536, 0x5A);
        file.run(65536, writeAtomic(0, 128, 0, 128));
        file.assertGood();
        file.fill(0, 4096, 0xA5);
        file.run(4096, writeAtomic(0x08, 8, 0, 8)); // FUA
        file.assertGood();
        assertEquals(2, file.device.atomicWrites, "through the backstore's atomic write");
        assertEquals(1, file.device.fuaWrites);
        file.run(65536 + 4096, LuHarness.cdb16(READ_16, 0, 8, 136));
        file.assertGood();
        for (int i = 0; i < 4096; i++)
        {
            assertEquals(0xA5, file.in(i));
        }
        for (int i = 4096; i < 61440; i++)
        {
            assertEquals(0, file.in(i), "between the two writes");
        }
        for (int i = 61440; i < 65536 + 4096; i++)
        {
            assertEquals(0x5A, file.in(i));
        }

        // A RAM-like unit takes any number of blocks anywhere.
        ram.fill(0, 3 * 512, 0x3C);
        ram.run(3 * 512, writeAtomic(0, 7, 0, 3));
        ram.assertGood();
        assertEquals(1, ram.device.atomicWrites);
    }

    @Test
    void writesOutsideTheLimitsAreRefusedWithTheFieldNamed()
    {
        file.fill(0, 256 * 512, 0x77);
        // ATOMIC BOUNDARY: this unit has no atomic boundary (MAXIMUM ATOMIC BOUNDARY SIZE 0).
        file.run(4096, writeAtomic(0, 0, 8, 8));
        assertInvalidField(file, 10);
        // Above MAXIMUM ATOMIC TRANSFER LENGTH, not a multiple of the granularity, not a power of two.
        file.run(256 * 512, writeAtomic(0, 0, 0, 256));
        assertInvalidField(file, 12);
        file.run(2048, writeAtomic(0, 0, 0, 4));
        assertInvalidField(file, 12);
        file.run(24 * 512, writeAtomic(0, 0, 0, 24));
        assertInvalidField(file, 12);
        // Not at a multiple of the alignment; not at a multiple of its own length.
        file.run(4096, writeAtomic(0, 4, 0, 8));
        assertInvalidField(file, 2);
        file.run(8192, writeAtomic(0, 8, 0, 16));
        assertInvalidField(file, 2);
        // Less data than the transfer length names (EDTL): not the atomic write asked for.
        file.run(4096, writeAtomic(0, 0, 0, 16));
        assertInvalidField(file, 12);
        // WRPROTECT without protection information.
        file.run(4096, writeAtomic(0x20, 0, 0, 8));
        file.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        assertEquals(0, file.device.writes, "nothing written");

        // The LBA range comes first, whatever the length (libiscsi's WriteAtomic16.BeyondEol).
        file.run(512 * 512, writeAtomic(0, 2048 - 256, 0, 512));
        file.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        file.run(4096, writeAtomic(0, 0x8000_0000_0000_0000L, 0, 8));
        file.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
        // No blocks: nothing to write, not an error (SBC-4 5.48), also at the end of the medium.
        file.run(0, writeAtomic(0, 2048, 0, 0));
        file.assertGood();
        assertEquals(0, file.device.writes, "nothing written");
    }

    @Test
    void aReadOnlyUnitRefusesThemAsWrites()
    {
        final LuHarness h = new LuHarness(2048, 512, true, true).ready();
        h.lu.atomicWrites(512, 65536, false);
        h.run(512, writeAtomic(0, 0, 0, 1));
        h.assertSense(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
    }

    @Test
    void limitsTheBackstoreCannotHaveAreRefused()
    {
        final LogicalUnit lu = new LuHarness(2048, 4096, true, false).lu;
        assertThrows(IllegalArgumentException.class, () -> lu.atomicWrites(512, 65536, true), "below the block");
        assertThrows(IllegalArgumentException.class, () -> lu.atomicWrites(12288, 65536, true), "not a power of two");
        assertThrows(IllegalArgumentException.class, () -> lu.atomicWrites(8192, 4096, true), "max below the unit");
        lu.atomicWrites(4096, 1 << 30, true);
        assertEquals(lu.maxTransferBlocks(), lu.atomicWriteLimits().maxBlocks(),
            "capped at the MAXIMUM TRANSFER LENGTH");
        assertTrue(lu.atomicWriteLimits().naturallyAligned());
        lu.atomicWrites(4096, 0, true);
        assertEquals(0, lu.atomicWriteLimits().maxBlocks(), "none");
    }
}
