package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

import static io.ringtarget.scsi.OperationCodes.SA_READ_FULL_STATUS;
import static io.ringtarget.scsi.OperationCodes.SA_READ_KEYS;
import static io.ringtarget.scsi.OperationCodes.SA_READ_RESERVATION;
import static io.ringtarget.scsi.OperationCodes.SA_REPORT_CAPABILITIES;

/**
 * PERSISTENT RESERVE IN (SPC-4 6.13): the parameter data of its four service actions, encoded from the
 * {@link RegistrationTable}'s published view (no lock: a PERSISTENT RESERVE OUT waiting for its storage under the
 * table's monitor does not hold it, nor the loop it runs on) into the task's scratch buffer.
 * <pre>
 *   READ KEYS           PRgeneration (4), ADDITIONAL LENGTH (4), a key (8) per registration
 *   READ RESERVATION    PRgeneration (4), ADDITIONAL LENGTH (4) = 0 or 16, then key (8), 4 obsolete bytes,
 *                       a reserved byte, SCOPE | TYPE, 2 obsolete bytes
 *   REPORT CAPABILITIES LENGTH (2) = 8, SIP_C ATP_C PTPL_C, TMV PTPL_A, the type mask (2), 2 reserved bytes
 *   READ FULL STATUS    PRgeneration (4), ADDITIONAL LENGTH (4), a descriptor per registration: key (8),
 *                       4 reserved bytes, ALL_TG_PT | R_HOLDER, SCOPE | TYPE, 4 reserved bytes,
 *                       RELATIVE TARGET PORT IDENTIFIER (2), ADDITIONAL DESCRIPTOR LENGTH (4), the TransportID
 * </pre>
 */
final class PersistentReserveIn
{
    private final RegistrationTable table;
    private final PersistThroughPowerLoss persistThroughPowerLoss;

    PersistentReserveIn(final RegistrationTable table, final PersistThroughPowerLoss persistThroughPowerLoss)
    {
        this.table = table;
        this.persistThroughPowerLoss = persistThroughPowerLoss;
    }

    void execute(final ScsiTask t, final MemorySegment cdb)
    {
        final int serviceAction = Bytes.u8(cdb, 1) & 0x1F;
        final int allocationLength = Bytes.u16(cdb, 7);
        final MemorySegment out = t.scratch();
        final RegistrationTable.View v = table.view();
        final int length;
        switch (serviceAction)
        {
            case SA_READ_KEYS:
                length = readKeys(v, out);
                break;
            case SA_READ_RESERVATION:
                length = readReservation(v, out);
                break;
            case SA_REPORT_CAPABILITIES:
                length = reportCapabilities(v, out);
                break;
            case SA_READ_FULL_STATUS:
                length = readFullStatus(v, out);
                break;
            default:
                Responses.invalidCdb(t, 1, 4);
                return;
        }
        Responses.dataIn(t, length, allocationLength);
    }

    /** SPC-4 6.13.2: every registered I_T nexus' key (an ALL_TG_PT registration once per port). */
    private static int readKeys(final RegistrationTable.View v, final MemorySegment out)
    {
        final int count = v.count;
        Bytes.put32(out, 0, v.generation & 0xFFFF_FFFFL);
        Bytes.put32(out, 4, 8L * count);
        for (int i = 0; i < count; i++)
        {
            Bytes.put64(out, 8 + 8 * i, v.key[i]);
        }
        return 8 + 8 * count;
    }

    /** SPC-4 6.13.3. */
    private static int readReservation(final RegistrationTable.View v, final MemorySegment out)
    {
        Bytes.put32(out, 0, v.generation & 0xFFFF_FFFFL);
        if (v.type == 0)
        {
            Bytes.put32(out, 4, 0);
            return 8;
        }
        Bytes.zero(out, 4, 20);
        Bytes.put32(out, 4, 16);
        // All-registrants reservations report key 0 (SPC-4 5.12.10).
        Bytes.put64(out, 8, v.holder < 0 ? 0 : v.key[v.holder]);
        Bytes.put8(out, 21, v.type & 0x0F); // scope 0 = logical unit
        return 24;
    }

    /** SPC-4 6.13.4: SIP_C, ATP_C, PTPL_C (when a state directory is set); TMV and PTPL_A. */
    private int reportCapabilities(final RegistrationTable.View v, final MemorySegment out)
    {
        Bytes.zero(out, 0, 8);
        Bytes.put16(out, 0, 8);
        Bytes.put8(out, 2, 0x08 | 0x04 | (persistThroughPowerLoss.offered() ? 0x01 : 0));
        Bytes.put8(out, 3, 0x80 | (v.aptpl ? 0x01 : 0));
        Bytes.put8(out, 4, 0x80 | 0x40 | 0x20 | 0x08 | 0x02); // WR_EX_AR EX_AC_RO WR_EX_RO EX_AC WR_EX
        Bytes.put8(out, 5, 0x01); // EX_AC_AR
        return 8;
    }

    /**
     * SPC-4 6.13.5: one descriptor per registered I_T nexus: key, ALL_TG_PT, R_HOLDER with scope and type, relative
     * target port, and the initiator's TransportID (7.6.4.6: format 01b for a port, 00b for a device). As many as
     * the scratch buffer holds.
     */
    private static int readFullStatus(final RegistrationTable.View v, final MemorySegment out)
    {
        Bytes.put32(out, 0, v.generation & 0xFFFF_FFFFL);
        int o = 8;
        for (int i = 0; i < v.count; i++)
        {
            final int idLength = TransportIds.encodedLength(v.port[i]);
            if (o + 24 + idLength > ScsiTask.SCRATCH_SIZE)
            {
                break;
            }
            Bytes.zero(out, o, 24);
            Bytes.put64(out, o, v.key[i]);
            final boolean holds = v.holds[i];
            Bytes.put8(out, o + 12, (v.allTargetPorts[i] ? 0x02 : 0) | (holds ? 0x01 : 0));
            if (holds)
            {
                Bytes.put8(out, o + 13, v.type & 0x0F);
            }
            Bytes.put16(out, o + 18, v.rtpi[i]);
            Bytes.put32(out, o + 20, idLength);
            TransportIds.encode(out, o + 24, v.port[i]);
            o += 24 + idLength;
        }
        Bytes.put32(out, 4, o - 8);
        return o;
    }
}
