package io.ringtarget.scsi;

import java.util.Arrays;

import static io.ringtarget.scsi.RegistrationTable.MAX_REGISTRATIONS;

/**
 * What a PERSISTENT RESERVE OUT does beyond the {@link RegistrationTable}, collected while its service action runs
 * and applied only once it succeeded (and, with APTPL, was written): the unit attentions SPC-4 5.12.11 establishes
 * for the initiator ports that lost a registration or a reservation (REGISTRATIONS PREEMPTED, RESERVATIONS
 * PREEMPTED, RESERVATIONS RELEASED), and for PREEMPT AND ABORT the I_T nexuses whose tasks the transport aborts
 * ({@link AbortRequests}).
 * <p>
 * Threads: used under the table's monitor, by one command at a time; the arrays are allocated once.
 */
final class ReserveOutEffects
{
    private final UnitAttentions unitAttentions;
    private final AbortRequests abortRequests;

    private final String[] attentionPort = new String[2 * MAX_REGISTRATIONS];
    private final int[] attentionRtpi = new int[2 * MAX_REGISTRATIONS];
    private final int[] attentionAsc = new int[2 * MAX_REGISTRATIONS];
    private int attentions;
    private final String[] abortPort = new String[MAX_REGISTRATIONS];
    private final int[] abortRtpi = new int[MAX_REGISTRATIONS];
    private int aborts;

    ReserveOutEffects(final UnitAttentions unitAttentions, final AbortRequests abortRequests)
    {
        this.unitAttentions = unitAttentions;
        this.abortRequests = abortRequests;
    }

    /** Before a service action runs: nothing collected. */
    void clear()
    {
        attentions = 0;
        aborts = 0;
    }

    /** The unit attention for the initiator port of registration i (through its target port). */
    void unitAttention(final RegistrationTable table, final int i, final int ascAscq)
    {
        attentionPort[attentions] = table.port(i);
        attentionRtpi[attentions] = table.rtpi(i);
        attentionAsc[attentions] = ascAscq;
        attentions++;
    }

    /** The unit attention for every registration but those of registration me's ALL_TG_PT group. */
    void unitAttentionForOthers(final RegistrationTable table, final int me, final int ascAscq)
    {
        for (int i = 0; i < table.count(); i++)
        {
            if (!table.sameGroup(i, me))
            {
                unitAttention(table, i, ascAscq);
            }
        }
    }

    /** REGISTRATIONS PREEMPTED for each marked registration and, for PREEMPT AND ABORT, its tasks to abort. */
    void preempted(final RegistrationTable table, final boolean[] marked, final boolean abort)
    {
        for (int i = 0; i < marked.length; i++)
        {
            if (!marked[i])
            {
                continue;
            }
            unitAttention(table, i, Asc.REGISTRATIONS_PREEMPTED);
            if (abort)
            {
                abortPort[aborts] = table.port(i);
                abortRtpi[aborts] = table.rtpi(i);
                aborts++;
            }
        }
    }

    /** The command succeeded: establishes the unit attentions and hands the aborts to the transport. */
    void apply()
    {
        for (int i = 0; i < attentions; i++)
        {
            unitAttentions.raiseFor(attentionPort[i], attentionRtpi[i], attentionAsc[i]);
            attentionPort[i] = null;
        }
        if (aborts > 0)
        {
            abortRequests.add(abortPort, abortRtpi, aborts);
            Arrays.fill(abortPort, 0, aborts, null);
        }
    }
}
