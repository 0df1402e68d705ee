package io.ringtarget.iscsi.command;

import io.ringtarget.ffi.Iovec;
import io.ringtarget.pdu.Crc32cDigest;
import io.ringtarget.ring.BufferPool;
import io.ringtarget.ring.Ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The data buffers one event loop's commands borrow: 64 KiB buffers for most I/O, and runs of 128 KiB chunks of one
 * larger region ({@link ChunkRegion}) for transfers up to {@link #MAX_TRANSFER} (16 MiB), all registered with the
 * loop's ring when the memlock limit allows (the small buffers, then the region as one more fixed buffer), so
 * backstore I/O into them can use READ_FIXED/WRITE_FIXED. When they run dry, a command gets a dedicated buffer (the
 * slow path, counted by the caller). Loop thread only.
 */
public final class DataBuffers implements AutoCloseable
{
    /** Buffers for transfers up to 64 KiB: most I/O of databases and fio's 4 KiB workloads. */
    public static final int SMALL_BUFFER_SIZE = 64 * 1024;
    /**
     * The largest transfer a command may have at all: SBC MAXIMUM TRANSFER LENGTH (LogicalUnit, Block Limits VPD)
     * is the same 16 MiB.
     */
    public static final int MAX_TRANSFER = 16 * 1024 * 1024;
    /** A loop's small buffers by default: 16 MiB, 256 commands of up to 64 KiB at a time. */
    public static final int DEFAULT_SMALL_BUFFERS = 256;
    /** A loop's region for larger transfers by default: two 16 MiB commands, or 32 of 1 MiB, at a time. */
    public static final int DEFAULT_REGION_SIZE = 32 * 1024 * 1024;

    /** {@link #acquire} results. */
    public static final int POOLED = 0;
    public static final int DEDICATED = 1;
    public static final int TOO_LARGE = 2;

    private final BufferPool small;
    private final ChunkRegion region;
    private final Crc32cDigest[] smallDigests;
    private final Crc32cDigest[] regionDigests;
    private boolean fixed;

    /**
     * @param smallBuffers number of {@link #SMALL_BUFFER_SIZE} buffers.
     * @param regionSize   bytes of the region for larger transfers, a multiple of {@link ChunkRegion#CHUNK_SIZE}.
     */
    public DataBuffers(final int smallBuffers, final int regionSize)
    {
        this.small = new BufferPool(SMALL_BUFFER_SIZE, smallBuffers);
        this.region = new ChunkRegion(regionSize);
        this.smallDigests = new Crc32cDigest[smallBuffers];
        this.regionDigests = new Crc32cDigest[region.chunks()];
    }

    /**
     * Registers the small buffers and the region with the loop's ring as one fixed-buffer table (small buffers
     * first, then the region). Call on the loop thread before any I/O.
     *
     * @return 0, or -errno (ENOMEM without the memlock to pin them): the buffers then stay unregistered and I/O
     * works as before.
     */
    public int registerWith(final Ring ring)
    {
        final int s = small.capacity();
        final int r;
        try (Arena tmp = Arena.ofConfined())
        {
            final MemorySegment iovecs = tmp.allocate(Iovec.LAYOUT, s + 1);
            for (int i = 0; i < s; i++)
            {
                final MemorySegment iov = iovecs.asSlice(i * Iovec.SIZEOF, Iovec.SIZEOF);
                Iovec.iov_base(iov, small.segment(i));
                Iovec.iov_len(iov, SMALL_BUFFER_SIZE);
            }
            final MemorySegment iov = iovecs.asSlice(s * Iovec.SIZEOF, Iovec.SIZEOF);
            Iovec.iov_base(iov, region.slab());
            Iovec.iov_len(iov, region.slab().byteSize());
            r = ring.registerBuffers(iovecs, s + 1);
        }
        fixed = r >= 0;
        return r;
    }

    public int smallBuffers()
    {
        return small.capacity();
    }

    /** Bytes of the region for larger transfers. */
    public long regionSize()
    {
        return region.slab().byteSize();
    }

    /** Region chunks not in use (tests, metrics). */
    public int freeRegionChunks()
    {
        return region.freeChunks();
    }

    /**
     * Gives {@code command} a buffer for {@code length} bytes: a small buffer up to 64 KiB, else (or when the small
     * pool is empty) a run of region chunks, else a dedicated buffer up to {@link #MAX_TRANSFER}.
     *
     * @return {@link #POOLED}, {@link #DEDICATED} or {@link #TOO_LARGE} (no buffer).
     */
    public int acquire(final Command command, final int length)
    {
        final long bytes = length & 0xFFFF_FFFFL;
        if (bytes > MAX_TRANSFER)
        {
            return TOO_LARGE;
        }
        if (bytes <= SMALL_BUFFER_SIZE)
        {
            final int index = small.acquire();
            if (index >= 0)
            {
                command.pool = small;
                command.poolIndex = index;
                command.buffer = small.segment(index);
                command.task.fixedBuffer(fixed ? index : -1, command.buffer.address(), SMALL_BUFFER_SIZE);
                return POOLED;
            }
        }
        final int n = ChunkRegion.chunksFor(Math.max(bytes, 1));
        final int first = region.acquire(n);
        if (first >= 0)
        {
            command.regionChunk = first;
            command.regionChunks = n;
            command.buffer = region.segment(first, n);
            command.task.fixedBuffer(fixed ? small.capacity() : -1, command.buffer.address(), command.buffer.byteSize());
            return POOLED;
        }
        command.dedicatedArena = Arena.ofConfined();
        command.buffer = command.dedicatedArena.allocate(Math.max(bytes, 4096), 4096);
        command.pool = null;
        command.poolIndex = -1;
        return DEDICATED;
    }

    /** Returns the command's buffer. */
    public void release(final Command command)
    {
        if (command.pool != null)
        {
            command.pool.release(command.poolIndex);
            command.pool = null;
            command.poolIndex = -1;
        }
        if (command.regionChunk >= 0)
        {
            region.release(command.regionChunk, command.regionChunks);
            command.regionChunk = -1;
            command.regionChunks = 0;
        }
        if (command.dedicatedArena != null)
        {
            command.dedicatedArena.close();
            command.dedicatedArena = null;
        }
        command.buffer = null;
    }

    /** A CRC32C digest over the command's buffer (DataDigest on Data-In); made once per pool buffer or region run. */
    public Crc32cDigest digest(final Command command)
    {
        final Crc32cDigest[] digests;
        final int index;
        if (command.pool != null)
        {
            digests = smallDigests;
            index = command.poolIndex;
        }
        else if (command.regionChunk >= 0)
        {
            digests = regionDigests;
            index = command.regionChunk;
        }
        else
        {
            return new Crc32cDigest().wrap(command.buffer);   // dedicated buffer: the slow path already
        }
        Crc32cDigest d = digests[index];
        if (d == null)
        {
            d = new Crc32cDigest();
            digests[index] = d;
        }
        return d.wrap(command.buffer);   // the same view as last time unless the run's length changed
    }

    @Override
    public void close()
    {
        small.close();
        region.close();
    }
}
