package io.ringtarget.scsi;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soft threshold of a thin logical unit (SBC-4 4.7.3.8, {@link ProvisioningThreshold}): the THRESHOLD EXPONENT of
 * VPD page B2h, the Logical Block Provisioning mode page (1Ch/02h) alone and among all pages and subpages, the
 * provisioning log page's counts in threshold sets, THIN PROVISIONING SOFT THRESHOLD REACHED for every I_T nexus once
 * a write finds the used blocks at the threshold, once until they fell below it, a MODE SELECT that restates the page
 * and one that would change it; and nothing of it without a threshold. The available threshold the same way, armed
 * decreasing, alone and beside the used one.
 */
class ProvisioningThresholdTest
{
    /** 2048 blocks: the capacity fits 32 bits in threshold sets of 2 blocks, exponent 1. */
    private final LuHarness h = new LuHarness();
    private final List<String> events = new ArrayList<>();

    ProvisioningThresholdTest()
    {
        h.lu.softThresholdCheckInterval(0);
        h.lu.softThreshold(75).mediumEvents(new MediumEvents()
        {
            @Override
            public void softThresholdReached(final long mappedBlocks, final long thresholdBlocks, final long blocks)
            {
                events.add(mappedBlocks + " of " + blocks + " at " + thresholdBlocks);
            }
        });
        h.ready();
    }

    /** MODE SENSE(10), DBD, page and subpage: the bytes after the 8-byte header. */
    private byte[] modeSense(final int page, final int subpage)
    {
        h.run(h.nexus, 1024, 0x5A, 0x08, page, subpage, 0, 0, 0, 0x04, 0x00, 0);
        h.assertGood();
        final int length = ((h.in(0) << 8) | h.in(1)) + 2 - 8;
        return h.buffer.asSlice(8, length).toArray(ValueLayout.JAVA_BYTE);
    }

    private void write(final int lba)
    {
        h.fill(0, 512, 0x33);
        h.run(h.nexus, 512, LuHarness.cdb10(0x2A, 0, lba, 1));
        h.assertGood();
    }

    @Test
    void vpdModePageAndLogPageDescribeTheThreshold()
    {
        h.run(h.nexus, 64, 0x12, 0x01, 0xB2, 0, 64, 0);
        h.assertGood();
        assertEquals(1, h.in(4), "THRESHOLD EXPONENT: sets of 2 blocks");

        final byte[] lbp = modeSense(0x1C, 0x02);
        assertEquals(24, lbp.length, "one page");
        assertEquals(0x5C, lbp[0] & 0x7F, "SPF, page 1Ch");
        assertEquals(0x02, lbp[1], "subpage 02h");
        assertEquals(20, ((lbp[2] & 0xFF) << 8) | (lbp[3] & 0xFF), "page length");
        assertEquals(0, lbp[4] & 0x01, "SITUA 0: every nexus is told");
        assertEquals(0x81, lbp[16] & 0xFF, "ENABLED, soft, armed increasing");
        assertEquals(0x02, lbp[17], "used LBA mapping resources");
        assertEquals(768, java.lang.foreign.MemorySegment.ofArray(lbp)
            .get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 20), "75% of 1024 sets");

        assertEquals(12 + 24, modeSense(0x1C, 0xFF).length, "1Ch/FFh: informational exceptions, then provisioning");
        assertEquals(0x1C, modeSense(0x1C, 0x00)[0] & 0x3F, "1Ch/00h: informational exceptions only");
        assertEquals(12, modeSense(0x1C, 0x00).length);
        final byte[] all = modeSense(0x3F, 0xFF);
        final byte[] pagesOnly = modeSense(0x3F, 0x00);
        assertEquals(pagesOnly.length + 24, all.length, "3Fh/FFh adds the subpage");
        assertEquals(0x02, all[pagesOnly.length + 1]);
        h.run(h.nexus, 1024, 0x5A, 0x08, 0x08, 0x02, 0, 0, 0, 0x04, 0x00, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.run(h.nexus, 1024, 0x5A, 0x08, 0x40 | 0x1C, 0x02, 0, 0, 0, 0x04, 0x00, 0);   // changeable: nothing
        h.assertGood();
        assertEquals(0, h.in(8 + 16) | h.in(8 + 17) | h.in(8 + 20) | h.in(8 + 23));

        // The provisioning log page counts in threshold sets too.
        h.device.mapped = 1001;
        h.device.available = 1047;
        h.run(h.nexus, 512, 0x4D, 0, 0x40 | 0x0C, 0, 0, 0, 0, 2, 0, 0);
        h.assertGood();
        assertEquals(523, (h.in(8) << 24) | (h.in(9) << 16) | (h.in(10) << 8) | h.in(11), "available, sets");
        assertEquals(500, (h.in(20) << 24) | (h.in(21) << 16) | (h.in(22) << 8) | h.in(23), "used, sets");
    }

    @Test
    void everyInitiatorIsToldOnceWhenAWriteFindsTheThresholdReachedAndAgainAfterItFellBelow()
    {
        h.device.mapped = 1535;
        write(0);
        assertEquals(List.of(), h.unitAttentions(h.nexus));
        h.device.mapped = 1536;   // 75%
        write(1);
        assertEquals(List.of(Asc.THIN_PROVISIONING_SOFT_THRESHOLD_REACHED), h.unitAttentions(h.nexus),
            "the nexus whose write crossed it too (SITUA 0)");
        assertEquals(List.of(Asc.THIN_PROVISIONING_SOFT_THRESHOLD_REACHED), h.unitAttentions(h.other));
        h.device.mapped = 2000;
        write(2);
        assertEquals(List.of(), h.unitAttentions(h.other), "once, until re-armed");
        assertEquals(List.of("1536 of 2048 at 1536"), events);

        h.device.mapped = 100;    // unmapped meanwhile: re-armed by the next write's look
        write(3);
        h.device.mapped = 1600;
        write(4);
        assertEquals(List.of(Asc.THIN_PROVISIONING_SOFT_THRESHOLD_REACHED), h.unitAttentions(h.other));
        assertEquals(2, h.lu.status().softThresholdReachedCount());
        assertEquals(75, h.lu.softThresholdPercent());
    }

    @Test
    void aModeSelectMayRestateTheProvisioningPageButNotChangeIt()
    {
        final byte[] page = modeSense(0x1C, 0x02);
        page[0] &= 0x7F;   // PS is reserved in MODE SELECT
        h.buffer.asSlice(0, 8).fill((byte)0);
        h.buffer.asSlice(8, page.length).copyFrom(java.lang.foreign.MemorySegment.ofArray(page));
        h.run(h.nexus, 8 + page.length, 0x55, 0x10, 0, 0, 0, 0, 0, 0, 8 + page.length, 0);
        h.assertGood();
        h.buffer.set(ValueLayout.JAVA_BYTE, 8 + 23, (byte)1);   // another THRESHOLD COUNT
        h.run(h.nexus, 8 + page.length, 0x55, 0x10, 0, 0, 0, 0, 0, 0, 8 + page.length, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 8 + 23, 0);
    }

    @Test
    void withoutAThresholdThereIsNoneOfIt()
    {
        final LuHarness plain = new LuHarness().ready();
        plain.run(plain.nexus, 64, 0x12, 0x01, 0xB2, 0, 64, 0);
        plain.assertGood();
        assertEquals(0, plain.in(4), "THRESHOLD EXPONENT 0: no thresholds");
        plain.run(plain.nexus, 1024, 0x5A, 0x08, 0x1C, 0x02, 0, 0, 0, 0x04, 0x00, 0);
        plain.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        plain.device.mapped = 2048;
        plain.fill(0, 512, 1);
        plain.run(plain.nexus, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        plain.assertGood();
        assertEquals(List.of(), plain.unitAttentions(plain.other));
        final LuHarness thick = new LuHarness(2048, 512, false, false);
        assertThrows(IllegalArgumentException.class, () -> thick.lu.softThreshold(80));
        assertThrows(IllegalArgumentException.class, () -> plain.lu.softThreshold(101));
    }

    @Test
    void theAvailableThresholdIsReachedWhenTheStorageBeneathCanTakeFewerBlocks()
    {
        final LuHarness a = new LuHarness();
        final List<String> told = new ArrayList<>();
        a.lu.softThresholdCheckInterval(0);
        a.lu.availableThreshold(10).mediumEvents(new MediumEvents()
        {
            @Override
            public void availableThresholdReached(final long available, final long thresholdBlocks, final long blocks)
            {
                told.add(available + " of " + blocks + " below " + thresholdBlocks);
            }
        });
        a.ready();
        assertEquals(10, a.lu.availableThresholdPercent());
        assertEquals(0, a.lu.softThresholdPercent());
        a.run(a.nexus, 64, 0x12, 0x01, 0xB2, 0, 64, 0);
        a.assertGood();
        assertEquals(1, a.in(4), "THRESHOLD EXPONENT: sets of 2 blocks");
        a.run(a.nexus, 1024, 0x5A, 0x08, 0x1C, 0x02, 0, 0, 0, 0x04, 0x00, 0);
        a.assertGood();
        assertEquals(24, ((a.in(0) << 8) | a.in(1)) + 2 - 8, "one descriptor");
        assertEquals(0x80, a.in(8 + 16), "ENABLED, soft, armed decreasing");
        assertEquals(0x01, a.in(8 + 17), "available LBA mapping resources");
        assertEquals(103, (a.in(8 + 22) << 8) | a.in(8 + 23), "10% of 1024 sets, rounded up");

        a.device.available = 206;   // the threshold's 103 sets
        a.fill(0, 512, 1);
        a.run(a.nexus, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        a.assertGood();
        assertEquals(List.of(), a.unitAttentions(a.other), "not below it");
        a.device.available = 205;
        a.run(a.nexus, 512, LuHarness.cdb10(0x2A, 0, 1, 1));
        a.assertGood();
        assertEquals(List.of(Asc.THIN_PROVISIONING_SOFT_THRESHOLD_REACHED), a.unitAttentions(a.other));
        assertEquals(List.of(Asc.THIN_PROVISIONING_SOFT_THRESHOLD_REACHED), a.unitAttentions(a.nexus));
        a.device.available = 3;
        a.run(a.nexus, 512, LuHarness.cdb10(0x2A, 0, 2, 1));
        assertEquals(List.of(), a.unitAttentions(a.other), "once, until re-armed");
        a.device.available = 900;   // space freed: re-armed by the next write's look
        a.run(a.nexus, 512, LuHarness.cdb10(0x2A, 0, 3, 1));
        a.device.available = 100;
        a.run(a.nexus, 512, LuHarness.cdb10(0x2A, 0, 4, 1));
        assertEquals(List.of(Asc.THIN_PROVISIONING_SOFT_THRESHOLD_REACHED), a.unitAttentions(a.other));
        assertEquals(List.of("205 of 2048 below 206", "100 of 2048 below 206"), told);
        assertEquals(2, a.lu.status().softThresholdReachedCount());
        assertThrows(IllegalArgumentException.class, () -> new LuHarness(2048, 512, false, false).lu
            .availableThreshold(10), "a thick logical unit has no available threshold");
    }

    @Test
    void bothThresholdsAreDescribedAndEachIsReachedOnItsOwn()
    {
        h.lu.availableThreshold(5);   // beside the used one at 75%
        final byte[] lbp = modeSense(0x1C, 0x02);
        assertEquals(32, lbp.length, "two descriptors");
        assertEquals(28, ((lbp[2] & 0xFF) << 8) | (lbp[3] & 0xFF), "page length");
        assertEquals(0x81, lbp[16] & 0xFF, "the used resources', armed increasing");
        assertEquals(0x02, lbp[17]);
        assertEquals(0x80, lbp[24] & 0xFF, "the available resources', armed decreasing");
        assertEquals(0x01, lbp[25]);
        assertEquals(52, ((lbp[30] & 0xFF) << 8) | (lbp[31] & 0xFF), "5% of 1024 sets, rounded up");
        // A MODE SELECT may restate the longer page too.
        lbp[0] &= 0x7F;
        h.buffer.asSlice(0, 8).fill((byte)0);
        h.buffer.asSlice(8, lbp.length).copyFrom(java.lang.foreign.MemorySegment.ofArray(lbp));
        h.run(h.nexus, 8 + lbp.length, 0x55, 0x10, 0, 0, 0, 0, 0, 0, 8 + lbp.length, 0);
        h.assertGood();

        h.device.mapped = 10;
        h.device.available = 50;   // below 104 blocks: the available one only
        write(0);
        assertEquals(List.of(Asc.THIN_PROVISIONING_SOFT_THRESHOLD_REACHED), h.unitAttentions(h.other));
        assertEquals(List.of(Asc.THIN_PROVISIONING_SOFT_THRESHOLD_REACHED), h.unitAttentions(h.nexus));
        assertEquals(List.of(), events, "the used blocks are far from theirs");
        h.device.mapped = 1600;
        write(1);
        assertEquals(List.of(Asc.THIN_PROVISIONING_SOFT_THRESHOLD_REACHED), h.unitAttentions(h.other));
        assertEquals(List.of("1600 of 2048 at 1536"), events);
        assertEquals(2, h.lu.status().softThresholdReachedCount());
    }

    @Test
    void aResizeKeepsTheShare()
    {
        h.lu.blockCount(4096);
        assertTrue(h.unitAttentions(h.nexus).contains(Asc.CAPACITY_DATA_HAS_CHANGED));
        final byte[] lbp = modeSense(0x1C, 0x02);
        assertEquals(1536, java.lang.foreign.MemorySegment.ofArray(lbp)
            .get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 20), "75% of 2048 sets");
    }
}
