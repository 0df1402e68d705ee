package io.ringtarget.scsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmulatedCommandsTest
{
    private final LuHarness h = new LuHarness().ready();

    private String ascii(final int from, final int length)
    {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++)
        {
            b[i] = (byte)h.in(from + i);
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Test
    void standardInquiry()
    {
        h.run(255, 0x12, 0, 0, 0, 255, 0);
        h.assertGood();
        assertEquals(96, h.task.dataInLength());
        assertEquals(0x00, h.in(0), "direct access block device, connected");
        assertEquals(0x06, h.in(2), "SPC-4");
        assertEquals(0x12, h.in(3), "HISUP, response data format 2");
        assertEquals(0x38, h.in(5), "TPGS 11b: implicit and explicit ALUA; 3PC: EXTENDED COPY");
        assertEquals(91, h.in(4), "additional length");
        assertEquals(0x02, h.in(7), "CMDQUE");
        assertEquals("RINGTGT ", ascii(8, 8));
        assertEquals("ringtarget      ", ascii(16, 16));
        assertEquals("0001", ascii(32, 4));
        assertEquals(0x04, h.in(62));
        assertEquals(0x60, h.in(63), "SPC-4 version descriptor");
        assertTrue(h.task.residualUnderflow());
        assertEquals(255 - 96, h.task.residualCount());
    }

    @Test
    void inquiryRespectsAllocationLength()
    {
        h.run(255, 0x12, 0, 0, 0, 36, 0);
        h.assertGood();
        assertEquals(36, h.task.dataInLength());
        assertTrue(h.task.residualUnderflow());
        assertEquals(255 - 36, h.task.residualCount());

        // EDTL smaller than the allocation length: overflow.
        h.run(5, 0x12, 0, 0, 0, 96, 0);
        h.assertGood();
        assertEquals(5, h.task.dataInLength());
        assertTrue(h.task.residualOverflow());
        assertEquals(91, h.task.residualCount());
    }

    @Test
    void inquiryFieldErrorsPointAtTheField()
    {
        h.run(255, 0x12, 0, 0x80, 0, 255, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 2, -1);

        h.run(255, 0x12, 0x02, 0, 0, 255, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 1);

        h.run(255, 0x12, 0x01, 0x42, 0, 255, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 2, -1);
        assertEquals(0, h.task.dataInLength());
    }

    @Test
    void vpdPages()
    {
        h.run(255, 0x12, 1, 0x00, 0, 255, 0);
        h.assertGood();
        assertEquals(12, h.task.dataInLength());
        assertEquals(8, h.in(3));
        assertEquals(0x00, h.in(4));
        assertEquals(0x80, h.in(5));
        assertEquals(0x83, h.in(6));
        assertEquals(0x86, h.in(7));
        assertEquals(0x8F, h.in(8));
        assertEquals(0xB0, h.in(9));
        assertEquals(0xB1, h.in(10));
        assertEquals(0xB2, h.in(11));

        h.run(255, 0x12, 1, 0x80, 0, 255, 0);
        h.assertGood();
        assertEquals(0x80, h.in(1));
        assertEquals(10, h.in(3));
        assertEquals("SERIAL0001", ascii(4, 10));

        h.run(1024, 0x12, 1, 0x83, 0x04, 0x00, 0);
        h.assertGood();
        assertEquals(0x83, h.in(1));
        final int pageLength = (h.in(2) << 8) | h.in(3);
        assertEquals(pageLength + 4, h.task.dataInLength());
        // First designator: NAA, binary, LU, 8 bytes, locally assigned NAA 3.
        assertEquals(0x01, h.in(4));
        assertEquals(0x03, h.in(5));
        assertEquals(8, h.in(7));
        assertEquals(3, h.in(8) >>> 4);
        assertEquals(h.lu.identity().naaHex().substring(0, 2), String.format("%02x", h.in(8)));
        // Walk the designators and find the SCSI name strings and the relative target port.
        int o = 4;
        boolean port = false;
        boolean targetName = false;
        boolean relativePort = false;
        while (o < pageLength + 4)
        {
            final int type = h.in(o + 1) & 0x0F;
            final int association = (h.in(o + 1) >>> 4) & 0x03;
            final int length = h.in(o + 3);
            if (type == 8 && association == 1)
            {
                assertEquals("iqn.2026-11.io.ringtarget:test,t,0x0001", ascii(o + 4, 39));
                assertEquals(0, length % 4);
                port = true;
            }
            if (type == 8 && association == 2)
            {
                assertEquals("iqn.2026-11.io.ringtarget:test", ascii(o + 4, 30));
                targetName = true;
            }
            if (type == 4)
            {
                assertEquals(1, (h.in(o + 6) << 8) | h.in(o + 7));
                relativePort = true;
            }
            o += 4 + length;
        }
        assertEquals(pageLength + 4, o);
        assertTrue(port && targetName && relativePort);

        // Extended INQUIRY Data (SPC-4 7.8.7): HEAD OF QUEUE, ORDERED and SIMPLE tasks, a volatile cache, no
        // protection information; cut to the allocation length like every page.
        h.run(255, 0x12, 1, 0x86, 0, 255, 0);
        h.assertGood();
        assertEquals(64, h.task.dataInLength());
        assertEquals(0x86, h.in(1));
        assertEquals(0x3C, (h.in(2) << 8) | h.in(3));
        assertEquals(0, h.in(4), "SPT, GRD_CHK, APP_CHK, REF_CHK");
        assertEquals(0x07, h.in(5), "HEADSUP, ORDSUP, SIMPSUP");
        assertEquals(0x01, h.in(6), "V_SUP without NV_SUP");
        h.run(8, 0x12, 1, 0x86, 0, 8, 0);
        h.assertGood();
        assertEquals(8, h.task.dataInLength());

        h.run(255, 0x12, 1, 0xB0, 0, 255, 0);
        h.assertGood();
        assertEquals(64, h.task.dataInLength());
        assertEquals(0x3C, h.in(3));
        assertEquals(h.lu.maxCompareAndWriteBlocks(), h.in(5));
        assertEquals(32768, (int)Bytes.u32(h.buffer, 8), "MAXIMUM TRANSFER LENGTH 16 MiB / 512");
        assertEquals(64, h.in(27), "max unmap descriptors");
        assertEquals(65535, (int)Bytes.u64(h.buffer, 36), "MAXIMUM WRITE SAME LENGTH: 65535 blocks, as LIO");
        // What libiscsi's WriteSame16.Unmap then checks: 65536 blocks are refused (the LU is larger here).
        final LuHarness big = new LuHarness(1L << 20, 512, true, false);
        big.run(512, LuHarness.cdb16(0x93, 0x08, 0, 65536));
        big.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        big.run(512, LuHarness.cdb16(0x93, 0x08, 0, 65535));
        big.assertGood();

        h.run(255, 0x12, 1, 0xB1, 0, 255, 0);
        assertEquals(1, (h.in(4) << 8) | h.in(5), "non-rotating");

        h.run(255, 0x12, 1, 0xB2, 0, 255, 0);
        assertEquals(0x80 | 0x40 | 0x20 | 0x04, h.in(5), "LBPU LBPWS LBPWS10 LBPRZ");
        assertEquals(0x02, h.in(6), "thin provisioned");
    }

    @Test
    void unknownOpcode()
    {
        h.run(0, 0xC0, 0, 0, 0, 0, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_COMMAND_OPERATION_CODE);
        h.run(0, 0x07, 0, 0, 0, 0, 0);   // REASSIGN BLOCKS: a virtual medium has no blocks to reassign
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_COMMAND_OPERATION_CODE);
    }

    @Test
    void nacaIsRejected()
    {
        h.run(0, 0x00, 0, 0, 0, 0, 0x04);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 5, 2);
    }

    @Test
    void readCapacity()
    {
        h.run(8, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();
        assertEquals(8, h.task.dataInLength());
        assertEquals(2047, (h.in(2) << 8) | h.in(3));
        assertEquals(512, (h.in(6) << 8) | h.in(7));

        h.run(32, 0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0);
        h.assertGood();
        assertEquals(32, h.task.dataInLength());
        assertEquals(2047, (h.in(6) << 8) | h.in(7));
        assertEquals(512, (h.in(10) << 8) | h.in(11));
        assertEquals(0, h.in(13) & 0x0F, "one logical block per physical block");
        h.lu.physicalBlockSize(4096);
        h.run(32, 0x9E, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0);
        assertEquals(3, h.in(13) & 0x0F, "8 logical blocks per 4 KiB physical block");
        assertEquals(0xC0, h.in(14), "LBPME LBPRZ");
    }

    @Test
    void readCapacity10SaturatesForHugeUnits()
    {
        final LuHarness big = new LuHarness(0x1_0000_0001L, 512, false, false);
        big.run(big.nexus, 0, 0, 0, 0, 0, 0, 0);
        big.run(8, 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        big.assertGood();
        for (int i = 0; i < 4; i++)
        {
            assertEquals(0xFF, big.in(i));
        }
    }

    @Test
    void unitAttentionAfterCreationAndReset()
    {
        final LuHarness quiet = new LuHarness();
        quiet.run(0, 0, 0, 0, 0, 0, 0);
        quiet.assertGood(); // by default a new nexus starts without a unit attention
        quiet.lu.resetLun(quiet.other);
        quiet.run(0, 0, 0, 0, 0, 0, 0);
        quiet.assertSense(SenseKey.UNIT_ATTENTION, Asc.POWER_ON_RESET);

        final LuHarness fresh = new LuHarness();
        fresh.lu.newNexusPowerOnUnitAttention(true);
        fresh.run(0, 0, 0, 0, 0, 0, 0);
        fresh.assertSense(SenseKey.UNIT_ATTENTION, Asc.POWER_ON_RESET);
        fresh.run(0, 0, 0, 0, 0, 0, 0);
        fresh.assertGood();

        // INQUIRY is not stopped by a unit attention and does not clear it.
        fresh.run(fresh.other, 96, 0x12, 0, 0, 0, 96, 0);
        fresh.assertGood();
        fresh.run(fresh.other, 0, 0, 0, 0, 0, 0, 0);
        fresh.assertSense(SenseKey.UNIT_ATTENTION, Asc.POWER_ON_RESET);

        // A LUN reset reaches every nexus, the one that sent it too (SAM-5 7.7).
        fresh.lu.resetLun(fresh.nexus);
        fresh.run(fresh.nexus, 0, 0, 0, 0, 0, 0, 0);
        fresh.assertSense(SenseKey.UNIT_ATTENTION, Asc.POWER_ON_RESET);
        fresh.run(fresh.nexus, 0, 0, 0, 0, 0, 0, 0);
        fresh.assertGood();
        fresh.run(fresh.other, 0, 0, 0, 0, 0, 0, 0);
        fresh.assertSense(SenseKey.UNIT_ATTENTION, Asc.POWER_ON_RESET);
        fresh.run(fresh.other, 0, 0, 0, 0, 0, 0, 0);
        fresh.assertGood();
    }

    @Test
    void requestSenseReturnsAndClearsUnitAttention()
    {
        h.lu.resetLun(h.nexus);
        h.run(h.other, 252, 0x03, 0, 0, 0, 252, 0);
        h.assertGood();
        assertEquals(18, h.task.dataInLength());
        assertEquals(0x70, h.in(0));
        assertEquals(SenseKey.UNIT_ATTENTION, h.in(2));
        assertEquals(0x29, h.in(12));
        h.run(h.other, 252, 0x03, 0x01, 0, 0, 252, 0);
        h.assertGood();
        assertEquals(0x72, h.in(0), "descriptor format asked by DESC");
        assertEquals(SenseKey.NO_SENSE, h.in(1));
        assertEquals(8, h.task.dataInLength());
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();
    }

    @Test
    void reservationConflictsForOtherNexus()
    {
        h.run(h.nexus, 0, 0x16, 0, 0, 0, 0, 0);
        h.assertGood();
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, h.task.status());
        assertEquals(0, h.task.senseLength());
        h.run(h.other, 0, 0x16, 0, 0, 0, 0, 0);
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, h.task.status());
        h.run(h.other, 96, 0x12, 0, 0, 0, 96, 0);
        h.assertGood();
        h.run(h.other, 0, 0x17, 0, 0, 0, 0, 0);
        h.assertGood();
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, h.task.status(), "release by a non-holder is a no-op");
        // Same initiator port name from a new session object: the same nexus.
        final ItNexus again = new ItNexus(h.nexus.initiatorPortName(), h.port1);
        h.run(again, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();
        h.run(h.nexus, 0, 0x17, 0, 0, 0, 0, 0);
        h.assertGood();
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();

        h.run(h.nexus, 0, 0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();
        h.lu.resetLun(h.nexus);
        assertEquals(null, h.lu.reservationHolder(), "LUN reset releases");
    }

    @Test
    void modeSenseAllPages()
    {
        h.run(255, 0x1A, 0, 0x3F, 0, 255, 0);
        h.assertGood();
        final int length = h.in(0) + 1;
        assertEquals(4 + 8 + 12 + 20 + 12 + 12, length);
        assertEquals(length, h.task.dataInLength());
        assertEquals(0x10, h.in(2), "DPOFUA, not write protected");
        assertEquals(8, h.in(3), "block descriptor length");
        assertEquals(512, (h.in(10) << 8) | h.in(11));
        assertEquals(0x01, h.in(12), "Read-Write Error Recovery first: pages in page code order");
        assertEquals(0x0A, h.in(13));
        assertEquals(0x08, h.in(24));
        assertEquals(0x12, h.in(25));
        assertEquals(0x04, h.in(26), "WCE");
        assertEquals(0x0A, h.in(44));
        assertEquals(0x20, h.in(46), "TST 001b: a task set per I_T nexus; D_SENSE 0");
        assertEquals(0x40, h.in(49), "TAS: commands aborted for another nexus end with TASK ABORTED");
        assertEquals(0x1C, h.in(56));
        assertEquals(0x00, h.in(58) & 0x08, "DEXCPT 0: informational exceptions enabled");
        assertEquals(0x06, h.in(59) & 0x0F, "MRIE 6h: reported on request (the log page)");

        h.run(255, 0x5A, 0x08, 0x08, 0, 0, 0, 0, 0, 255, 0);
        h.assertGood();
        assertEquals(8 + 20, ((h.in(0) << 8) | h.in(1)) + 2);
        assertEquals(0, (h.in(6) << 8) | h.in(7), "DBD");
        assertEquals(0x08, h.in(8));

        h.run(255, 0x5A, 0x10, 0x0A, 0, 0, 0, 0, 0, 255, 0);
        h.assertGood();
        assertEquals(0x01, h.in(4), "LONGLBA");
        assertEquals(16, (h.in(6) << 8) | h.in(7));
    }

    @Test
    void modeSenseErrors()
    {
        h.run(255, 0x1A, 0, 0xC8, 0, 255, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.SAVING_PARAMETERS_NOT_SUPPORTED);
        h.run(255, 0x1A, 0, 0x02, 0, 255, 0);   // Disconnect-Reconnect: no such page here
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 2, 5);
        h.run(255, 0x1A, 0, 0x08, 0x01, 255, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 3, -1);
    }

    private void caching(final boolean wce)
    {
        // Header(4) + caching page(20), no block descriptor.
        h.fill(0, 24, 0);
        h.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 4, (byte)0x08);
        h.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 5, (byte)0x12);
        h.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 6, (byte)(wce ? 0x04 : 0));
    }

    @Test
    void modeSelectWceRoundTripAndUnitAttention()
    {
        caching(false);
        h.run(24, 0x15, 0x10, 0, 0, 24, 0);
        h.assertGood();
        assertFalse(h.lu.writeCacheEnabled());

        h.run(255, 0x1A, 0x08, 0x08, 0, 255, 0);
        assertEquals(0x00, h.in(6), "WCE cleared");
        h.run(255, 0x1A, 0x08, 0x48, 0, 255, 0);
        assertEquals(0x04, h.in(6), "changeable mask: WCE");
        h.run(255, 0x1A, 0x08, 0x88, 0, 255, 0);
        assertEquals(0x04, h.in(6), "default WCE");

        // The other nexus is told; the one that changed it is not.
        h.run(h.other, 0, 0, 0, 0, 0, 0, 0);
        h.assertSense(SenseKey.UNIT_ATTENTION, Asc.MODE_PARAMETERS_CHANGED);
        h.run(h.nexus, 0, 0, 0, 0, 0, 0, 0);
        h.assertGood();

        // With WCE=0 writes go to the medium with FUA.
        h.run(512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertGood();
        assertEquals(1, h.device.fuaWrites);

        caching(true);
        h.run(24, 0x15, 0x10, 0, 0, 24, 0);
        h.assertGood();
        assertTrue(h.lu.writeCacheEnabled());
    }

    @Test
    void modeSelectRejectsUnchangeableBitsAndBadLengths()
    {
        caching(true);
        h.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 6, (byte)0x05); // RCD is not changeable
        h.run(24, 0x15, 0x10, 0, 0, 24, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 6, 0);

        caching(true);
        h.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 5, (byte)0x10);
        h.run(24, 0x15, 0x10, 0, 0, 24, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 5, -1);

        caching(true);
        h.run(3, 0x15, 0x10, 0, 0, 3, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);

        caching(true);
        h.run(20, 0x15, 0x10, 0, 0, 20, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);

        h.run(24, 0x15, 0x11, 0, 0, 24, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        h.assertFieldPointer(true, 1, 0);
    }

    @Test
    void descriptorSenseWhenDSenseSet()
    {
        // Control mode page with D_SENSE.
        h.fill(0, 16, 0);
        h.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 4, (byte)0x0A);
        h.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 5, (byte)0x0A);
        h.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 6, (byte)0x24);   // TST 001b, as the page says
        h.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 7, (byte)0x10);
        h.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 9, (byte)0x40);   // TAS, as the page says
        h.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 12, (byte)0xFF);
        h.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 13, (byte)0xFF);
        h.run(16, 0x15, 0x10, 0, 0, 16, 0);
        h.assertGood();
        assertTrue(h.lu.descriptorSense());
        h.run(255, 0x12, 0, 0x80, 0, 255, 0);
        assertEquals(ScsiStatus.CHECK_CONDITION, h.task.status());
        assertEquals(0x72, h.sense(0));
        assertEquals(SenseKey.ILLEGAL_REQUEST, h.sense(1));
        assertEquals(0x24, h.sense(2));
        assertEquals(8, h.sense(7));
        assertEquals(0x02, h.sense(8), "sense key specific descriptor");
        assertEquals(0x06, h.sense(9));
        assertEquals(0xC0, h.sense(12));
        assertEquals(2, h.sense(14));
        assertEquals(16, h.task.senseLength());
    }

    @Test
    void reportSupportedOperationCodes()
    {
        h.run(4096, 0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0);
        h.assertGood();
        final int length = (h.in(2) << 8) | h.in(3);
        assertEquals(SupportedOperationCodes.count(false, true) * 8, length);
        assertEquals(length + 4, h.task.dataInLength());
        boolean sawCaw = false;
        for (int o = 4; o < length + 4; o += 8)
        {
            if (h.in(o) == 0x89)
            {
                sawCaw = true;
                assertEquals(16, h.in(o + 7));
            }
            if (h.in(o) == 0x9E)
            {
                assertEquals(1, h.in(o + 5) & 1, "SERVACTV");
            }
        }
        assertTrue(sawCaw);

        h.run(4096, 0xA3, 0x0C, 0x01, 0x28, 0, 0, 0, 0, 0x10, 0, 0, 0);
        h.assertGood();
        assertEquals(0x03, h.in(1), "supported");
        assertEquals(10, (h.in(2) << 8) | h.in(3));
        assertEquals(0x28, h.in(4), "usage data starts with the opcode");
        assertEquals(14, h.task.dataInLength());

        h.run(4096, 0xA3, 0x0C, 0x02, 0x9E, 0, 0x10, 0, 0, 0x10, 0, 0, 0);
        h.assertGood();
        assertEquals(0x03, h.in(1));
        assertEquals(0x10, h.in(5));

        h.run(4096, 0xA3, 0x0C, 0x81, 0xC0, 0, 0, 0, 0, 0x10, 0, 0, 0);
        h.assertGood();
        assertEquals(0x01, h.in(1) & 0x07, "not supported");

        h.run(4096, 0xA3, 0x0C, 0x01, 0x9E, 0, 0, 0, 0, 0x10, 0, 0, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);

        h.run(4096, 0xA3, 0x0C, 0x80, 0, 0, 0, 0, 0, 0x10, 0, 0, 0);
        h.assertGood();
        assertEquals(SupportedOperationCodes.count(false, true) * 20, (h.in(2) << 8) | h.in(3));
        assertEquals(0x02, h.in(4 + 5), "CTDP set, TUR has no service action");
    }

    @Test
    void reportTargetPortGroups()
    {
        h.run(255, 0x12, 0, 0, 0, 36, 0);
        assertEquals(0x30, h.in(5) & 0x30, "TPGS implicit and explicit");
        h.run(255, 0xA3, 0x0A, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0);
        h.assertGood();
        assertEquals(16, h.task.dataInLength());
        assertEquals(12, Bytes.u32(h.buffer, 0));
        assertEquals(0x80, h.in(4), "preferred, active/optimized");
        assertEquals(0x8F, h.in(5), "T_SUP U_SUP S_SUP AN_SUP AO_SUP");
        assertEquals(1, Bytes.u16(h.buffer, 6), "target port group");
        assertEquals(1, h.in(11), "one port");
        assertEquals(1, Bytes.u16(h.buffer, 14), "relative target port 1");
        h.run(255, 0xA3, 0x2A, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0);
        h.assertGood();
        assertEquals(20, h.task.dataInLength());
        assertEquals(0x10, h.in(4), "extended header");
        assertEquals(0x80, h.in(8));
    }

    @Test
    void reportSupportedTaskManagementFunctions()
    {
        h.run(4, 0xA3, 0x0D, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0);
        h.assertGood();
        assertEquals(4, h.task.dataInLength());
        assertEquals(0xDA, h.in(0));
    }

    @Test
    void reportLunsEncoding()
    {
        assertEquals(0x0005_0000_0000_0000L, ReportLuns.encodeLun(5));
        assertEquals(0x4101_0000_0000_0000L, ReportLuns.encodeLun(257));
        assertEquals(5, ReportLuns.decodeLun(ReportLuns.encodeLun(5)));
        assertEquals(16383, ReportLuns.decodeLun(ReportLuns.encodeLun(16383)));
        assertEquals(-1, ReportLuns.decodeLun(0x8000_0000_0000_0000L));
        assertEquals(-1, ReportLuns.decodeLun(0x0001_0001_0000_0000L));

        final MemorySegment out = Arena.ofAuto().allocate(64);
        assertEquals(32, ReportLuns.encode(new long[]{0, 1, 300}, out, 64));
        assertEquals(24, Bytes.u32(out, 0));
        assertEquals(1, Bytes.u8(out, 17));
        assertEquals(0x41, Bytes.u8(out, 24));
        assertEquals(0x2C, Bytes.u8(out, 25));
        assertEquals(20, ReportLuns.encode(new long[]{0, 1, 300}, out, 20));

        final ScsiTask task = new ScsiTask();
        final int[] calls = new int[1];
        task.listener(t -> calls[0]++).dataBuffer(out).expectedDataTransferLength(64)
            .cdb(new byte[]{(byte)0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0});
        ReportLuns.execute(task, new long[]{0, 1}, 2);
        assertEquals(1, calls[0]);
        assertEquals(ScsiStatus.GOOD, task.status());
        assertEquals(24, task.dataInLength());
        assertTrue(task.residualUnderflow());
        assertEquals(40, task.residualCount());

        task.cdb(new byte[]{(byte)0xA0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0});
        ReportLuns.execute(task, new long[]{0, 1}, 2);
        assertEquals(ScsiStatus.CHECK_CONDITION, task.status());
    }

    @Test
    void simpleCommandsAreGood()
    {
        h.run(0, 0x1B, 0, 0, 0, 1, 0);
        h.assertGood();
        h.run(0, 0x1E, 0, 0, 0, 0, 0);
        h.assertGood();
        h.run(0, LuHarness.cdb10(0x34, 0, 0, 8));
        h.assertGood();
        h.run(0, LuHarness.cdb10(0x34, 0, 2048, 1));
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.LBA_OUT_OF_RANGE);
    }
}
