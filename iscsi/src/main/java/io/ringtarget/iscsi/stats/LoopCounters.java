package io.ringtarget.iscsi.stats;

import io.ringtarget.ring.Counters;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One event loop's {@link IscsiCounter}s, allocated in the counters registry other threads read ({@link Counters},
 * beside the loop's own; labels {@code "<loop>: <label>"}). The loop thread is the only writer, so increments are
 * plain adds published with release semantics: no lock, no contended atomic.
 */
public final class LoopCounters implements AutoCloseable
{
    private static final IscsiCounter[] ALL = IscsiCounter.values();

    private final AtomicCounter[] counters = new AtomicCounter[ALL.length];

    public LoopCounters(final Counters registry, final String loopName)
    {
        for (final IscsiCounter c : ALL)
        {
            counters[c.ordinal()] = registry.allocate(loopName + ": " + c.label(), c.typeId());
        }
    }

    /** Counts one event; loop thread only. */
    public void increment(final IscsiCounter counter)
    {
        counters[counter.ordinal()].incrementRelease();
    }

    /** Adds {@code amount} to a counter that sums a quantity (bytes); loop thread only. */
    public void add(final IscsiCounter counter, final long amount)
    {
        counters[counter.ordinal()].getAndAddRelease(amount);
    }

    /** Reads a counter; any thread. */
    public long get(final IscsiCounter counter)
    {
        return counters[counter.ordinal()].get();
    }

    /** Frees the counters in the registry (the loop stopped). */
    @Override
    public void close()
    {
        for (final AtomicCounter c : counters)
        {
            c.close();
        }
    }
}
