package io.ringtarget.pdu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Concatenates the data segments of a Login or Text exchange sent in several PDUs with the C bit (RFC 7143 sections
 * 11.10.2, 11.12.3) into one bounded buffer, so that a key=value pair split across PDUs parses whole. The bound keeps
 * a peer from making the target buffer without limit (RFC 7143 6.1: 8192 bytes must be accepted; 64 KiB default).
 */
public final class TextAccumulator
{
    public static final int DEFAULT_CAPACITY = 64 * 1024;

    private MemorySegment buffer;
    private final long limit;
    private int length;
    private boolean overflow;

    /**
     * @param buffer memory to accumulate into; its size is the limit.
     */
    public TextAccumulator(final MemorySegment buffer)
    {
        this.buffer = buffer;
        this.limit = buffer.byteSize();
    }

    /**
     * On the heap, starting with {@code initialCapacity} bytes and doubling up to {@code limit} as text arrives: a
     * peer that sends a short login text (all real initiators) costs only the small buffer. Not for the I/O path.
     */
    public TextAccumulator(final int initialCapacity, final int limit)
    {
        this.buffer = MemorySegment.ofArray(new byte[Math.min(initialCapacity, limit)]);
        this.limit = limit;
    }

    /**
     * @param arena    arena owning the buffer.
     * @param capacity limit in bytes.
     * @return a new accumulator.
     */
    public static TextAccumulator allocate(final Arena arena, final int capacity)
    {
        return new TextAccumulator(arena.allocate(capacity));
    }

    /**
     * Add one PDU's data segment.
     *
     * @param source segment holding the data.
     * @param offset first data byte.
     * @param count  DataSegmentLength.
     * @return false (and nothing added) when the total would exceed the capacity.
     */
    public boolean append(final MemorySegment source, final long offset, final int count)
    {
        if (count < 0 || length + (long)count > limit)
        {
            overflow = true;
            return false;
        }
        ensure(length + (long)count);
        MemorySegment.copy(source, offset, buffer, length, count);
        length += count;
        return true;
    }

    /**
     * Ends the text with a NUL when its last pair has none, so that it parses: RFC 7143 section 6.1 terminates every
     * pair, but a sender that leaves the last NUL out is read leniently (robustness), as long as there is room.
     *
     * @return false when the text does not end in NUL and there is no room to add one.
     */
    public boolean terminate()
    {
        if (length == 0 || buffer.get(Wire.BYTE, length - 1) == 0)
        {
            return true;
        }
        if (length + 1L > limit)
        {
            overflow = true;
            return false;
        }
        ensure(length + 1L);
        buffer.set(Wire.BYTE, length, (byte)0);
        length++;
        return true;
    }

    private void ensure(final long needed)
    {
        if (needed <= buffer.byteSize())
        {
            return;
        }
        long size = Math.max(1, buffer.byteSize());
        while (size < needed)
        {
            size *= 2;
        }
        final MemorySegment bigger = MemorySegment.ofArray(new byte[(int)Math.min(size, limit)]);
        MemorySegment.copy(buffer, 0, bigger, 0, length);
        buffer = bigger;
    }

    /** @return the accumulated text; parse from offset 0 with {@link #length()} bytes. */
    public MemorySegment segment()
    {
        return buffer;
    }

    public int length()
    {
        return length;
    }

    /** The most it accumulates. */
    public int capacity()
    {
        return (int)Math.min(Integer.MAX_VALUE, limit);
    }

    /** @return true once an append was refused. */
    public boolean overflow()
    {
        return overflow;
    }

    /**
     * Wrap a reader over the accumulated text.
     *
     * @param reader reader to reuse.
     * @return the reader.
     */
    public TextKeyReader reader(final TextKeyReader reader)
    {
        return reader.wrap(buffer, 0, length);
    }

    /** Empty the buffer for the next exchange. */
    public TextAccumulator reset()
    {
        length = 0;
        overflow = false;
        return this;
    }
}
