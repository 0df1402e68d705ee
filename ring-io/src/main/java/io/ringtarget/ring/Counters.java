package io.ringtarget.ring;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * A registry of labelled 64-bit counters that any thread reads without locks, in Agrona's CountersManager layout:
 * per counter a metadata record (state, type id, label) and a value on its own 128-byte record, so counters written
 * by different loops never share a cache line. Allocation and freeing are thread-safe (ConcurrentCountersManager);
 * each counter has one writer, which updates it with release stores ({@link AtomicCounter#incrementRelease()},
 * {@link AtomicCounter#setRelease(long)}); readers use {@link #reader()}.
 * <p>
 * Type ids: below {@link #FIRST_FREE_TYPE_ID} they belong to ring-io ({@link LoopCounter}); other modules take theirs
 * from there up.
 * <p>
 * The buffers are direct ByteBuffers, which the GC frees once nothing refers to them: a reader on another thread
 * never reads freed memory, even after {@link #close()}, which only stops further allocation.
 */
public final class Counters implements AutoCloseable
{
    public static final int DEFAULT_CAPACITY = 1024;
    /** The first type id not used by ring-io. */
    public static final int FIRST_FREE_TYPE_ID = 100;
    private static final int MAX_CAPACITY = Integer.MAX_VALUE / CountersReader.METADATA_LENGTH;

    private final int capacity;
    private final ConcurrentCountersManager manager;
    private final CountersReader reader;
    private volatile boolean closed;

    /** @param capacity how many counters can be allocated at once. */
    public Counters(final int capacity)
    {
        if (capacity <= 0 || capacity > MAX_CAPACITY)
        {
            throw new IllegalArgumentException("capacity must be in 1.." + MAX_CAPACITY + ": " + capacity);
        }
        this.capacity = capacity;
        final UnsafeBuffer metadata = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            capacity * CountersReader.METADATA_LENGTH, BitUtil.CACHE_LINE_LENGTH));
        final UnsafeBuffer values = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            capacity * CountersReader.COUNTER_LENGTH, BitUtil.CACHE_LINE_LENGTH));
        this.manager = new ConcurrentCountersManager(metadata, values);
        this.reader = new CountersReader(metadata, values);
    }

    /**
     * A new counter, value 0, with {@code label} (at most {@link CountersReader#MAX_LABEL_LENGTH} bytes) and
     * {@code typeId}; any thread. {@link AtomicCounter#close()} frees it.
     *
     * @throws IllegalStateException when closed or full.
     */
    public AtomicCounter allocate(final String label, final int typeId)
    {
        if (closed)
        {
            throw new IllegalStateException("Counters closed");
        }
        return manager.newCounter(label, typeId);
    }

    /** Lock-free, read-only view for other threads (metrics, tests): ids, labels, type ids, values. */
    public CountersReader reader()
    {
        return reader;
    }

    public int capacity()
    {
        return capacity;
    }

    /** Counters that can still be allocated. */
    public int available()
    {
        return manager.available();
    }

    /** Stops further allocation; counters allocated stay readable, and are freed by their owners. Idempotent. */
    @Override
    public void close()
    {
        closed = true;
    }
}
