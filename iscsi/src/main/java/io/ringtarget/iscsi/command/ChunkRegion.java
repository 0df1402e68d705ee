package io.ringtarget.iscsi.command;

import io.ringtarget.ring.LazyMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One contiguous slab cut into {@link #CHUNK_SIZE} chunks, handed out as runs of contiguous chunks: the buffers of a
 * loop's larger transfers, registered with its ring as one fixed buffer so that any run inside it takes
 * READ_FIXED/WRITE_FIXED. A bitmap marks chunks in use; a run of {@code n} chunks is placed first fit at a multiple
 * of the largest power of two ≤ {@code n} (at most a word, 64 chunks), which keeps big runs from being blocked by
 * small ones scattered at odd places (buddy-like placement, without the rounding up). Loop thread only.
 * <p>
 * The view of a run is cached per first chunk: a workload that repeats its transfer sizes allocates nothing once
 * each place has been used at that size. A {@link #lazy} region's memory is committed page by page as it is first
 * used (first fit keeps that to the high-water mark of its use) and kept until its owner gives it back.
 */
public final class ChunkRegion implements AutoCloseable
{
    /** 128 KiB: transfers up to 64 KiB go to the small pool; a 1 MiB transfer is 8 chunks, 16 MiB is 128. */
    public static final int CHUNK_SIZE = 128 * 1024;
    private static final int CHUNK_SHIFT = 17;
    private static final int ALIGNMENT = 4096;

    private final Arena arena;
    private final MemorySegment slab;
    private final int chunks;
    private final long[] used;
    private final MemorySegment[] views;
    private int free;

    /**
     * A region whose memory is allocated (and so committed) at once, as memory to be registered with a ring is.
     *
     * @param bytes the slab's size, a positive multiple of {@link #CHUNK_SIZE}.
     */
    public ChunkRegion(final long bytes)
    {
        this(bytes, false);
    }

    /**
     * A region mapped without being committed ({@link LazyMemory#allocate}): a page takes memory when it is first
     * written, and keeps it until the region is closed or the page is given back (madvise, by the owner).
     *
     * @param bytes the slab's size, a positive multiple of {@link #CHUNK_SIZE}.
     */
    public static ChunkRegion lazy(final long bytes)
    {
        return new ChunkRegion(bytes, true);
    }

    private ChunkRegion(final long bytes, final boolean lazy)
    {
        if (bytes <= 0 || bytes % CHUNK_SIZE != 0 || bytes / CHUNK_SIZE > Integer.MAX_VALUE / 2)
        {
            throw new IllegalArgumentException("region of " + bytes + " B: a positive multiple of " + CHUNK_SIZE);
        }
        this.chunks = (int)(bytes >> CHUNK_SHIFT);
        this.arena = Arena.ofShared();
        this.slab = lazy ? LazyMemory.allocate(arena, bytes) : arena.allocate(bytes, ALIGNMENT);
        this.used = new long[(chunks + 63) >>> 6];
        this.views = new MemorySegment[chunks];
        this.free = chunks;
    }

    /** Chunks needed for {@code bytes} (> 0). */
    public static int chunksFor(final long bytes)
    {
        return (int)((bytes + CHUNK_SIZE - 1) >> CHUNK_SHIFT);
    }

    /**
     * Takes a run of {@code n} contiguous chunks (1..{@link #chunks()}).
     *
     * @return the first chunk of the run, or -1 when no free run is long enough.
     */
    public int acquire(final int n)
    {
        if (n <= 0 || n > free)
        {
            return -1;
        }
        final int step = Math.min(Integer.highestOneBit(n), Long.SIZE);
        for (int first = 0; first + n <= chunks; first += step)
        {
            final int taken = firstUsed(first, n);
            if (taken < 0)
            {
                mark(first, n, true);
                free -= n;
                return first;
            }
            // Skip the places that would still include the chunk in use.
            first = ((taken + 1 + step - 1) / step) * step - step;
        }
        return -1;
    }

    /** Returns a run taken with {@link #acquire}; releasing chunks not in use is a bug and throws. */
    public void release(final int first, final int n)
    {
        if (first < 0 || n <= 0 || first + n > chunks || !allUsed(first, n))
        {
            throw new IllegalArgumentException("chunks " + first + "+" + n + " are not in use");
        }
        mark(first, n, false);
        free += n;
    }

    /** The run's memory, exactly {@code n} chunks long (cached per first chunk). */
    public MemorySegment segment(final int first, final int n)
    {
        final long length = (long)n << CHUNK_SHIFT;
        MemorySegment view = views[first];
        if (view == null || view.byteSize() != length)
        {
            view = slab.asSlice((long)first << CHUNK_SHIFT, length);
            views[first] = view;
        }
        return view;
    }

    /** The whole slab: what is registered with the ring. */
    public MemorySegment slab()
    {
        return slab;
    }

    public int chunks()
    {
        return chunks;
    }

    public int freeChunks()
    {
        return free;
    }

    @Override
    public void close()
    {
        arena.close();
    }

    /** The first chunk in use in [first, first + n), or -1. */
    private int firstUsed(final int first, final int n)
    {
        int i = first;
        final int end = first + n;
        while (i < end)
        {
            final int word = i >>> 6;
            final int bit = i & 63;
            final int span = Math.min(64 - bit, end - i);
            final long mask = (span == 64 ? -1L : (1L << span) - 1) << bit;
            final long hit = used[word] & mask;
            if (hit != 0)
            {
                return (word << 6) + Long.numberOfTrailingZeros(hit);
            }
            i += span;
        }
        return -1;
    }

    private boolean allUsed(final int first, final int n)
    {
        int i = first;
        final int end = first + n;
        while (i < end)
        {
            final int bit = i & 63;
            final int span = Math.min(64 - bit, end - i);
            final long mask = (span == 64 ? -1L : (1L << span) - 1) << bit;
            if ((used[i >>> 6] & mask) != mask)
            {
                return false;
            }
            i += span;
        }
        return true;
    }

    private void mark(final int first, final int n, final boolean inUse)
    {
        int i = first;
        final int end = first + n;
        while (i < end)
        {
            final int bit = i & 63;
            final int span = Math.min(64 - bit, end - i);
            final long mask = (span == 64 ? -1L : (1L << span) - 1) << bit;
            used[i >>> 6] = inUse ? used[i >>> 6] | mask : used[i >>> 6] & ~mask;
            i += span;
        }
    }
}
