package io.ringtarget.scsi;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LOG SENSE and LOG SELECT (SPC-4 6.5, 6.6) and the pages behind them: the lists of pages, the error counters the
 * MEDIUM ERRORs of a failing backstore raise and a LOG SELECT resets, the Logical Block Provisioning page of a thin
 * logical unit (SBC-4 6.4.5) and the Informational Exceptions page; every refusal with its field pointer.
 */
class LogPagesTest
{
    private static final int EIO = 5;

    private final LuHarness h = new LuHarness().ready();

    private void logSense(final int page, final int subpage, final int pointer, final int allocationLength)
    {
        h.run(h.nexus, allocationLength, 0x4D, 0, page, subpage, 0, pointer >> 8, pointer & 0xFF,
            allocationLength >> 8, allocationLength & 0xFF, 0);
    }

    private List<Integer> pageList()
    {
        final List<Integer> pages = new ArrayList<>();
        for (int i = 0; i < ((h.in(2) << 8) | h.in(3)); i++)
        {
            pages.add(h.in(4 + i));
        }
        return pages;
    }

    private long u32(final int offset)
    {
        return h.buffer.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), offset) &
            0xFFFF_FFFFL;
    }

    private long u64(final int offset)
    {
        return h.buffer.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), offset);
    }

    /** TOTAL UNCORRECTED ERRORS of page 02h or 03h, checking the page's layout on the way. */
    private long uncorrectedErrors(final int page)
    {
        logSense(0x40 | page, 0, 0, 512);   // PC 01b: cumulative values
        h.assertGood();
        assertEquals(0x80 | page, h.in(0), "DS, page code");
        assertEquals(12, (h.in(2) << 8) | h.in(3), "page length");
        assertEquals(0x0006, (h.in(4) << 8) | h.in(5), "parameter code: total uncorrected errors");
        assertEquals(0x20, h.in(6), "TSD, bounded data counter");
        assertEquals(8, h.in(7), "parameter length");
        return u64(8);
    }

    @Test
    void supportedPagesListTheProvisioningPageOnlyWhenTheBackstoreCanTell()
    {
        logSense(0, 0, 0, 512);
        h.assertGood();
        assertEquals(0, h.in(0));
        assertEquals(List.of(0x00, 0x02, 0x03, 0x10, 0x2F), pageList());
        h.device.mapped = 10;
        h.device.available = 2038;
        logSense(0, 0, 0, 512);
        assertEquals(List.of(0x00, 0x02, 0x03, 0x0C, 0x10, 0x2F), pageList());

        logSense(0, 0xFF, 0, 512);
        h.assertGood();
        assertEquals(0x40, h.in(0), "SPF");
        assertEquals(0xFF, h.in(1));
        assertEquals(List.of(0x00, 0x00, 0x00, 0xFF, 0x02, 0x00, 0x03, 0x00, 0x0C, 0x00, 0x10, 0x00, 0x2F, 0x00),
            pageList());
        logSense(0x02, 0xFF, 0, 512);
        h.assertGood();
        assertEquals(List.of(0x02, 0x00, 0x02, 0xFF), pageList());

        // A thick logical unit has no such page, whatever its backstore says.
        final LuHarness thick = new LuHarness(2048, 512, false, false).ready();
        thick.device.mapped = 10;
        thick.device.available = 10;
        thick.run(thick.nexus, 512, 0x4D, 0, 0x0C, 0, 0, 0, 0, 2, 0, 0);
        thick.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        thick.assertFieldPointer(true, 2, 5);
    }

    @Test
    void mediumErrorsAreCountedPerDirectionAndResetByLogSelect()
    {
        assertEquals(0, uncorrectedErrors(0x03));
        assertEquals(0, uncorrectedErrors(0x02));
        h.device.failWithErrno = EIO;
        h.run(512, LuHarness.cdb10(0x28, 0, 0, 1));
        h.assertSense(SenseKey.MEDIUM_ERROR, Asc.UNRECOVERED_READ_ERROR);
        h.run(512, LuHarness.cdb10(0x28, 0, 8, 1));
        h.run(512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertSense(SenseKey.MEDIUM_ERROR, Asc.WRITE_ERROR);
        h.device.failWithErrno = 28;   // ENOSPC: DATA PROTECT, not a medium error
        h.run(512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertSense(SenseKey.DATA_PROTECT, Asc.SPACE_ALLOCATION_FAILED_WRITE_PROTECT);
        h.device.failWithErrno = 0;
        assertEquals(2, uncorrectedErrors(0x03));
        assertEquals(1, uncorrectedErrors(0x02));
        logSense(0xC0 | 0x03, 0, 0, 512);   // PC 11b: default cumulative values
        h.assertGood();
        assertEquals(0, u64(8));

        // LOG SELECT PC 01b, page 03h, no parameter list: the read counter only.
        h.run(h.other, 0, 0x4C, 0, 0x40 | 0x03, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();
        // SPC-4 6.5: every other nexus is told, the one that reset is not.
        assertEquals(java.util.List.of(Asc.LOG_PARAMETERS_CHANGED), h.unitAttentions(h.nexus));
        assertEquals(java.util.List.of(), h.unitAttentions(h.other));
        assertEquals(0, uncorrectedErrors(0x03));
        assertEquals(1, uncorrectedErrors(0x02));
        // PCR, page 00h: every counter.
        h.run(h.other, 0, 0x4C, 0x02, 0x40, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();
        assertEquals(java.util.List.of(Asc.LOG_PARAMETERS_CHANGED), h.unitAttentions(h.nexus));
        assertEquals(0, uncorrectedErrors(0x02));
        h.device.failWithErrno = EIO;
        h.run(512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.device.failWithErrno = 0;
        assertEquals(1, uncorrectedErrors(0x02), "counted again from the reset");
        // Threshold values: the counters have none.
        logSense(0x02, 0, 0, 512);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 2, 7);
    }

    @Test
    void logicalBlockProvisioningPageReportsTheBackstoresResources()
    {
        h.device.mapped = 300;
        h.device.available = 1748;
        logSense(0x40 | 0x0C, 0, 0, 512);
        h.assertGood();
        assertEquals(0x80 | 0x0C, h.in(0), "DS, page 0Ch (SBC-4 table 197)");
        assertEquals(24, (h.in(2) << 8) | h.in(3));
        assertEquals(0x0001, (h.in(4) << 8) | h.in(5), "available LBA mapping resource count");
        assertEquals(0x23, h.in(6), "TSD, binary format list");
        assertEquals(8, h.in(7));
        assertEquals(1748, u32(8));
        assertEquals(0x01, h.in(12) & 0x03, "scope: dedicated to the logical unit");
        assertEquals(0x0002, (h.in(16) << 8) | h.in(17), "used LBA mapping resource count");
        assertEquals(300, u32(20));

        h.device.sharedResources = true;
        h.device.available = 1L << 40;   // a file system larger than 32 bits of blocks: saturated
        logSense(0x0C, 0, 2, 512);      // parameter pointer 0002h: the used count only
        h.assertGood();
        assertEquals(12, (h.in(2) << 8) | h.in(3));
        assertEquals(0x0002, (h.in(4) << 8) | h.in(5));
        assertEquals(0x02, h.in(12) & 0x03, "scope: shared");
        logSense(0x0C, 0, 0, 512);
        assertEquals(0xFFFF_FFFFL, u32(8));
        logSense(0x0C, 0, 3, 512);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 5, 7);
        // The allocation length truncates the page and the residual says so.
        logSense(0x0C, 0, 0, 6);
        h.assertGood();
        assertEquals(6, h.task.dataInLength());
    }

    @Test
    void informationalExceptionsPageReportsNoFailurePredicted()
    {
        logSense(0x40 | 0x2F, 0, 0, 512);
        h.assertGood();
        assertEquals(0x80 | 0x2F, h.in(0));
        assertEquals(7, (h.in(2) << 8) | h.in(3));
        assertEquals(0x0000, (h.in(4) << 8) | h.in(5));
        assertEquals(3, h.in(7));
        assertEquals(0, h.in(8), "IE ASC");
        assertEquals(0, h.in(9), "IE ASCQ");
        assertEquals(0xFF, h.in(10), "no temperature reading");
    }

    /** The IE page's ASC/ASCQ, and REQUEST SENSE's sense key and ASC/ASCQ. */
    private int[] informationalException()
    {
        logSense(0x40 | 0x2F, 0, 0, 512);
        h.assertGood();
        final int page = (h.in(8) << 8) | h.in(9);
        h.run(h.other, 18, 0x03, 0, 0, 0, 18, 0);
        h.assertGood();
        return new int[] {page, h.in(2) & 0x0F, (h.in(12) << 8) | h.in(13)};
    }

    @Test
    void aFailureIsPredictedAfterMediumErrorsOrAFailedSelfTestUntilResetOrPassed()
    {
        final int[] none = {0, SenseKey.NO_SENSE, 0};
        final int[] predicted = {Asc.FAILURE_PREDICTION_THRESHOLD_EXCEEDED, SenseKey.NO_SENSE,
            Asc.FAILURE_PREDICTION_THRESHOLD_EXCEEDED};
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);   // the other nexus's POWER ON unit attention, out of the way
        assertArrayEquals(none, informationalException());
        // DATA PROTECT (out of space) says nothing of the medium.
        h.device.failWithErrno = 28;
        h.run(512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.device.failWithErrno = 0;
        assertArrayEquals(none, informationalException());
        h.device.failWithErrno = EIO;
        h.run(512, LuHarness.cdb10(0x28, 0, 0, 1));
        h.device.failWithErrno = 0;
        assertArrayEquals(predicted, informationalException(), "after a MEDIUM ERROR");
        h.run(h.other, 0, 0x4C, 0x02, 0x40, 0, 0, 0, 0, 0, 0, 0);   // LOG SELECT PCR: the storage was mended
        h.assertGood();
        h.unitAttentions(h.nexus);   // LOG PARAMETERS CHANGED, taken
        assertArrayEquals(none, informationalException());
        // A background short self-test that finds an unreadable block, then one that passes.
        h.device.badByte = 3 * 512;
        h.run(0, 0x1D, SelfTest.BACKGROUND_SHORT << 5, 0, 0, 0, 0);
        h.assertGood();
        h.device.badByte = -1;
        assertArrayEquals(predicted, informationalException(), "the newest self-test failed");
        h.run(0, 0x1D, SelfTest.BACKGROUND_SHORT << 5, 0, 0, 0, 0);
        h.assertGood();
        assertArrayEquals(none, informationalException(), "a self-test passed since");
    }

    @Test
    void refusals()
    {
        h.run(512, 0x4D, 0x01, 0x40, 0, 0, 0, 0, 2, 0, 0);   // SP
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 0);
        h.run(512, 0x4D, 0x02, 0x40, 0, 0, 0, 0, 2, 0, 0);   // PPC
        h.assertFieldPointer(true, 1, 1);
        logSense(0x40 | 0x0D, 0, 0, 512);                     // temperature: not a page of ours
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 2, 5);
        logSense(0x40 | 0x02, 0x01, 0, 512);                  // a subpage
        h.assertFieldPointer(true, 3, 7);
        logSense(0, 0, 1, 512);                               // a pointer into the list of pages
        h.assertFieldPointer(true, 5, 7);

        h.run(0, 0x4C, 0x01, 0x40, 0, 0, 0, 0, 0, 0, 0);      // LOG SELECT SP
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 0);
        h.run(0, 0x4C, 0x00, 0x40 | 0x0D, 0, 0, 0, 0, 0, 0, 0);
        h.assertFieldPointer(true, 2, 5);

        // A parameter list: a page header alone is accepted, a parameter is not (none is changeable).
        final int[] header = {0x02, 0, 0, 0};
        for (int i = 0; i < header.length; i++)
        {
            h.buffer.set(ValueLayout.JAVA_BYTE, i, (byte)header[i]);
        }
        h.run(4, 0x4C, 0x02, 0, 0, 0, 0, 0, 0, 4, 0);          // PCR with a list
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 1);
        h.run(4, 0x4C, 0, 0x40, 0, 0, 0, 0, 0, 4, 0);
        h.assertGood();
        final int[] parameter = {0x02, 0, 0, 12, 0, 6, 0x20, 8, 0, 0, 0, 0, 0, 0, 0, 0};
        for (int i = 0; i < parameter.length; i++)
        {
            h.buffer.set(ValueLayout.JAVA_BYTE, i, (byte)parameter[i]);
        }
        h.run(16, 0x4C, 0, 0x40, 0, 0, 0, 0, 0, 16, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 4, 7);
        h.buffer.set(ValueLayout.JAVA_BYTE, 0, (byte)0x0D);
        h.run(4, 0x4C, 0, 0x40, 0, 0, 0, 0, 0, 4, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 0, 5);
        h.run(3, 0x4C, 0, 0x40, 0, 0, 0, 0, 0, 3, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
    }

    @Test
    void reportedBySupportedOperationCodes()
    {
        for (final int opcode : new int[] {0x4C, 0x4D})
        {
            h.run(512, 0xA3, 0x0C, 0x01, opcode, 0, 0, 0, 0, 2, 0, 0, 0);   // one command, REPORTING OPTIONS 001b
            h.assertGood();
            assertEquals(0x03, h.in(1) & 0x07, "SUPPORT: supported as the standard says");
            assertEquals(10, (h.in(2) << 8) | h.in(3), "CDB size");
            assertEquals(opcode, h.in(4));
            assertTrue((h.in(5) & 0x03) == 0x03, "PCR/PPC and SP in the CDB usage data");
        }
    }
}
