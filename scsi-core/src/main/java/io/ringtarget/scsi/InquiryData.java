package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * INQUIRY for one logical unit (SPC-4 6.6): the standard data, encoded once, and the VPD pages 0x00, 0x80,
 * 0x83 (the {@link LogicalUnitIdentity}'s designators, then those of the {@link TargetPort} the command came
 * through), 0x86 Extended INQUIRY Data, 0x8F Third-party Copy ({@link ReceiveCopyResults}), 0xB0 Block Limits,
 * 0xB1 Block Device Characteristics and 0xB2 Logical Block Provisioning (SBC-3 6.5), built in the task's scratch
 * and cut to the allocation length.
 */
final class InquiryData
{
    private static final int STANDARD_INQUIRY_LENGTH = 96;
    private static final int EXTENDED_INQUIRY_LENGTH = 64;
    /** Extended INQUIRY Data byte 5: the HEAD OF QUEUE, ORDERED and SIMPLE task attributes are supported (7.8.7). */
    static final int HEADSUP = 0x04;
    static final int ORDSUP = 0x02;
    static final int SIMPSUP = 0x01;
    /** Extended INQUIRY Data byte 6: a volatile cache is supported. */
    static final int V_SUP = 0x01;
    private static final int[] VPD_PAGES = {0x00, 0x80, 0x83, 0x86, 0x8F, 0xB0, 0xB1, 0xB2};

    private final LogicalUnit lu;
    private final LogicalUnitIdentity identity;
    private final int blockSize;
    private final boolean thinProvisioning;
    private final long maxTransferBlocks;
    private final int maxCompareAndWriteBlocks;
    private final long maxUnmapBlocks;
    private final long maxWriteSameBlocks;
    private final byte[] standardInquiry;

    InquiryData(
        final LogicalUnit lu,
        final LogicalUnitIdentity identity,
        final int blockSize,
        final boolean thinProvisioning,
        final long maxTransferBlocks,
        final int maxCompareAndWriteBlocks,
        final long maxUnmapBlocks,
        final long maxWriteSameBlocks)
    {
        this.lu = lu;
        this.identity = identity;
        this.blockSize = blockSize;
        this.thinProvisioning = thinProvisioning;
        this.maxTransferBlocks = maxTransferBlocks;
        this.maxCompareAndWriteBlocks = maxCompareAndWriteBlocks;
        this.maxUnmapBlocks = maxUnmapBlocks;
        this.maxWriteSameBlocks = maxWriteSameBlocks;
        this.standardInquiry = encodeStandardInquiry(identity);
    }

    void inquiry(final ScsiTask t, final MemorySegment cdb, final boolean unmapReadsZeros)
    {
        // SPC-4 6.6.
        final int flags = Bytes.u8(cdb, 1);
        final int pageCode = Bytes.u8(cdb, 2);
        final int allocationLength = Bytes.u16(cdb, 3);
        if ((flags & 0x02) != 0)
        {
            Responses.invalidCdb(t, 1, 1); // CMDDT is obsolete
            return;
        }
        final MemorySegment out = t.scratch();
        if ((flags & 0x01) == 0)
        {
            if (pageCode != 0)
            {
                Responses.invalidCdb(t, 2, -1);
                return;
            }
            MemorySegment.copy(standardInquiry, 0, out, ValueLayout.JAVA_BYTE, 0, standardInquiry.length);
            Responses.dataIn(t, standardInquiry.length, allocationLength);
            return;
        }
        final int length;
        switch (pageCode)
        {
            case 0x00:
                length = supportedVpdPages(out);
                break;
            case 0x80:
                length = copy(identity.unitSerialPage(), out);
                break;
            case 0x83:
                length = deviceIdentification(out, t.nexus());
                break;
            case 0x86:
                length = extendedInquiryData(out);
                break;
            case 0x8F:
                length = ReceiveCopyResults.thirdPartyCopyPage(out, blockSize);
                break;
            case 0xB0:
                length = blockLimits(out);
                break;
            case 0xB1:
                length = blockDeviceCharacteristics(out, thinProvisioning && unmapReadsZeros);
                break;
            case 0xB2:
                length = logicalBlockProvisioning(out, unmapReadsZeros);
                break;
            default:
                Responses.invalidCdb(t, 2, -1);
                return;
        }
        Responses.dataIn(t, length, allocationLength);
    }

    private static int supportedVpdPages(final MemorySegment out)
    {
        // SPC-4 7.8.15.
        final int[] pages = VPD_PAGES;
        Bytes.zero(out, 0, 4);
        Bytes.put16(out, 2, pages.length);
        for (int i = 0; i < pages.length; i++)
        {
            Bytes.put8(out, 4 + i, pages[i]);
        }
        return 4 + pages.length;
    }

    private int extendedInquiryData(final MemorySegment out)
    {
        // SPC-4 7.8.7. HEADSUP, ORDSUP, SIMPSUP: the transport keeps each nexus' task set in the order SAM-5 8.6 asks
        // of HEAD OF QUEUE, ORDERED and SIMPLE tasks (TST 001b, one task set per I_T nexus). V_SUP: the caching
        // mode page's WCE is changeable, so a volatile cache is supported (SYNCHRONIZE CACHE and FUA act on it);
        // NV_SUP 0. No protection information (SPT, GRD_CHK, APP_CHK, REF_CHK 0), no microcode download, LUICLR 0.
        Bytes.zero(out, 0, EXTENDED_INQUIRY_LENGTH);
        Bytes.put8(out, 1, 0x86);
        Bytes.put16(out, 2, EXTENDED_INQUIRY_LENGTH - 4);
        Bytes.put8(out, 5, HEADSUP | ORDSUP | SIMPSUP);
        Bytes.put8(out, 6, V_SUP);
        // EXTENDED SELF-TEST COMPLETION MINUTES: the control mode page's seconds, rounded up (that field saturates at
        // about 18 hours and then points here).
        Bytes.put16(out, 10, (int)Math.min(0xFFFF, (lu.selfTest().extendedCompletionSeconds() + 59) / 60));
        return EXTENDED_INQUIRY_LENGTH;
    }

    private int blockLimits(final MemorySegment out)
    {
        // SBC-3 6.5.3 Block Limits VPD page.
        Bytes.zero(out, 0, 64);
        Bytes.put8(out, 1, 0xB0);
        Bytes.put16(out, 2, 0x3C);
        // WSNZ=0: WRITE SAME with 0 blocks means "to the last LBA" (within MAXIMUM WRITE SAME LENGTH).
        Bytes.put8(out, 5, maxCompareAndWriteBlocks);
        Bytes.put16(out, 6, Math.max(1, 4096 / blockSize)); // optimal transfer length granularity
        Bytes.put32(out, 8, maxTransferBlocks);
        Bytes.put32(out, 12, Math.max(1, (128 * 1024) / blockSize)); // optimal transfer length
        if (thinProvisioning)
        {
            Bytes.put32(out, 20, maxUnmapBlocks);
            Bytes.put32(out, 24, LogicalUnit.MAX_UNMAP_BLOCK_DESCRIPTORS);
            Bytes.put32(out, 28, Math.max(1, 4096 / blockSize)); // optimal unmap granularity
            Bytes.put32(out, 32, 0x8000_0000L); // UGAVALID, alignment 0
        }
        Bytes.put64(out, 36, maxWriteSameBlocks);
        // SBC-4 6.6.4: MAXIMUM ATOMIC TRANSFER LENGTH, then ATOMIC ALIGNMENT and ATOMIC TRANSFER LENGTH GRANULARITY
        // (0: no constraint); no atomic boundary (bytes 56-63 zero: a WRITE ATOMIC(16) with one is refused).
        final AtomicWriteLimits atomic = lu.atomicWriteLimits();
        Bytes.put32(out, 44, atomic.maxBlocks());
        if (atomic.supported() && atomic.unitBlocks() > 1)
        {
            Bytes.put32(out, 48, atomic.unitBlocks());
            Bytes.put32(out, 52, atomic.unitBlocks());
        }
        return 64;
    }

    private static int blockDeviceCharacteristics(final MemorySegment out, final boolean blockErase)
    {
        // SBC-3 6.5.2: medium rotation rate 1 = non-rotating medium. SBC-4: WABEREQ 01b, a READ of a block that
        // SANITIZE BLOCK ERASE deallocated and nothing wrote since completes with GOOD (it reads zeros).
        Bytes.zero(out, 0, 64);
        Bytes.put8(out, 1, 0xB1);
        Bytes.put16(out, 2, 0x3C);
        Bytes.put16(out, 4, 1);
        if (blockErase)
        {
            Bytes.put8(out, 7, 0x40);
        }
        return 64;
    }

    private int logicalBlockProvisioning(final MemorySegment out, final boolean unmapReadsZeros)
    {
        // SBC-3 6.5.4: LBPU (UNMAP), LBPWS (WRITE SAME 16 UNMAP), LBPWS10, LBPRZ; provisioning type 2 = thin.
        Bytes.zero(out, 0, 8);
        Bytes.put8(out, 1, 0xB2);
        Bytes.put16(out, 2, 4);
        // THRESHOLD EXPONENT (SBC-4 6.6.6): the unit of the soft threshold and of the provisioning log page's counts;
        // 0: no thresholds.
        Bytes.put8(out, 4, lu.thresholdExponent());
        if (thinProvisioning)
        {
            Bytes.put8(out, 5, 0x80 | 0x40 | 0x20 | (unmapReadsZeros ? 0x04 : 0));
            Bytes.put8(out, 6, 0x02);
        }
        return 8;
    }

    private int deviceIdentification(final MemorySegment out, final ItNexus nexus)
    {
        // SPC-4 7.8.6: the logical unit's designators, then the designators of the target port this command came
        // through (relative target port, target port group, port and device names: without the first two Linux
        // does not use ALUA). Copies of bytes encoded once; nothing is allocated.
        final byte[] unit = identity.designators();
        Bytes.zero(out, 0, 4);
        Bytes.put8(out, 1, 0x83);
        MemorySegment.copy(unit, 0, out, ValueLayout.JAVA_BYTE, 4, unit.length);
        int length = 4 + unit.length;
        if (nexus != null)
        {
            final byte[] port = nexus.targetPort().designators();
            MemorySegment.copy(port, 0, out, ValueLayout.JAVA_BYTE, length, port.length);
            length += port.length;
        }
        Bytes.put16(out, 2, length - 4);
        return length;
    }

    private static int copy(final byte[] page, final MemorySegment out)
    {
        MemorySegment.copy(page, 0, out, ValueLayout.JAVA_BYTE, 0, page.length);
        return page.length;
    }

    private static byte[] encodeStandardInquiry(final LogicalUnitIdentity identity)
    {
        // SPC-4 6.6.2 standard INQUIRY data.
        final byte[] d = new byte[STANDARD_INQUIRY_LENGTH];
        d[0] = 0x00; // peripheral qualifier 000b connected, device type 00h direct access block
        d[2] = 0x06; // VERSION: SPC-4
        d[3] = 0x12; // HISUP, RESPONSE DATA FORMAT 2
        d[4] = (byte)(STANDARD_INQUIRY_LENGTH - 5);
        // TPGS 11b: implicit and explicit ALUA (REPORT / SET TARGET PORT GROUPS, SPC-4 5.15.2.3); 3PC: EXTENDED COPY.
        d[5] = 0x30 | 0x08;
        d[7] = 0x02; // CMDQUE
        ascii(identity.vendor(), d, 8, 8);
        ascii(identity.product(), d, 16, 16);
        ascii(identity.revision(), d, 32, 4);
        // Version descriptors (SPC-4 table 33): SAM-5, iSCSI, SPC-4, SBC-3.
        final int[] versions = {0x00A0, 0x0960, 0x0460, 0x04C0};
        for (int i = 0; i < versions.length; i++)
        {
            d[58 + 2 * i] = (byte)(versions[i] >>> 8);
            d[59 + 2 * i] = (byte)versions[i];
        }
        return d;
    }

    private static void ascii(final String s, final byte[] d, final int offset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            d[offset + i] = (byte)(i < s.length() ? s.charAt(i) : ' ');
        }
    }
}
