package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * What a command meets before its handler runs, in the order SAM-5 5.14 and SPC-4 5.14 give: NACA (refused: no ACA),
 * a pending unit attention (reported before anything else the command could meet), the ALUA access state of the
 * target port it came through, a sanitize or format operation, a foreground self-test, then reservations
 * (persistent, SPC-2). The access state comes before reservations: a command that cannot run through this target
 * port must tell the initiator to try another path (NOT READY), not that another node holds the logical unit
 * (RESERVATION CONFLICT, which a cluster reads as being fenced); standby still lets PERSISTENT RESERVE IN/OUT through
 * (SPC-4 5.15.2.4.4), so reservations work on every path. LIO checks in the same order. Each check that stops a
 * command answers it. Allocation-free; any loop.
 */
final class CommandAdmission
{
    private final UnitAttentions unitAttentions;
    private final AbortRequests abortRequests;
    private final Sanitize sanitize;
    private final SelfTest selfTest;
    private final PersistentReservations persistentReservations;
    private final Spc2Reservation spc2Reservation;

    CommandAdmission(final UnitAttentions unitAttentions, final AbortRequests abortRequests, final Sanitize sanitize,
        final SelfTest selfTest, final PersistentReservations persistentReservations,
        final Spc2Reservation spc2Reservation)
    {
        this.unitAttentions = unitAttentions;
        this.abortRequests = abortRequests;
        this.sanitize = sanitize;
        this.selfTest = selfTest;
        this.persistentReservations = persistentReservations;
        this.spc2Reservation = spc2Reservation;
    }

    /** Whether the command in row {@code row} of {@link OpcodeTable} may run; false: it was answered. */
    boolean admits(final ScsiTask t, final MemorySegment cdb, final int row)
    {
        return CdbFields.noNaca(t, cdb, OpcodeTable.cdbLength(row, t.opcode())) &&
            checkUnitAttention(t, row) &&
            AsymmetricAccess.allows(t, row) &&
            checkSanitize(t, row) &&
            checkSelfTest(t, row) &&
            checkReservations(t, row);
    }

    private boolean checkUnitAttention(final ScsiTask t, final int row)
    {
        // SAM-5 5.14, SPC-4 5.14: a pending unit attention stops every command but the exempt ones.
        final ItNexus nexus = t.nexus();
        if (nexus == null || OpcodeTable.unitAttentionExempt(row))
        {
            return true;
        }
        final int ua = unitAttentions.take(nexus, abortRequests.generation());
        if (ua < 0)
        {
            return true;
        }
        t.checkCondition(SenseKey.UNIT_ATTENTION, ua);
        t.complete();
        return false;
    }

    private boolean checkSanitize(final ScsiTask t, final int row)
    {
        // SBC-4 4.11.2, 5.3: while a sanitize or format operation runs, and after one failed, only a few commands are
        // processed.
        final int state = sanitize.state();
        if (state == Sanitize.IDLE)
        {
            return true;
        }
        if (state == Sanitize.IN_PROGRESS || state == Sanitize.FORMATTING)
        {
            sanitize.resumeIfPending(t);   // one saved before a restart starts again with the first command
        }
        if (OpcodeTable.allowedWhileSanitizing(row, state))
        {
            return true;
        }
        sanitize.refuse(t, state);
        return false;
    }

    private boolean checkSelfTest(final ScsiTask t, final int row)
    {
        if (!selfTest.foreground() || OpcodeTable.allowedDuringForegroundSelfTest(row))
        {
            return true;
        }
        selfTest.refuse(t);
        return false;
    }

    private boolean checkReservations(final ScsiTask t, final int row)
    {
        final ItNexus nexus = t.nexus();
        if (nexus == null)
        {
            return true;
        }
        if (persistentReservations.reserved() &&
            persistentReservations.conflicts(nexus, OpcodeTable.persistentReservationClass(row)))
        {
            Responses.reservationConflict(t);
            return false;
        }
        if (spc2Reservation.conflicts(nexus, row))
        {
            Responses.reservationConflict(t);
            return false;
        }
        return true;
    }
}
