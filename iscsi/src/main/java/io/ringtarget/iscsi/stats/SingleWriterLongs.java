package io.ringtarget.iscsi.stats;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A fixed array of 64-bit counters and gauges with one writer thread (an event loop) and any number of readers
 * (the metrics scrape). The writer updates with a plain read of its own last value and a release store, so an update
 * costs a load and a store (no locked instruction) and never allocates; readers load with acquire semantics and see
 * each value whole. 128 bytes of padding on both sides keep the values of one loop off the cache lines of another's.
 */
public final class SingleWriterLongs
{
    private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int PAD = 16;

    private final long[] values;
    private final int length;

    public SingleWriterLongs(final int length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("length " + length);
        }
        this.length = length;
        this.values = new long[length + 2 * PAD];
    }

    public int length()
    {
        return length;
    }

    /** Writer thread only. */
    public void increment(final int index)
    {
        final int i = PAD + Objects.checkIndex(index, length);
        VALUES.setRelease(values, i, values[i] + 1);
    }

    /** Writer thread only. */
    public void decrement(final int index)
    {
        final int i = PAD + Objects.checkIndex(index, length);
        VALUES.setRelease(values, i, values[i] - 1);
    }

    /** Writer thread only. */
    public void add(final int index, final long delta)
    {
        final int i = PAD + Objects.checkIndex(index, length);
        VALUES.setRelease(values, i, values[i] + delta);
    }

    /** Writer thread only. */
    public void set(final int index, final long value)
    {
        VALUES.setRelease(values, PAD + Objects.checkIndex(index, length), value);
    }

    /** Any thread. */
    public long get(final int index)
    {
        return (long)VALUES.getAcquire(values, PAD + Objects.checkIndex(index, length));
    }
}
