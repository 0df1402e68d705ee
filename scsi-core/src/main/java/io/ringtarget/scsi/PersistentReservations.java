package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static io.ringtarget.scsi.OperationCodes.SA_CLEAR;
import static io.ringtarget.scsi.ReserveOutOutcome.CONFLICT;
import static io.ringtarget.scsi.ReserveOutOutcome.FAILED;
import static io.ringtarget.scsi.ReserveOutOutcome.GOOD;
import static io.ringtarget.scsi.ReserveOutOutcome.illegal;
import static io.ringtarget.scsi.ReserveOutOutcome.invalidCdb;
import static io.ringtarget.scsi.ReserveOutOutcome.invalidParameter;
import static io.ringtarget.scsi.OperationCodes.SA_PREEMPT;
import static io.ringtarget.scsi.OperationCodes.SA_PREEMPT_AND_ABORT;
import static io.ringtarget.scsi.OperationCodes.SA_REGISTER;
import static io.ringtarget.scsi.OperationCodes.SA_REGISTER_AND_IGNORE_EXISTING_KEY;
import static io.ringtarget.scsi.OperationCodes.SA_REGISTER_AND_MOVE;
import static io.ringtarget.scsi.OperationCodes.SA_RELEASE;
import static io.ringtarget.scsi.OperationCodes.SA_RESERVE;

/**
 * SPC-4 5.12 persistent reservations of one logical unit, shared by every I_T nexus through every target port of
 * it: the registrations (an initiator port, or with a format 00b TransportID a whole initiator device, through one
 * relative target port, with its key), at most one logical-unit-scope reservation, the PRgeneration.
 * <p>
 * Every service action: REGISTER (with ALL_TG_PT: through every target port of the logical unit; with SPEC_I_PT:
 * for the initiator ports the TransportIDs name), REGISTER AND IGNORE EXISTING KEY, RESERVE, RELEASE, CLEAR,
 * PREEMPT, PREEMPT AND ABORT (the aborts are handed to the transport through {@link AbortRequests}), REGISTER AND
 * MOVE; the unit attentions SPC-4 5.12.11 names for the initiator ports that lose a registration or a
 * reservation; APTPL ({@link PersistThroughPowerLoss}) when the logical unit has a state directory.
 * <p>
 * Threads: PERSISTENT RESERVE IN/OUT (any loop) take the {@link RegistrationTable}'s monitor; an APTPL write happens
 * inside it, on that loop (a few milliseconds, rare). Other commands never lock: they read the immutable
 * {@link RegistrationTable.View} published after each change, and pay one volatile read while no persistent
 * reservation exists.
 * <p>
 * A registration made with ALL_TG_PT=1 is one registration per target port; they change key and end together
 * (REGISTER through any of them), and when one of them holds the reservation, all of them do (the initiator port
 * holds it through every target port).
 */
final class PersistentReservations
{
    static final int TYPE_WRITE_EXCLUSIVE = 0x1;
    static final int TYPE_EXCLUSIVE_ACCESS = 0x3;
    static final int TYPE_WRITE_EXCLUSIVE_REGISTRANTS_ONLY = 0x5;
    static final int TYPE_EXCLUSIVE_ACCESS_REGISTRANTS_ONLY = 0x6;
    static final int TYPE_WRITE_EXCLUSIVE_ALL_REGISTRANTS = 0x7;
    static final int TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS = 0x8;

    private static final int BASIC_LIST_LENGTH = 24;
    private static final int SPEC_I_PT_HEADER = 28;

    private final LogicalUnit lu;

    private final RegistrationTable table = new RegistrationTable();
    private final PersistThroughPowerLoss persistThroughPowerLoss;
    private final PersistentReserveIn reserveIn;
    private final ReserveOutEffects effects;

    PersistentReservations(final LogicalUnit lu, final UnitAttentions unitAttentions,
        final AbortRequests abortRequests)
    {
        this.lu = lu;
        this.effects = new ReserveOutEffects(unitAttentions, abortRequests);
        this.persistThroughPowerLoss = new PersistThroughPowerLoss(lu, table);
        this.reserveIn = new PersistentReserveIn(table, persistThroughPowerLoss);
    }

    static boolean allRegistrants(final int type)
    {
        return type == TYPE_WRITE_EXCLUSIVE_ALL_REGISTRANTS || type == TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    private static boolean registrantsOnly(final int type)
    {
        return type == TYPE_WRITE_EXCLUSIVE_REGISTRANTS_ONLY || type == TYPE_EXCLUSIVE_ACCESS_REGISTRANTS_ONLY;
    }

    static boolean validType(final int type)
    {
        return type == TYPE_WRITE_EXCLUSIVE || type == TYPE_EXCLUSIVE_ACCESS ||
            (type >= TYPE_WRITE_EXCLUSIVE_REGISTRANTS_ONLY && type <= TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS);
    }

    private static boolean exclusiveAccess(final int t)
    {
        return t == TYPE_EXCLUSIVE_ACCESS || t == TYPE_EXCLUSIVE_ACCESS_REGISTRANTS_ONLY ||
            t == TYPE_EXCLUSIVE_ACCESS_ALL_REGISTRANTS;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The command path (lock-free).

    /** A persistent reservation exists: one volatile read. */
    boolean reserved()
    {
        return table.view().type != 0;
    }

    /** Registrations now, without the lock (RESERVE/RELEASE(6)/(10) conflict while there are any, SPC-4 5.12.3). */
    int registrationCount()
    {
        return table.view().count;
    }

    /**
     * SPC-4 5.12.1 table 45 (as {@link OpcodeTable}'s reservation classes sum it up): may a command of this class
     * from this nexus run under the current persistent reservation? Lock- and allocation-free.
     */
    boolean conflicts(final ItNexus n, final int reservationClass)
    {
        final RegistrationTable.View v = table.view();
        final int t = v.type;
        if (t == 0 || n == null)
        {
            return false;
        }
        boolean registered = false;
        for (int i = 0; i < v.count; i++)
        {
            if (v.rtpi[i] == n.relativeTargetPortId() &&
                TransportIds.covers(v.port[i], v.device[i], n.initiatorPortName()))
            {
                if (v.holds[i])
                {
                    return false;
                }
                registered = true;
            }
        }
        if (registered && registrantsOnly(t))
        {
            return false; // registrants have full access under the "registrants only" types
        }
        switch (reservationClass)
        {
            case OpcodeTable.PR_ALLOWED:
                return false;
            case OpcodeTable.PR_WRITE_EXCLUSIVE_ALLOWED:
                return exclusiveAccess(t);
            default:
                return true;
        }
    }

    void persistIn(final Path stateDirectory, final String serial) throws PersistentReservationStateException
    {
        persistThroughPowerLoss.offer(stateDirectory, serial);
    }

    Path stateFile()
    {
        return persistThroughPowerLoss.file();
    }

    int generation()
    {
        synchronized (table)
        {
            return table.generation();
        }
    }

    /** PERSISTENT RESERVE IN (SPC-4 6.13). */
    void in(final ScsiTask t, final MemorySegment cdb)
    {
        reserveIn.execute(t, cdb);
    }

    // ---------------------------------------------------------------------------------------------------------
    // PERSISTENT RESERVE OUT (SPC-4 6.14, 5.12).

    void out(final ScsiTask t, final MemorySegment cdb)
    {
        final int serviceAction = Bytes.u8(cdb, 1) & 0x1F;
        final int scope = Bytes.u8(cdb, 2) >>> 4;
        final int requestedType = Bytes.u8(cdb, 2) & 0x0F;
        final long parameterListLength = Bytes.u32(cdb, 5);
        t.residual(parameterListLength);
        if (serviceAction > SA_REGISTER_AND_MOVE)
        {
            Responses.invalidCdb(t, 1, 4); // REPLACE LOST RESERVATION: not offered
            return;
        }
        // SPC-4 6.14.1: the basic parameter list is 24 bytes; SPEC_I_PT and REGISTER AND MOVE add TransportIDs.
        if (parameterListLength < BASIC_LIST_LENGTH || Responses.room(t) < parameterListLength)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return;
        }
        final MemorySegment p = t.dataBuffer();
        final boolean move = serviceAction == SA_REGISTER_AND_MOVE;
        final int flags = move ? Bytes.u8(p, 17) : Bytes.u8(p, 20);
        final int flagsOffset = move ? 17 : 20;
        final boolean specifyInitiatorPorts = !move && (flags & 0x08) != 0;
        final boolean allTargetPortsBit = !move && (flags & 0x04) != 0;
        final boolean registering = serviceAction == SA_REGISTER || serviceAction == SA_REGISTER_AND_IGNORE_EXISTING_KEY;
        final boolean aptplBit = (registering || move) && (flags & 0x01) != 0;
        if (specifyInitiatorPorts && serviceAction != SA_REGISTER)
        {
            Responses.invalidParameter(t, 20, 3); // SPC-4 6.14.3: SPEC_I_PT only with REGISTER
            return;
        }
        if (move)
        {
            // SPC-4 6.14.4: 24 bytes, then the TransportID of the destination.
            if (BASIC_LIST_LENGTH + Bytes.u32(p, 20) != parameterListLength)
            {
                Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
                return;
            }
        }
        else if (specifyInitiatorPorts)
        {
            // SPC-4 6.14.3: 24 bytes, the TRANSPORTID PARAMETER DATA LENGTH, the TransportIDs.
            if (parameterListLength < SPEC_I_PT_HEADER ||
                SPEC_I_PT_HEADER + Bytes.u32(p, 24) != parameterListLength)
            {
                Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
                return;
            }
        }
        else if (parameterListLength != BASIC_LIST_LENGTH)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return;
        }
        final boolean typed = serviceAction == SA_RESERVE || serviceAction == SA_RELEASE ||
            serviceAction == SA_PREEMPT || serviceAction == SA_PREEMPT_AND_ABORT;
        if (typed && scope != 0)
        {
            Responses.invalidCdb(t, 2, 7); // only logical unit scope
            return;
        }
        if (typed && !validType(requestedType))
        {
            Responses.invalidCdb(t, 2, 3);
            return;
        }
        final ItNexus n = t.nexus();
        if (n == null)
        {
            Responses.illegal(t, Asc.LOGICAL_UNIT_COMMUNICATION_FAILURE, 0);
            return;
        }
        final long reservationKey = Bytes.u64(p, 0);
        final long serviceActionKey = Bytes.u64(p, 8);
        final long outcome;
        synchronized (table)
        {
            if (aptplBit && !persistThroughPowerLoss.offered())
            {
                outcome = invalidParameter(flagsOffset, 0); // PTPL_C=0
            }
            else
            {
                outcome = outLocked(t, n, serviceAction, requestedType, reservationKey, serviceActionKey,
                    allTargetPortsBit, specifyInitiatorPorts, aptplBit);
            }
        }
        ReserveOutOutcome.respond(t, outcome);
    }

    private long outLocked(
        final ScsiTask t, final ItNexus n, final int serviceAction, final int requestedType, final long reservationKey,
        final long serviceActionKey, final boolean allTargetPortsBit, final boolean specifyInitiatorPorts,
        final boolean aptplBit)
    {
        effects.clear();
        final boolean wasAptpl = table.aptpl();
        final PersistentReservationStore.State before = persistThroughPowerLoss.before();
        final int me = table.find(n);
        final long outcome;
        switch (serviceAction)
        {
            case SA_REGISTER:
            case SA_REGISTER_AND_IGNORE_EXISTING_KEY:
                outcome = register(t, n, me, reservationKey, serviceActionKey,
                    serviceAction == SA_REGISTER_AND_IGNORE_EXISTING_KEY, allTargetPortsBit, specifyInitiatorPorts,
                    aptplBit);
                break;
            default:
                if (me < 0 || table.key(me) != reservationKey)
                {
                    // SPC-4 5.12.1: only a registered I_T nexus, with its own key.
                    outcome = CONFLICT;
                }
                else if (serviceAction == SA_REGISTER_AND_MOVE)
                {
                    outcome = registerAndMove(t, n, me, serviceActionKey, aptplBit);
                }
                else
                {
                    outcome = reservationAction(serviceAction, me, requestedType, serviceActionKey);
                }
                break;
        }
        if (outcome != GOOD)
        {
            return outcome;
        }
        if (!persistThroughPowerLoss.persist(before, wasAptpl))
        {
            return FAILED;
        }
        table.publish();
        effects.apply();
        return GOOD;
    }

    /** SPC-4 5.12.7 (table 49) and 5.12.11.2.3. */
    private long register(
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
            // The receiving I_T nexus, through every target port with ALL_TG_PT; then each TransportID's initiator
            // port through the same port(s). All or nothing: checked before anything is added.
            final TargetPort[] ports = allTargetPortsBit ? lu.targetPortArray() : null;
            final String[] names = new String[1 + RegistrationTable.MAX_REGISTRATIONS];
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
            final String[] newPort = new String[RegistrationTable.MAX_REGISTRATIONS];
            final int[] newRtpi = new int[RegistrationTable.MAX_REGISTRATIONS];
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
                    if (table.count() + adding == RegistrationTable.MAX_REGISTRATIONS)
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

    private long reservationAction(final int serviceAction, final int me, final int requestedType, final long saKey)
    {
        switch (serviceAction)
        {
            case SA_RESERVE:
                // SPC-4 5.12.9: one reservation; its holder may repeat it with the same type.
                if (table.type() != 0)
                {
                    return table.holds(me) && table.type() == requestedType ? GOOD : CONFLICT;
                }
                table.reserve(requestedType, me);
                return GOOD;
            case SA_RELEASE:
                return release(me, requestedType);
            case SA_CLEAR:
                // SPC-4 5.12.11.2.6: release, remove every registration; the others learn RESERVATIONS PREEMPTED.
                effects.unitAttentionForOthers(table, me, Asc.RESERVATIONS_PREEMPTED);
                table.clear();
                table.nextGeneration();
                return GOOD;
            default:
                return preempt(me, requestedType, saKey, serviceAction == SA_PREEMPT_AND_ABORT);
        }
    }

    /** SPC-4 5.12.11.2.2. */
    private long release(final int me, final int requestedType)
    {
        if (table.type() == 0 || !table.holds(me))
        {
            return GOOD; // no reservation, or not its holder: nothing happens
        }
        if (table.type() != requestedType)
        {
            return illegal(Asc.INVALID_RELEASE_OF_PERSISTENT_RESERVATION);
        }
        final int old = table.type();
        table.release();
        if (registrantsOnly(old) || allRegistrants(old))
        {
            effects.unitAttentionForOthers(table, me, Asc.RESERVATIONS_RELEASED);
        }
        return GOOD;
    }

    /** SPC-4 5.12.11.2.4 (PREEMPT) and 5.12.11.2.6 (PREEMPT AND ABORT), figure "Device server interpretation". */
    private long preempt(final int me, final int requestedType, final long saKey, final boolean abort)
    {
        final boolean allRegistrantsReservation = table.type() != 0 && allRegistrants(table.type());
        if (!allRegistrantsReservation && saKey == 0)
        {
            return invalidParameter(8, -1);
        }
        final boolean[] gone = new boolean[table.count()];
        final int typeBefore = table.type();
        if (allRegistrantsReservation && saKey == 0)
        {
            // Every other registration goes; the reservation becomes the preempting nexus' with the new type.
            for (int i = 0; i < table.count(); i++)
            {
                gone[i] = !table.sameGroup(i, me);
            }
            final String mePort = table.port(me);
            final int meRtpi = table.rtpi(me);
            effects.preempted(table, gone, abort);
            table.removeMarked(gone);
            table.reserve(requestedType, table.findExact(mePort, meRtpi));
            table.nextGeneration();
            return GOOD;
        }
        if (table.type() != 0 && !allRegistrantsReservation && table.key(table.holder()) == saKey)
        {
            // The key names the holder: its registrations (and every other with that key) go, the preempting nexus
            // holds a reservation of the type it asked for. Preempting itself is not an error.
            for (int i = 0; i < table.count(); i++)
            {
                gone[i] = table.key(i) == saKey && !table.sameGroup(i, me);
            }
            final String mePort = table.port(me);
            final int meRtpi = table.rtpi(me);
            effects.preempted(table, gone, abort);
            table.release();
            table.removeMarked(gone);
            final int now = table.findExact(mePort, meRtpi);
            table.reserve(requestedType, now);
            if (typeBefore != requestedType)
            {
                // SPC-4 5.12.11.2.4 e): the type changed, the remaining registrants learn RESERVATIONS RELEASED.
                effects.unitAttentionForOthers(table, now, Asc.RESERVATIONS_RELEASED);
            }
            table.nextGeneration();
            return GOOD;
        }
        // No reservation, a key that does not name the holder, or an all-registrants reservation and a key: only
        // the registrations with that key go (SPC-4 5.12.11.2.4.4), the issuer's too if it has that key.
        boolean any = false;
        for (int i = 0; i < table.count(); i++)
        {
            gone[i] = table.key(i) == saKey;
            any |= gone[i];
        }
        if (!any)
        {
            return CONFLICT; // SPC-4 5.12.11.2.4: a key nobody registered
        }
        final boolean[] others = new boolean[table.count()];
        for (int i = 0; i < table.count(); i++)
        {
            others[i] = gone[i] && !table.sameGroup(i, me);
        }
        effects.preempted(table, others, abort);
        table.removeMarked(gone);
        table.nextGeneration();
        return GOOD;
    }

    /** SPC-4 5.12.8 (table 50). */
    private long registerAndMove(
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
        boolean portKnown = false;
        for (final TargetPort tp : lu.targetPortArray())
        {
            portKnown |= tp.relativeTargetPortId() == destinationRtpi;
        }
        if (!portKnown && destinationRtpi != n.relativeTargetPortId())
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
            if (table.count() == RegistrationTable.MAX_REGISTRATIONS)
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
