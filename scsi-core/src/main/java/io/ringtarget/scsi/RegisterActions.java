package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

import static io.ringtarget.scsi.PersistentReservations.allRegistrants;
import static io.ringtarget.scsi.PersistentReservations.registrantsOnly;
import static io.ringtarget.scsi.PersistentReserveOut.BASIC_LIST_LENGTH;
import static io.ringtarget.scsi.PersistentReserveOut.SPEC_I_PT_HEADER;
import static io.ringtarget.scsi.RegistrationTable.MAX_REGISTRATIONS;
import static io.ringtarget.scsi.ReserveOutOutcome.CONFLICT;
import static io.ringtarget.scsi.ReserveOutOutcome.GOOD;
import static io.ringtarget.scsi.ReserveOutOutcome.illegal;
import static io.ringtarget.scsi.ReserveOutOutcome.invalidCdb;
import static io.ringtarget.scsi.ReserveOutOutcome.invalidParameter;

/**
 * The registering service actions of PERSISTENT RESERVE OUT: REGISTER and REGISTER AND IGNORE EXISTING KEY (SPC-4
 * 5.12.7: with ALL_TG_PT through every target port of the logical unit, with SPEC_I_PT also for the initiator ports
 * the TransportIDs name; key 0 unregisters, 5.12.11.2.3) and REGISTER AND MOVE (5.12.8). Each runs under the
 * {@link RegistrationTable}'s monitor, inside {@link PersistentReserveOut}'s transaction, and returns a
 * {@link ReserveOutOutcome}; nothing is changed on a path that does not return GOOD.
 */
final class RegisterActions
{
    private final LogicalUnit lu;
    private final RegistrationTable table;
    private final ReserveOutEffects effects;

    RegisterActions(final LogicalUnit lu, final RegistrationTable table, final ReserveOutEffects effects)
    {
        this.lu = lu;
        this.table = table;
        this.effects = effects;
    }

    /** SPC-4 5.12.7 (table 49) and 5.12.11.2.3. */
    long register(
        final ScsiTask t, final ItNexus n, final int me, final long reservationKey, final long serviceActionKey,
        final boolean ignore, final boolean allTargetPortsBit, final boolean specifyInitiatorPorts,
        final boolean aptplBit)
    {
        if (me < 0)
        {
            if (!ignore && reservationKey != 0)
            {
                return CONFLICT;
            }
            if (serviceActionKey == 0)
            {
                return GOOD; // nothing to register, nothing changes
            }
            return registerUnregistered(t, n, serviceActionKey, allTargetPortsBit, specifyInitiatorPorts, aptplBit);
        }
        if (!ignore && table.key(me) != reservationKey)
        {
            return CONFLICT;
        }
        if (specifyInitiatorPorts)
        {
            return invalidParameter(20, 3); // SPEC_I_PT from a registered I_T nexus
        }
        if (serviceActionKey == 0)
        {
            unregister(me);
        }
        else
        {
            table.changeKey(me, serviceActionKey);
        }
        table.nextGeneration();
        table.aptpl(aptplBit);
        return GOOD;
    }

    /**
     * REGISTER from an unregistered I_T nexus with a key: the receiving I_T nexus, through every target port with
     * ALL_TG_PT; then each TransportID's initiator port through the same port(s). All or nothing: checked before
     * anything is added.
     */
    private long registerUnregistered(
        final ScsiTask t, final ItNexus n, final long serviceActionKey, final boolean allTargetPortsBit,
        final boolean specifyInitiatorPorts, final boolean aptplBit)
    {
        final TargetPort[] ports = allTargetPortsBit ? lu.targetPortArray() : null;
        final String[] names = new String[1 + MAX_REGISTRATIONS];
        int nameCount = 0;
        names[nameCount++] = n.initiatorPortName();
        if (specifyInitiatorPorts)
        {
            final MemorySegment p = t.dataBuffer();
            final long end = SPEC_I_PT_HEADER + Bytes.u32(p, 24);
            long o = SPEC_I_PT_HEADER;
            while (o < end)
            {
                final TransportIds.Parsed id = TransportIds.parse(p, o, end - o);
                if (id.name == null)
                {
                    return invalidParameter((int)o + id.errorOffset, id.errorBit);
                }
                if (nameCount == names.length)
                {
                    return illegal(Asc.INSUFFICIENT_REGISTRATION_RESOURCES);
                }
                names[nameCount++] = id.name;
                o += id.length;
            }
        }
        final String[] newPort = new String[MAX_REGISTRATIONS];
        final int[] newRtpi = new int[MAX_REGISTRATIONS];
        int adding = 0;
        for (int k = 0; k < nameCount; k++)
        {
            final int portCount = ports == null ? 1 : ports.length + 1;
            for (int q = 0; q < portCount; q++)
            {
                final int r = q == 0 ? n.relativeTargetPortId() : ports[q - 1].relativeTargetPortId();
                if (q > 0 && r == n.relativeTargetPortId())
                {
                    continue;
                }
                // An I_T nexus already registered keeps its registration (as LIO: SPC-4 leaves it open).
                boolean known = table.findOverlapping(names[k], r) >= 0;
                for (int a = 0; a < adding && !known; a++)
                {
                    known = newRtpi[a] == r && TransportIds.overlap(newPort[a], names[k]);
                }
                if (known)
                {
                    continue;
                }
                if (table.count() + adding == MAX_REGISTRATIONS)
                {
                    return illegal(Asc.INSUFFICIENT_REGISTRATION_RESOURCES);
                }
                newPort[adding] = names[k];
                newRtpi[adding] = r;
                adding++;
            }
        }
        for (int a = 0; a < adding; a++)
        {
            table.add(newPort[a], newRtpi[a], serviceActionKey, allTargetPortsBit);
        }
        table.nextGeneration();
        table.aptpl(aptplBit);
        return GOOD;
    }

    /** SPC-4 5.12.11.2.3: the I_T nexus (and its ALL_TG_PT group) unregisters. */
    private void unregister(final int me)
    {
        final boolean[] gone = new boolean[table.count()];
        for (int i = 0; i < table.count(); i++)
        {
            gone[i] = table.sameGroup(i, me);
        }
        final int typeBefore = table.type();
        final boolean wasHolder = table.holds(me);
        table.removeMarked(gone);
        if (wasHolder && table.type() == 0 && registrantsOnly(typeBefore))
        {
            // The holder of a registrants-only reservation left: every other registrant is told.
            for (int i = 0; i < table.count(); i++)
            {
                effects.unitAttention(table, i, Asc.RESERVATIONS_RELEASED);
            }
        }
    }

    /** SPC-4 5.12.8 (table 50). */
    long registerAndMove(
        final ScsiTask t, final ItNexus n, final int me, final long serviceActionKey, final boolean aptplBit)
    {
        final MemorySegment p = t.dataBuffer();
        if (serviceActionKey == 0)
        {
            return invalidParameter(8, -1);
        }
        final long idLength = Bytes.u32(p, 20);
        final TransportIds.Parsed id = TransportIds.parse(p, BASIC_LIST_LENGTH, idLength);
        if (id.name == null)
        {
            return invalidParameter(BASIC_LIST_LENGTH + id.errorOffset, id.errorBit);
        }
        final int destinationRtpi = Bytes.u16(p, 18);
        if (!lu.hasTargetPort(destinationRtpi) && destinationRtpi != n.relativeTargetPortId())
        {
            return invalidParameter(18, -1);
        }
        if (TransportIds.overlap(id.name, n.initiatorPortName()))
        {
            // The destination is the initiator port the command came from.
            return invalidParameter(BASIC_LIST_LENGTH, -1);
        }
        if (table.type() == 0)
        {
            return invalidCdb(1, 4); // nothing to move (as LIO)
        }
        if (!table.holds(me) || allRegistrants(table.type()))
        {
            return CONFLICT; // only the holder moves, and never an all-registrants reservation
        }
        int destination = table.findOverlapping(id.name, destinationRtpi);
        if (destination < 0)
        {
            if (table.count() == MAX_REGISTRATIONS)
            {
                return illegal(Asc.INSUFFICIENT_REGISTRATION_RESOURCES);
            }
            table.add(id.name, destinationRtpi, serviceActionKey, false);
            destination = table.count() - 1;
        }
        table.moveReservationTo(destination, serviceActionKey);
        if ((Bytes.u8(p, 17) & 0x02) != 0)
        {
            // UNREG: the I_T nexus the command came through unregisters (only it, not its ALL_TG_PT siblings).
            final boolean[] gone = new boolean[table.count()];
            gone[me] = true;
            table.removeMarked(gone);
        }
        table.nextGeneration();
        table.aptpl(aptplBit);
        return GOOD;
    }
}
