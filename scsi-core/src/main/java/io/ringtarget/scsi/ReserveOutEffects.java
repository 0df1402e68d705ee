package io.ringtarget.scsi;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
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
 * <p>
 * With reservations shared by several gateways ({@link SharedReservations}) the effects travel in the announcement of
 * the new state ({@link #writeTo}), and each gateway establishes those of its own target ports
 * ({@link #applyAnnounced}).
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

    /** For an announcement to the other gateways: the unit attentions and aborts collected. Before {@link #apply}. */
    void writeTo(final DataOutput out) throws IOException
    {
        out.writeInt(attentions);
        for (int i = 0; i < attentions; i++)
        {
            out.writeInt(attentionRtpi[i]);
            out.writeInt(attentionAsc[i]);
            out.writeUTF(attentionPort[i]);
        }
        out.writeInt(aborts);
        for (int i = 0; i < aborts; i++)
        {
            out.writeInt(abortRtpi[i]);
            out.writeUTF(abortPort[i]);
        }
    }

    /**
     * Another gateway's announcement ({@link #writeTo}): establishes the unit attentions and aborts that concern this
     * gateway's target ports (the others are that gateway's, or a third one's).
     *
     * @return how many I_T nexuses' tasks it asked to abort.
     */
    static int applyAnnounced(final DataInput in, final UnitAttentions unitAttentions,
        final AbortRequests abortRequests, final LogicalUnit lu) throws IOException
    {
        final int attentions = count(in);
        for (int i = 0; i < attentions; i++)
        {
            final int rtpi = in.readInt();
            final int asc = in.readInt();
            final String port = in.readUTF();
            if (lu.hasTargetPort(rtpi))
            {
                unitAttentions.raiseFor(port, rtpi, asc);
            }
        }
        final int aborts = count(in);
        final String[] abortPorts = new String[aborts];
        final int[] abortRtpis = new int[aborts];
        int n = 0;
        for (int i = 0; i < aborts; i++)
        {
            final int rtpi = in.readInt();
            final String port = in.readUTF();
            if (lu.hasTargetPort(rtpi))
            {
                abortPorts[n] = port;
                abortRtpis[n++] = rtpi;
            }
        }
        abortRequests.add(abortPorts, abortRtpis, n);
        return n;
    }

    private static int count(final DataInput in) throws IOException
    {
        final int n = in.readInt();
        if (n < 0 || n > 2 * MAX_REGISTRATIONS)
        {
            throw new IOException("announcement with " + n + " entries");
        }
        return n;
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
