package io.ringtarget.scsi;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Unit attention conditions of one logical unit (SAM-5 5.14, SPC-4 5.14), two kinds:
 * <ul>
 *     <li>for every I_T nexus (but maybe the one that caused it), as generations: raising a condition bumps its
 *     counter; each I_T nexus remembers, in its own {@link ItNexus} bookkeeping, the generation it last reported.
 *     Nothing is allocated per nexus per condition and raising never touches another loop's data;</li>
 *     <li>for named initiator ports ({@link #raiseFor}): what persistent reservations establish for the initiator
 *     port of an I_T nexus that lost its registration or reservation (SPC-4 5.12.11), even one not connected now. A
 *     short list under this object's monitor and a volatile generation; a nexus looks into the list only when the
 *     generation moved since it last looked, so entries waiting for an initiator that never returns cost the
 *     others nothing.</li>
 * </ul>
 * The fast path of a command is seven volatile reads and no lock.
 */
final class UnitAttentions
{
    static final int TYPES = 7;
    static final int POWER_ON_RESET = 0;
    static final int MODE_PARAMETERS_CHANGED = 1;
    static final int CAPACITY_DATA_HAS_CHANGED = 2;
    static final int REPORTED_LUNS_DATA_HAS_CHANGED = 3;
    static final int ASYMMETRIC_ACCESS_STATE_CHANGED = 4;
    static final int LOG_PARAMETERS_CHANGED = 5;
    static final int SOFT_THRESHOLD_REACHED = 6;
    /** Per nexus per logical unit: the generations of the {@link #TYPES}, then the named-port generation seen, then
     * the preempt-and-abort generation seen ({@link AbortRequests}). */
    static final int SLOTS = TYPES + 2;
    static final int TARGETED_SLOT = TYPES;
    static final int ABORT_SLOT = TYPES + 1;
    /** Named-port conditions kept at most; the oldest goes first when full. */
    static final int MAX_TARGETED = 256;

    private static final int[] ASC =
        {Asc.POWER_ON_RESET, Asc.MODE_PARAMETERS_CHANGED, Asc.CAPACITY_DATA_HAS_CHANGED,
            Asc.REPORTED_LUNS_DATA_HAS_CHANGED, Asc.ASYMMETRIC_ACCESS_STATE_CHANGED, Asc.LOG_PARAMETERS_CHANGED,
            Asc.THIN_PROVISIONING_SOFT_THRESHOLD_REACHED};
    private static final AtomicInteger NEXT_INDEX = new AtomicInteger();

    /** This LU's index into every nexus' bookkeeping. */
    private final int index = NEXT_INDEX.getAndIncrement();
    private final AtomicLongArray generation = new AtomicLongArray(TYPES);
    private volatile boolean newNexusPowerOnUnitAttention;

    // Named initiator ports, guarded by this.
    private final String[] targetPort = new String[MAX_TARGETED];
    private final boolean[] targetDevice = new boolean[MAX_TARGETED];
    private final int[] targetRtpi = new int[MAX_TARGETED];
    private final int[] targetAsc = new int[MAX_TARGETED];
    private int targetedCount;
    private volatile long targetedGeneration;

    int index()
    {
        return index;
    }

    void newNexusPowerOnUnitAttention(final boolean report)
    {
        newNexusPowerOnUnitAttention = report;
    }

    /**
     * Called on the nexus' loop thread.
     *
     * @param abortGeneration the logical unit's preempt-and-abort generation now: a nexus's first command starts
     *                        from it (what was preempted before it spoke is not its business).
     * @return the ASC/ASCQ of the highest priority pending unit attention for the nexus (now cleared), or -1.
     */
    int take(final ItNexus nexus, final long abortGeneration)
    {
        final long[] seen = nexus.uaSeen(index);
        final int base = index * SLOTS;
        final long reset = generation.get(POWER_ON_RESET);
        if (seen[base + POWER_ON_RESET] == -1)
        {
            if (seen[base + ABORT_SLOT] == -1)
            {
                seen[base + ABORT_SLOT] = abortGeneration;
            }
            if (!newNexusPowerOnUnitAttention)
            {
                // First command of a nexus created after the LU: nothing has happened to it yet (LIO and tgt do the
                // same; libiscsi's iscsi-test-cu opens a session per test and reads a UA there as a failure).
                for (int i = 0; i < TYPES; i++)
                {
                    seen[base + i] = generation.get(i);
                }
            }
        }
        if (seen[base + POWER_ON_RESET] != reset)
        {
            // POWER ON / RESET supersedes the others (SAM-5 5.14: a reset clears older conditions).
            for (int i = 0; i < TYPES; i++)
            {
                seen[base + i] = generation.get(i);
            }
            seen[base + POWER_ON_RESET] = reset;
            return ASC[POWER_ON_RESET];
        }
        final long targeted = targetedGeneration;
        if (seen[base + TARGETED_SLOT] != targeted)
        {
            final int asc = takeTargeted(nexus, seen, base + TARGETED_SLOT, targeted);
            if (asc >= 0)
            {
                return asc;
            }
        }
        for (int i = 1; i < TYPES; i++)
        {
            final long g = generation.get(i);
            if (seen[base + i] != g)
            {
                seen[base + i] = g;
                return ASC[i];
            }
        }
        return -1;
    }

    /**
     * Establish a condition for every nexus but the issuer (null: every nexus). Called on the issuer's loop
     * thread, the only one touching its bookkeeping; with a null issuer, from any thread.
     */
    void raise(final int type, final ItNexus issuer)
    {
        final long g = generation.incrementAndGet(type);
        if (issuer != null)
        {
            final long[] seen = issuer.uaSeen(index);
            if (seen[index * SLOTS + type] == g - 1)
            {
                seen[index * SLOTS + type] = g;
            }
        }
    }

    /**
     * Establish a condition for one I_T nexus named by its initiator port (or, for a bare iSCSI name, any port of
     * that initiator) and relative target port, connected or not (SPC-4 5.12.11: "for the initiator port associated
     * with ..."). Any thread. An identical condition already pending is not queued twice.
     */
    synchronized void raiseFor(final String initiatorPort, final int relativeTargetPortId, final int ascAscq)
    {
        for (int i = 0; i < targetedCount; i++)
        {
            if (targetRtpi[i] == relativeTargetPortId && targetAsc[i] == ascAscq &&
                targetPort[i].equals(initiatorPort))
            {
                return;
            }
        }
        if (targetedCount == MAX_TARGETED)
        {
            removeTargeted(0);
        }
        final int i = targetedCount++;
        targetPort[i] = initiatorPort;
        targetDevice[i] = TransportIds.isDevice(initiatorPort);
        targetRtpi[i] = relativeTargetPortId;
        targetAsc[i] = ascAscq;
        targetedGeneration++;
    }

    /** Named-port conditions waiting (for tests and logs). */
    synchronized int targetedCount()
    {
        return targetedCount;
    }

    private synchronized int takeTargeted(final ItNexus nexus, final long[] seen, final int slot, final long generation)
    {
        int found = -1;
        int more = 0;
        for (int i = 0; i < targetedCount; i++)
        {
            if (targetRtpi[i] == nexus.relativeTargetPortId() &&
                TransportIds.covers(targetPort[i], targetDevice[i], nexus.initiatorPortName()))
            {
                if (found < 0)
                {
                    found = i;
                }
                else
                {
                    more++;
                }
            }
        }
        if (more == 0)
        {
            // Nothing else here for this nexus until the generation moves again.
            seen[slot] = generation;
        }
        if (found < 0)
        {
            return -1;
        }
        final int asc = targetAsc[found];
        removeTargeted(found);
        return asc;
    }

    private void removeTargeted(final int i)
    {
        // Keep the order: conditions are reported oldest first.
        final int tail = targetedCount - i - 1;
        System.arraycopy(targetPort, i + 1, targetPort, i, tail);
        System.arraycopy(targetDevice, i + 1, targetDevice, i, tail);
        System.arraycopy(targetRtpi, i + 1, targetRtpi, i, tail);
        System.arraycopy(targetAsc, i + 1, targetAsc, i, tail);
        targetedCount--;
        targetPort[targetedCount] = null;
    }
}
