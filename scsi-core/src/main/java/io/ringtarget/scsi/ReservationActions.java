package io.ringtarget.scsi;

import static io.ringtarget.scsi.OperationCodes.SA_CLEAR;
import static io.ringtarget.scsi.OperationCodes.SA_PREEMPT_AND_ABORT;
import static io.ringtarget.scsi.OperationCodes.SA_RELEASE;
import static io.ringtarget.scsi.OperationCodes.SA_RESERVE;
import static io.ringtarget.scsi.PersistentReservations.allRegistrants;
import static io.ringtarget.scsi.PersistentReservations.registrantsOnly;
import static io.ringtarget.scsi.ReserveOutOutcome.CONFLICT;
import static io.ringtarget.scsi.ReserveOutOutcome.GOOD;
import static io.ringtarget.scsi.ReserveOutOutcome.illegal;
import static io.ringtarget.scsi.ReserveOutOutcome.invalidParameter;

/**
 * The service actions of PERSISTENT RESERVE OUT that a registered I_T nexus sends with its own key to act on the
 * reservation: RESERVE (SPC-4 5.12.9), RELEASE (5.12.11.2.2), CLEAR (5.12.11.2.6), PREEMPT and PREEMPT AND ABORT
 * (5.12.11.2.4-5), with the unit attentions they establish for the initiator ports that lose a registration or the
 * reservation. Each runs under the {@link RegistrationTable}'s monitor, inside {@link PersistentReserveOut}'s
 * transaction, and returns a {@link ReserveOutOutcome}.
 */
final class ReservationActions
{
    private final RegistrationTable table;
    private final ReserveOutEffects effects;

    ReservationActions(final RegistrationTable table, final ReserveOutEffects effects)
    {
        this.table = table;
        this.effects = effects;
    }

    /** The service action of a registered I_T nexus (registration me) that sent its own key. */
    long execute(final int serviceAction, final int me, final int requestedType, final long saKey)
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
        if (allRegistrantsReservation && saKey == 0)
        {
            return preemptAllRegistrants(me, requestedType, abort);
        }
        if (table.type() != 0 && !allRegistrantsReservation && table.key(table.holder()) == saKey)
        {
            return preemptHolder(me, requestedType, saKey, abort);
        }
        return preemptRegistrations(me, saKey, abort);
    }

    /**
     * An all-registrants reservation and key 0: every other registration goes; the reservation becomes the
     * preempting nexus' with the new type.
     */
    private long preemptAllRegistrants(final int me, final int requestedType, final boolean abort)
    {
        final boolean[] gone = new boolean[table.count()];
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

    /**
     * The key names the holder: its registrations (and every other with that key) go, the preempting nexus holds a
     * reservation of the type it asked for. Preempting itself is not an error.
     */
    private long preemptHolder(final int me, final int requestedType, final long saKey, final boolean abort)
    {
        final int typeBefore = table.type();
        final boolean[] gone = new boolean[table.count()];
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

    /**
     * No reservation, a key that does not name the holder, or an all-registrants reservation and a key: only the
     * registrations with that key go (SPC-4 5.12.11.2.4.4), the issuer's too if it has that key.
     */
    private long preemptRegistrations(final int me, final long saKey, final boolean abort)
    {
        final boolean[] gone = new boolean[table.count()];
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
}
