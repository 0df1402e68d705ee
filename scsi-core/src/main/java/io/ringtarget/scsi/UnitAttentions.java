package io.ringtarget.scsi;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Unit attention conditions of one logical unit (SAM-5 5.14, SPC-4 5.14) as generations: raising a condition
 * bumps its counter; each I_T nexus remembers, in its own {@link ItNexus} bookkeeping, the generation it last
 * reported. Nothing is allocated per nexus per condition and raising never touches another loop's data: the
 * fast path of a command is four volatile reads.
 */
final class UnitAttentions
{
    static final int TYPES = 4;
    static final int POWER_ON_RESET = 0;
    static final int MODE_PARAMETERS_CHANGED = 1;
    static final int CAPACITY_DATA_HAS_CHANGED = 2;
    static final int REPORTED_LUNS_DATA_HAS_CHANGED = 3;
    private static final int[] ASC =
        {Asc.POWER_ON_RESET, Asc.MODE_PARAMETERS_CHANGED, Asc.CAPACITY_DATA_HAS_CHANGED,
            Asc.REPORTED_LUNS_DATA_HAS_CHANGED};
    private static final AtomicInteger NEXT_INDEX = new AtomicInteger();

    /** This LU's index into every nexus' bookkeeping. */
    private final int index = NEXT_INDEX.getAndIncrement();
    private final AtomicLongArray generation = new AtomicLongArray(TYPES);
    private volatile boolean newNexusPowerOnUnitAttention;

    void newNexusPowerOnUnitAttention(final boolean report)
    {
        newNexusPowerOnUnitAttention = report;
    }

    /**
     * Called on the nexus' loop thread.
     *
     * @return the ASC/ASCQ of the highest priority pending unit attention for the nexus (now cleared), or -1.
     */
    int take(final ItNexus nexus)
    {
        final long[] seen = nexus.uaSeen(index);
        final int base = index * TYPES;
        final long reset = generation.get(POWER_ON_RESET);
        if (seen[base + POWER_ON_RESET] == -1 && !newNexusPowerOnUnitAttention)
        {
            // First command of a nexus created after the LU: nothing has happened to it yet (LIO and tgt do the
            // same; libiscsi's iscsi-test-cu opens a session per test and reads a UA there as a failure).
            for (int i = 0; i < TYPES; i++)
            {
                seen[base + i] = generation.get(i);
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
     * thread, the only one touching its bookkeeping.
     */
    void raise(final int type, final ItNexus issuer)
    {
        final long g = generation.incrementAndGet(type);
        if (issuer != null)
        {
            final long[] seen = issuer.uaSeen(index);
            if (seen[index * TYPES + type] == g - 1)
            {
                seen[index * TYPES + type] = g;
            }
        }
    }
}
