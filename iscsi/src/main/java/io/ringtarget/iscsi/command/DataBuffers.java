package io.ringtarget.iscsi.command;

import io.ringtarget.ffi.ErrnoException;
import io.ringtarget.ffi.Iovec;
import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.LibcConstants;
import io.ringtarget.pdu.Crc32cDigest;
import io.ringtarget.ring.BufferPool;
import io.ringtarget.ring.Ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The data buffers one event loop's commands borrow: 64 KiB buffers for most I/O, and runs of 128 KiB chunks of one
 * larger region ({@link ChunkRegion}) for transfers up to {@link #MAX_TRANSFER} (16 MiB), all registered with the
 * loop's ring when the memlock limit allows (the small buffers, then the region as one more fixed buffer), so
 * backstore I/O into them can use READ_FIXED/WRITE_FIXED. When those are all in use (more large commands in flight
 * than the region holds: many sessions of 1 MiB writes at depth), a command gets a run of chunks of the spill region,
 * {@link #DEFAULT_SPILL_FACTOR} times the registered one, mapped at start but committed only as it is first used and
 * not registered (plain READ/WRITE): no allocation, no zeroing and no page fault per command once it has been used,
 * and given back to the kernel once no command has used it for {@link #SPILL_IDLE_NANOS} ({@link #trimIdleSpill}).
 * Only when that is full too does a command get a dedicated buffer (allocated, zeroed, freed: the slow path). The
 * caller counts both. Loop thread only.
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

    /** The spill region is this many times the registered region: 128 MiB of address space by default. */
    public static final int DEFAULT_SPILL_FACTOR = 4;
    /**
     * The spill region's memory goes back to the kernel after this long without a command in it: long enough that
     * a workload which spills keeps it between its bursts, short enough that memory taken by a burst is not kept.
     */
    public static final long SPILL_IDLE_NANOS = 10_000_000_000L;

    /** {@link #acquire} results. */
    public static final int POOLED = 0;
    public static final int DEDICATED = 1;
    public static final int TOO_LARGE = 2;
    /** A run of the spill region's chunks: the registered buffers were all in use. */
    public static final int SPILLED = 3;

    private final BufferPool small;
    private final ChunkRegion region;
    private final ChunkRegion spill;
    private final Crc32cDigest[] smallDigests;
    private final Crc32cDigest[] regionDigests;
    private final Crc32cDigest[] spillDigests;
    private boolean fixed;
    /** Chunks of the spill region that may hold memory: the end of the highest run taken since the last trim. */
    private int spillHighWater;
    private long spillRuns;
    private long spillRunsSeen;
    private long spillIdleSinceNanos;

    /**
     * With a spill region of {@link #DEFAULT_SPILL_FACTOR} times {@code regionSize}.
     *
     * @param smallBuffers number of {@link #SMALL_BUFFER_SIZE} buffers.
     * @param regionSize   bytes of the region for larger transfers, a multiple of {@link ChunkRegion#CHUNK_SIZE}.
     */
    public DataBuffers(final int smallBuffers, final int regionSize)
    {
        this(smallBuffers, regionSize, (long)regionSize * DEFAULT_SPILL_FACTOR);
    }

    /**
     * @param spillSize bytes of the spill region, a multiple of {@link ChunkRegion#CHUNK_SIZE}; 0 for none (a command
     *                  finding the registered buffers full gets a dedicated one).
     */
    public DataBuffers(final int smallBuffers, final int regionSize, final long spillSize)
    {
        this.small = new BufferPool(SMALL_BUFFER_SIZE, smallBuffers);
        this.region = new ChunkRegion(regionSize);
        this.spill = spillSize == 0 ? null : spillRegion(spillSize);
        this.smallDigests = new Crc32cDigest[smallBuffers];
        this.regionDigests = new Crc32cDigest[region.chunks()];
        this.spillDigests = spill == null ? null : new Crc32cDigest[spill.chunks()];
    }

    /**
     * The spill region, or null when the kernel refuses even to map it (a host with strict overcommit accounting,
     * vm.overcommit_memory=2, charges a mapping in full): the loop then works as without one, and says so
     * ({@link #spillSize()} 0).
     */
    private static ChunkRegion spillRegion(final long bytes)
    {
        try
        {
            return ChunkRegion.lazy(bytes);
        }
        catch (final ErrnoException ex)
        {
            return null;
        }
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

    /** Small buffers not in use (tests). */
    public int freeSmallBuffers()
    {
        return small.available();
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

    /** Bytes of the spill region's address space (committed only as used), 0 without one. */
    public long spillSize()
    {
        return spill == null ? 0 : spill.slab().byteSize();
    }

    /** Spill region chunks not in use (tests). */
    public int freeSpillChunks()
    {
        return spill == null ? 0 : spill.freeChunks();
    }

    /**
     * Gives {@code command} a buffer for {@code length} bytes: a small buffer up to 64 KiB, else (or when the small
     * pool is empty) a run of region chunks, else a run of spill chunks, else a dedicated buffer up to
     * {@link #MAX_TRANSFER}; and tells its task which fixed buffer holds it ({@link #bindFixedBuffer}).
     *
     * @return {@link #POOLED}, {@link #SPILLED}, {@link #DEDICATED} or {@link #TOO_LARGE} (no buffer).
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
                bindFixedBuffer(command);
                return POOLED;
            }
        }
        final int n = ChunkRegion.chunksFor(Math.max(bytes, 1));
        if (takeRun(command, region, n))
        {
            return POOLED;
        }
        if (spill != null && takeRun(command, spill, n))
        {
            spillRuns++;
            spillHighWater = Math.max(spillHighWater, command.regionChunk + n);
            return SPILLED;
        }
        command.dedicatedArena = Arena.ofConfined();
        command.buffer = command.dedicatedArena.allocate(Math.max(bytes, 4096), 4096);
        command.pool = null;
        command.poolIndex = -1;
        return DEDICATED;
    }

    private boolean takeRun(final Command command, final ChunkRegion from, final int n)
    {
        final int first = from.acquire(n);
        if (first < 0)
        {
            return false;
        }
        command.chunkRegion = from;
        command.regionChunk = first;
        command.regionChunks = n;
        command.buffer = from.segment(first, n);
        bindFixedBuffer(command);
        return true;
    }

    /**
     * Tells the command's task the registered buffer index of its buffer (a small buffer's own, the region's after
     * them), or none (spill, dedicated, or nothing registered); a task reset forgets it, so a command whose buffer
     * was taken before its task was set up calls this again.
     */
    public void bindFixedBuffer(final Command command)
    {
        final int index;
        if (!fixed)
        {
            index = -1;
        }
        else if (command.pool != null)
        {
            index = command.poolIndex;
        }
        else
        {
            index = command.chunkRegion == region ? small.capacity() : -1;
        }
        command.task.fixedBuffer(index, command.buffer.address(), command.buffer.byteSize());
    }

    /**
     * Gives the spill region's memory back to the kernel (MADV_DONTNEED: the pages are free again, and zero when next
     * used) once no command has held a run of it for {@link #SPILL_IDLE_NANOS}; a loop calls this in its duty
     * cycles, which come at least once a second even when idle.
     *
     * @return 1 when memory was given back, else 0.
     */
    public int trimIdleSpill(final long nowNanos)
    {
        if (spillHighWater == 0)
        {
            return 0;   // nothing used since the last trim
        }
        if (spillRuns != spillRunsSeen || spill.freeChunks() != spill.chunks())
        {
            spillRunsSeen = spillRuns;
            spillIdleSinceNanos = nowNanos;
            return 0;
        }
        if (nowNanos - spillIdleSinceNanos < SPILL_IDLE_NANOS)
        {
            return 0;
        }
        final long length = (long)spillHighWater * ChunkRegion.CHUNK_SIZE;
        spillHighWater = 0;   // a failure below is reported once (the loop's worker fault), not at every cycle
        Libc.check(Libc.madvise(spill.slab().address(), length, LibcConstants.MADV_DONTNEED), "madvise");
        return 1;
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
            command.chunkRegion.release(command.regionChunk, command.regionChunks);
            command.chunkRegion = null;
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
            digests = command.chunkRegion == region ? regionDigests : spillDigests;
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
        if (spill != null)
        {
            spill.close();
        }
    }
}
