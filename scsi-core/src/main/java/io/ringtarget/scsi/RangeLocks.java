package io.ringtarget.scsi;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Atomicity of COMPARE AND WRITE and ORWRITE (SBC-3 4.26) for one logical unit: a table of the LBA ranges in
 * flight and a table of commands waiting for one, both fixed size, under this object's monitor (held for a
 * scan of a few dozen entries, never across I/O).
 * <p>
 * A command overlapping only ranges held by commands of its own thread (event loop) waits, FIFO, and is handed
 * back by {@link #nextResumable()} on that thread once its range is free: a loop never blocks and never runs
 * another loop's task. One overlapping a range held on another thread, or finding a table full, is refused
 * (the caller answers BUSY; SAM-5 5.3.1: retry later).
 */
final class RangeLocks
{
    static final int BUSY = -1;
    static final int QUEUED = -2;
    static final int SLOTS = 32;
    static final int WAITERS = 64;

    private static final int CONFLICT_NONE = 0;
    private static final int CONFLICT_SAME_THREAD = 1;
    private static final int CONFLICT_OTHER_THREAD = 2;

    private final long[] first = new long[SLOTS];
    private final long[] end = new long[SLOTS];
    private final boolean[] used = new boolean[SLOTS];
    private final Thread[] owner = new Thread[SLOTS];
    private final ScsiTask[] waiter = new ScsiTask[WAITERS];
    private final long[] waiterFirst = new long[WAITERS];
    private final long[] waiterEnd = new long[WAITERS];
    private final Thread[] waiterThread = new Thread[WAITERS];
    private final long[] waiterOrder = new long[WAITERS];
    private long sequence;
    private final AtomicLong queued = new AtomicLong();

    /**
     * @return the slot now holding [lba, end), {@link #QUEUED} (the task waits), or {@link #BUSY}.
     */
    synchronized int lock(final ScsiTask t, final long lba, final long endLba)
    {
        final Thread me = Thread.currentThread();
        final int conflict = conflict(lba, endLba, me);
        if (conflict == CONFLICT_NONE)
        {
            return claim(lba, endLba, me);
        }
        if (conflict == CONFLICT_SAME_THREAD && enqueue(t, lba, endLba, me))
        {
            queued.incrementAndGet();
            return QUEUED;
        }
        return BUSY;
    }

    synchronized void unlock(final int slot)
    {
        used[slot] = false;
        owner[slot] = null;
    }

    /**
     * The oldest waiter of the calling thread that no range of its own thread holds back any more, removed from
     * the table, with {@link ScsiTask#rangeLockSlot} set to its new slot or to {@link ScsiTask#NO_RANGE_LOCK}
     * (BUSY: another thread now holds part of its range, or no slot is free); null when there is none.
     */
    synchronized ScsiTask nextResumable()
    {
        final Thread me = Thread.currentThread();
        int pick = -1;
        for (int i = 0; i < WAITERS; i++)
        {
            if (waiter[i] != null && waiterThread[i] == me &&
                (pick < 0 || waiterOrder[i] < waiterOrder[pick]) &&
                conflict(waiterFirst[i], waiterEnd[i], me) != CONFLICT_SAME_THREAD)
            {
                pick = i;
            }
        }
        if (pick < 0)
        {
            return null;
        }
        final ScsiTask next = waiter[pick];
        final int slot = conflict(waiterFirst[pick], waiterEnd[pick], me) == CONFLICT_NONE ?
            claim(waiterFirst[pick], waiterEnd[pick], me) : BUSY;
        next.rangeLockSlot = slot == BUSY ? ScsiTask.NO_RANGE_LOCK : slot;
        waiter[pick] = null;
        waiterThread[pick] = null;
        return next;
    }

    long queuedCount()
    {
        return queued.get();
    }

    private int conflict(final long lba, final long endLba, final Thread me)
    {
        int result = CONFLICT_NONE;
        for (int i = 0; i < SLOTS; i++)
        {
            if (used[i] && lba < end[i] && first[i] < endLba)
            {
                if (owner[i] != me)
                {
                    return CONFLICT_OTHER_THREAD;
                }
                result = CONFLICT_SAME_THREAD;
            }
        }
        return result;
    }

    private int claim(final long lba, final long endLba, final Thread me)
    {
        for (int i = 0; i < SLOTS; i++)
        {
            if (!used[i])
            {
                used[i] = true;
                first[i] = lba;
                end[i] = endLba;
                owner[i] = me;
                return i;
            }
        }
        return BUSY;
    }

    private boolean enqueue(final ScsiTask t, final long lba, final long endLba, final Thread me)
    {
        for (int i = 0; i < WAITERS; i++)
        {
            if (waiter[i] == null)
            {
                waiter[i] = t;
                waiterFirst[i] = lba;
                waiterEnd[i] = endLba;
                waiterThread[i] = me;
                waiterOrder[i] = ++sequence;
                return true;
            }
        }
        return false;
    }
}
