package io.ringtarget.scsi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PersistentReservationsTest
{
    private final LuHarness h = new LuHarness().ready();

    private ScsiTask out(final ItNexus from, final int serviceAction, final int type, final long key, final long saKey)
    {
        h.fill(0, 24, 0);
        Bytes.put64(h.buffer, 0, key);
        Bytes.put64(h.buffer, 8, saKey);
        return h.run(from, 24, 0x5F, serviceAction, type, 0, 0, 0, 0, 0, 24, 0);
    }

    private ScsiTask in(final ItNexus from, final int serviceAction)
    {
        return h.run(from, 4096, 0x5E, serviceAction, 0, 0, 0, 0, 0, 0x10, 0, 0);
    }

    @Test
    void registerReadKeysReserveAndConflicts()
    {
        out(h.nexus, 0, 0, 0, 0xAAAA);
        h.assertGood();
        out(h.other, 0, 0, 0, 0xBBBB);
        h.assertGood();
        in(h.nexus, 0);
        h.assertGood();
        assertEquals(2, Bytes.u32(h.buffer, 0), "generation");
        assertEquals(16, Bytes.u32(h.buffer, 4));
        assertEquals(0xAAAA, Bytes.u64(h.buffer, 8));
        assertEquals(0xBBBB, Bytes.u64(h.buffer, 16));
        assertEquals(24, h.task.dataInLength());

        // Registering again with the wrong key conflicts.
        out(h.nexus, 0, 0, 0x1234, 0xCCCC);
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, h.task.status());

        // Write exclusive by A: B may read, not write.
        out(h.nexus, 1, PersistentReservations.TYPE_WRITE_EXCLUSIVE, 0xAAAA, 0);
        h.assertGood();
        in(h.other, 1);
        h.assertGood();
        assertEquals(16, Bytes.u32(h.buffer, 4));
        assertEquals(0xAAAA, Bytes.u64(h.buffer, 8));
        assertEquals(1, h.in(21));
        h.run(h.other, 512, LuHarness.cdb10(0x28, 0, 0, 1));
        h.assertGood();
        h.run(h.other, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, h.task.status());
        h.run(h.nexus, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertGood();

        // RESERVE(6) conflicts while registrations exist (SPC-4 5.12.3).
        h.run(h.nexus, 0, 0x16, 0, 0, 0, 0, 0);
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, h.task.status());

        // B preempts A's reservation as exclusive access: A is unregistered, told so once (REGISTRATIONS PREEMPTED,
        // SPC-4 5.12.11.2.4), and now conflicts on reads.
        out(h.other, 4, PersistentReservations.TYPE_EXCLUSIVE_ACCESS, 0xBBBB, 0xAAAA);
        h.assertGood();
        h.run(h.nexus, 512, LuHarness.cdb10(0x28, 0, 0, 1));
        h.assertSense(SenseKey.UNIT_ATTENTION, Asc.REGISTRATIONS_PREEMPTED);
        h.run(h.nexus, 512, LuHarness.cdb10(0x28, 0, 0, 1));
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, h.task.status());
        h.run(h.nexus, 96, 0x12, 0, 0, 0, 96, 0);
        h.assertGood();
        in(h.nexus, 0);
        assertEquals(8, Bytes.u32(h.buffer, 4), "only B's key is left");

        // Release with the wrong type: INVALID RELEASE OF PERSISTENT RESERVATION.
        out(h.other, 2, PersistentReservations.TYPE_WRITE_EXCLUSIVE, 0xBBBB, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, 0x2604);
        out(h.other, 2, PersistentReservations.TYPE_EXCLUSIVE_ACCESS, 0xBBBB, 0);
        h.assertGood();
        h.run(h.nexus, 512, LuHarness.cdb10(0x28, 0, 0, 1));
        h.assertGood();

        // CLEAR drops everything.
        out(h.other, 3, 0, 0xBBBB, 0);
        h.assertGood();
        in(h.nexus, 0);
        assertEquals(0, Bytes.u32(h.buffer, 4));
        h.run(h.nexus, 0, 0x16, 0, 0, 0, 0, 0);
        h.assertGood();
    }

    @Test
    void registrantsOnlyAndFullStatus()
    {
        out(h.nexus, 6, 0, 0, 0x11); // REGISTER AND IGNORE EXISTING KEY
        h.assertGood();
        out(h.nexus, 1, PersistentReservations.TYPE_EXCLUSIVE_ACCESS_REGISTRANTS_ONLY, 0x11, 0);
        h.assertGood();
        h.run(h.other, 512, LuHarness.cdb10(0x28, 0, 0, 1));
        assertEquals(ScsiStatus.RESERVATION_CONFLICT, h.task.status());
        out(h.other, 0, 0, 0, 0x22);
        h.assertGood();
        h.run(h.other, 512, LuHarness.cdb10(0x2A, 0, 0, 1));
        h.assertGood();

        in(h.nexus, 3);
        h.assertGood();
        final int length = (int)Bytes.u32(h.buffer, 4);
        int o = 8;
        int holders = 0;
        while (o < 8 + length)
        {
            if ((h.in(o + 12) & 1) != 0)
            {
                holders++;
                assertEquals(0x11, Bytes.u64(h.buffer, o));
                assertEquals(6, h.in(o + 13));
            }
            assertEquals(0x45, h.in(o + 24), "iSCSI TransportID with ISID");
            o += 24 + (int)Bytes.u32(h.buffer, o + 20);
        }
        assertEquals(8 + length, o);
        assertEquals(1, holders);

        in(h.nexus, 2);
        h.assertGood();
        assertEquals(8, Bytes.u16(h.buffer, 0));
        assertEquals(0xEA, h.in(4));

        // Unregistering the holder releases the reservation; the other registrant of this registrants-only type is
        // told RESERVATIONS RELEASED (SPC-4 5.12.11.2.3; libiscsi's ProutReserve.Ownership* clear it).
        out(h.nexus, 0, 0, 0x11, 0);
        h.assertGood();
        in(h.other, 1);
        h.assertSense(SenseKey.UNIT_ATTENTION, Asc.RESERVATIONS_RELEASED);
        in(h.other, 1);
        h.assertGood();
        assertEquals(0, Bytes.u32(h.buffer, 4));
    }

    @Test
    void parameterChecks()
    {
        h.run(h.nexus, 20, 0x5F, 0, 0, 0, 0, 0, 0, 0, 20, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.PARAMETER_LIST_LENGTH_ERROR);
        h.fill(0, 24, 0);
        h.buffer.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 20, (byte)1);
        h.run(h.nexus, 24, 0x5F, 0, 0, 0, 0, 0, 0, 0, 24, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_PARAMETER_LIST);
        h.assertFieldPointer(false, 20, 0);
        out(h.nexus, 0, 0, 0, 0x1);
        out(h.nexus, 1, 0x2, 0x1, 0);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
        in(h.nexus, 7);
        h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
    }
}
