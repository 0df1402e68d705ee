package io.ringtarget.scsi;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import static io.ringtarget.scsi.OperationCodes.SA_PREEMPT;
import static io.ringtarget.scsi.OperationCodes.SA_PREEMPT_AND_ABORT;
import static io.ringtarget.scsi.OperationCodes.SA_REGISTER;
import static io.ringtarget.scsi.OperationCodes.SA_REGISTER_AND_IGNORE_EXISTING_KEY;
import static io.ringtarget.scsi.OperationCodes.SA_REGISTER_AND_MOVE;
import static io.ringtarget.scsi.OperationCodes.SA_RELEASE;
import static io.ringtarget.scsi.OperationCodes.SA_RESERVE;
import static io.ringtarget.scsi.ReserveOutOutcome.CONFLICT;
import static io.ringtarget.scsi.ReserveOutOutcome.FAILED;
import static io.ringtarget.scsi.ReserveOutOutcome.GOOD;

/**
 * PERSISTENT RESERVE OUT (SPC-4 6.14): the CDB and parameter list checks, then one service action as a
 * transaction under the {@link RegistrationTable}'s monitor: {@link RegisterActions} or {@link ReservationActions}
 * change the table and collect their {@link ReserveOutEffects}; {@link PersistThroughPowerLoss} writes the state when
 * APTPL asks for it (or puts the table back when that fails); only then is the table published and are the unit
 * attentions and abort requests applied. A command that fails changes nothing anyone sees. When several gateways
 * export the logical unit, the state they share replaces the APTPL file ({@link SharedReservations}): read before the
 * action, stored after it, announced to the others before the command completes. The transaction, which may wait for
 * storage under the monitor (the shared state's cluster, the APTPL file's fsync), runs on the thread the task's
 * device gives it ({@link BlockDevice#runAside}), not on a loop.
 * <pre>
 *   basic parameter list (6.14.3)                     REGISTER AND MOVE (6.14.4)
 *   0-7    RESERVATION KEY                            0-7    RESERVATION KEY
 *   8-15   SERVICE ACTION RESERVATION KEY             8-15   SERVICE ACTION RESERVATION KEY
 *   16-19  obsolete                                   16     reserved
 *   20     SPEC_I_PT (3), ALL_TG_PT (2), APTPL (0)    17     UNREG (1), APTPL (0)
 *   21     reserved                                   18-19  RELATIVE TARGET PORT IDENTIFIER
 *   22-23  obsolete                                   20-23  TRANSPORTID PARAMETER DATA LENGTH
 *   24-27  with SPEC_I_PT: TRANSPORTID PARAMETER      24-    the destination's TransportID
 *          DATA LENGTH, then from 28 the TransportIDs
 * </pre>
 */
final class PersistentReserveOut implements BlockDevice.AsideWork
{
    static final int BASIC_LIST_LENGTH = 24;
    static final int SPEC_I_PT_HEADER = 28;
    /** Shared state: how often a change is run again on a newer state before it fails. */
    static final int MAX_SHARED_ATTEMPTS = 16;

    private final LogicalUnit lu;
    private final RegistrationTable table;
    private final PersistThroughPowerLoss persistThroughPowerLoss;
    private final ReserveOutEffects effects;
    private final RegisterActions registerActions;
    private final ReservationActions reservationActions;
    /** Set once, before the logical unit serves, when the state is shared by several gateways; else null. */
    private volatile SharedReservations shared;

    PersistentReserveOut(final LogicalUnit lu, final RegistrationTable table,
        final PersistThroughPowerLoss persistThroughPowerLoss, final ReserveOutEffects effects)
    {
        this.lu = lu;
        this.table = table;
        this.persistThroughPowerLoss = persistThroughPowerLoss;
        this.effects = effects;
        this.registerActions = new RegisterActions(lu, table, effects);
        this.reservationActions = new ReservationActions(table, effects);
    }

    /**
     * Checks the CDB and the parameter list, then runs the service action and answers the task on the thread the
     * task's device runs work that waits for storage on ({@link #runAside}; here without a device).
     */
    void execute(final ScsiTask t, final MemorySegment cdb)
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
        final boolean specifyInitiatorPorts = !move && (Bytes.u8(p, flagsOffset(serviceAction)) & 0x08) != 0;
        if (specifyInitiatorPorts && serviceAction != SA_REGISTER)
        {
            Responses.invalidParameter(t, 20, 3); // SPC-4 6.14.3: SPEC_I_PT only with REGISTER
            return;
        }
        if (!lengthMatches(p, parameterListLength, move, specifyInitiatorPorts))
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
        if (typed && !PersistentReservations.validType(requestedType))
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
        final BlockDevice device = t.device();
        if (null != device)
        {
            // The transaction holds the table's monitor while it waits for storage (an APTPL file's fsync, a shared
            // state's cluster): off the loop, whose other sessions go on; one at a time per device's backstore.
            t.phase = MediaSteps.PHASE_RESERVE_OUT;
            device.runAside(t, this);
            return;
        }
        ReserveOutOutcome.respond(t, transaction(t, cdb, p));
    }

    /** {@link BlockDevice#runAside}: the transaction, its outcome left in the task. */
    @Override
    public void runAside(final ScsiTask t)
    {
        long outcome;
        try
        {
            outcome = transaction(t, t.cdb(), t.dataBuffer());
        }
        catch (final RuntimeException ex)
        {
            lu.reportInternalError(ex); // off the loop, outside the command's fault boundary
            outcome = FAILED;
        }
        t.asideOutcome = outcome;
    }

    /** The service action of a checked command as one transaction; its announcement, if any, once it is stored. */
    private long transaction(final ScsiTask t, final MemorySegment cdb, final MemorySegment p)
    {
        final int serviceAction = Bytes.u8(cdb, 1) & 0x1F;
        final int requestedType = Bytes.u8(cdb, 2) & 0x0F;
        final boolean move = serviceAction == SA_REGISTER_AND_MOVE;
        final int flagsOffset = flagsOffset(serviceAction);
        final int flags = Bytes.u8(p, flagsOffset);
        final boolean specifyInitiatorPorts = !move && (flags & 0x08) != 0;
        final boolean allTargetPortsBit = !move && (flags & 0x04) != 0;
        final boolean aptplBit = aptplBit(serviceAction, flags);
        final ItNexus n = t.nexus();
        final long reservationKey = Bytes.u64(p, 0);
        final long serviceActionKey = Bytes.u64(p, 8);
        final SharedReservations sharedState = shared;
        final long outcome;
        byte[] announcement = null;
        synchronized (table)
        {
            if (aptplBit && !persistThroughPowerLoss.offered())
            {
                outcome = ReserveOutOutcome.invalidParameter(flagsOffset, 0); // PTPL_C=0
            }
            else if (null == sharedState)
            {
                outcome = outLocked(t, n, serviceAction, requestedType, reservationKey, serviceActionKey,
                    allTargetPortsBit, specifyInitiatorPorts, aptplBit);
            }
            else
            {
                outcome = outShared(sharedState, t, n, serviceAction, requestedType, reservationKey,
                    serviceActionKey, allTargetPortsBit, specifyInitiatorPorts, aptplBit);
                announcement = sharedState.takePending();
            }
        }
        if (null != announcement)
        {
            sharedState.announce(announcement); // the other gateways have it before the initiator hears GOOD
        }
        return outcome;
    }

    /** The state is kept with the other gateways' from now on ({@link SharedReservations}). */
    void share(final SharedReservations sharedState)
    {
        this.shared = sharedState;
    }

    /** The shared state, or null. */
    SharedReservations shared()
    {
        return shared;
    }

    /** Where the parameter list's SPEC_I_PT, ALL_TG_PT and APTPL bits are (SPC-4 6.14.3, 6.14.4). */
    private static int flagsOffset(final int serviceAction)
    {
        return serviceAction == SA_REGISTER_AND_MOVE ? 17 : 20;
    }

    /** APTPL: only REGISTER, REGISTER AND IGNORE EXISTING KEY and REGISTER AND MOVE set it (SPC-4 6.14.3). */
    private static boolean aptplBit(final int serviceAction, final int flags)
    {
        final boolean registers = serviceAction == SA_REGISTER ||
            serviceAction == SA_REGISTER_AND_IGNORE_EXISTING_KEY || serviceAction == SA_REGISTER_AND_MOVE;
        return registers && (flags & 0x01) != 0;
    }

    /** The parameter list is as long as its fields say. */
    private static boolean lengthMatches(
        final MemorySegment p, final long length, final boolean move, final boolean specifyInitiatorPorts)
    {
        if (move)
        {
            // SPC-4 6.14.4: 24 bytes, then the TransportID of the destination.
            return BASIC_LIST_LENGTH + Bytes.u32(p, 20) == length;
        }
        if (specifyInitiatorPorts)
        {
            // SPC-4 6.14.3: 24 bytes, the TRANSPORTID PARAMETER DATA LENGTH, the TransportIDs.
            return length >= SPEC_I_PT_HEADER && SPEC_I_PT_HEADER + Bytes.u32(p, 24) == length;
        }
        return length == BASIC_LIST_LENGTH;
    }

    /** One service action and what follows it, under the table's monitor. */
    private long outLocked(
        final ScsiTask t, final ItNexus n, final int serviceAction, final int requestedType, final long reservationKey,
        final long serviceActionKey, final boolean allTargetPortsBit, final boolean specifyInitiatorPorts,
        final boolean aptplBit)
    {
        effects.clear();
        final boolean wasAptpl = table.aptpl();
        final PersistentReservationStore.State before = persistThroughPowerLoss.before();
        final long outcome = serviceAction(t, n, serviceAction, requestedType, reservationKey, serviceActionKey,
            allTargetPortsBit, specifyInitiatorPorts, aptplBit);
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

    /**
     * The service action on the state the gateways share, under the table's monitor: read it, run the action, store
     * the result unless another gateway stored a newer state meanwhile (then again, on that one); a storage failure
     * changes nothing (HARDWARE ERROR, INTERNAL TARGET FAILURE).
     */
    private long outShared(
        final SharedReservations sharedState, final ScsiTask t, final ItNexus n, final int serviceAction,
        final int requestedType, final long reservationKey, final long serviceActionKey,
        final boolean allTargetPortsBit, final boolean specifyInitiatorPorts, final boolean aptplBit)
    {
        for (int attempt = 1; ; attempt++)
        {
            final long readVersion;
            try
            {
                readVersion = sharedState.refresh();
            }
            catch (final IOException | RuntimeException ex)
            {
                return sharedFailure(sharedState, ex);
            }
            final PersistentReservationStore.State before = table.copyState();
            final boolean wasAptpl = table.aptpl();
            effects.clear();
            final long outcome = serviceAction(t, n, serviceAction, requestedType, reservationKey, serviceActionKey,
                allTargetPortsBit, specifyInitiatorPorts, aptplBit);
            if (outcome != GOOD)
            {
                return outcome;
            }
            if (table.count() == 0)
            {
                table.aptpl(false); // nothing left to survive a restart
            }
            final boolean stored;
            try
            {
                stored = sharedState.replace(readVersion, effects);
            }
            catch (final IOException | RuntimeException ex)
            {
                table.restoreState(before, wasAptpl);
                return sharedFailure(sharedState, ex);
            }
            if (stored)
            {
                table.publish();
                effects.apply();
                return GOOD;
            }
            table.restoreState(before, wasAptpl); // another gateway's change came first: again, on top of it
            if (attempt == MAX_SHARED_ATTEMPTS)
            {
                return sharedFailure(sharedState,
                    new IOException(attempt + " attempts, each overtaken by another gateway's change"));
            }
        }
    }

    private long sharedFailure(final SharedReservations sharedState, final Exception ex)
    {
        lu.reportInternalError(new IOException("persistent reservations in " + sharedState.store().where() +
            " not changed; the PERSISTENT RESERVE OUT changed nothing", ex));
        return FAILED;
    }

    /** The service action, changing the table and collecting its effects; under the table's monitor. */
    private long serviceAction(
        final ScsiTask t, final ItNexus n, final int serviceAction, final int requestedType, final long reservationKey,
        final long serviceActionKey, final boolean allTargetPortsBit, final boolean specifyInitiatorPorts,
        final boolean aptplBit)
    {
        final int me = table.find(n);
        final long outcome;
        switch (serviceAction)
        {
            case SA_REGISTER:
            case SA_REGISTER_AND_IGNORE_EXISTING_KEY:
                outcome = registerActions.register(t, n, me, reservationKey, serviceActionKey,
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
                    outcome = registerActions.registerAndMove(t, n, me, serviceActionKey, aptplBit);
                }
                else
                {
                    outcome = reservationActions.execute(serviceAction, me, requestedType, serviceActionKey);
                }
                break;
        }
        return outcome;
    }
}
