package io.ringtarget.iscsi.command;

import io.ringtarget.ffi.Iovec;
import io.ringtarget.pdu.Crc32cDigest;
import io.ringtarget.ring.BufferPool;
import io.ringtarget.ring.Ring;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The data buffers one event loop's commands borrow: 64 KiB buffers for most I/O, 1 MiB ones for large transfers,
 * both registered with the loop's ring when the memlock limit allows, so backstore I/O into them can use
 * READ_FIXED/WRITE_FIXED. When the pools run dry or a transfer is larger, a command gets a dedicated buffer (the
 * slow path, counted by the caller). Loop thread only.
 */
public final class DataBuffers implements AutoCloseable
{
    /** Buffers for transfers up to 64 KiB: most I/O of databases and fio's 4 KiB workloads. */
    public static final int SMALL_BUFFER_SIZE = 64 * 1024;
    /** Buffers for transfers up to 1 MiB (VPD 0xB0 MAXIMUM TRANSFER LENGTH follows this). */
    public static final int LARGE_BUFFER_SIZE = 1024 * 1024;
    /** The largest transfer a command may have at all. */
    public static final int MAX_DEDICATED_TRANSFER = 16 * 1024 * 1024;

    /** {@link #acquire} results. */
    public static final int POOLED = 0;
    public static final int DEDICATED = 1;
    public static final int TOO_LARGE = 2;

    private final BufferPool small;
    private final BufferPool large;
    private final Crc32cDigest[] smallDigests;
    private final Crc32cDigest[] largeDigests;
    private boolean fixed;

    public DataBuffers(final int smallBuffers, final int largeBuffers)
    {
        this.small = new BufferPool(SMALL_BUFFER_SIZE, smallBuffers);
        this.large = new BufferPool(LARGE_BUFFER_SIZE, largeBuffers);
        this.smallDigests = new Crc32cDigest[smallBuffers];
        this.largeDigests = new Crc32cDigest[largeBuffers];
    }

    /**
     * Registers both pools with the loop's ring as one fixed-buffer table (small buffers first, then large). Call on
     * the loop thread before any I/O.
     *
     * @return 0, or -errno (ENOMEM without the memlock to pin them): the pools then stay unregistered and I/O works
     * as before.
     */
    public int registerWith(final Ring ring)
    {
        final int s = small.capacity();
        final int l = large.capacity();
        final int r;
        try (Arena tmp = Arena.ofConfined())
        {
            final MemorySegment iovecs = tmp.allocate(Iovec.LAYOUT, s + l);
            for (int i = 0; i < s + l; i++)
            {
                final MemorySegment iov = iovecs.asSlice(i * Iovec.SIZEOF, Iovec.SIZEOF);
                final boolean isSmall = i < s;
                Iovec.iov_base(iov, isSmall ? small.segment(i) : large.segment(i - s));
                Iovec.iov_len(iov, isSmall ? SMALL_BUFFER_SIZE : LARGE_BUFFER_SIZE);
            }
            r = ring.registerBuffers(iovecs, s + l);
        }
        fixed = r >= 0;
        return r;
    }

    public int smallBuffers()
    {
        return small.capacity();
    }

    public int largeBuffers()
    {
        return large.capacity();
    }

    /**
     * Gives {@code command} a buffer for {@code length} bytes: a pool buffer when one of the right size (or a large
     * one when the small pool is empty) is free, else a dedicated buffer up to {@link #MAX_DEDICATED_TRANSFER}.
     *
     * @return {@link #POOLED}, {@link #DEDICATED} or {@link #TOO_LARGE} (no buffer).
     */
    public int acquire(final Command command, final int length)
    {
        final long bytes = length & 0xFFFF_FFFFL;
        BufferPool pool = bytes <= SMALL_BUFFER_SIZE ? small : bytes <= LARGE_BUFFER_SIZE ? large : null;
        if (pool != null)
        {
            int index = pool.acquire();
            if (index < 0 && pool == small)
            {
                pool = large;
                index = pool.acquire();
            }
            if (index >= 0)
            {
                command.pool = pool;
                command.poolIndex = index;
                command.buffer = pool.segment(index);
                command.task.fixedBuffer(fixedIndex(pool, index), command.buffer.address(), pool.bufferSize());
                return POOLED;
            }
        }
        if (bytes > MAX_DEDICATED_TRANSFER)
        {
            return TOO_LARGE;
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
        if (command.dedicatedArena != null)
        {
            command.dedicatedArena.close();
            command.dedicatedArena = null;
        }
        command.buffer = null;
    }

    /** A CRC32C digest over the command's buffer (DataDigest on Data-In); made once per pool buffer. */
    public Crc32cDigest digest(final Command command)
    {
        if (command.pool == null)
        {
            return new Crc32cDigest().wrap(command.buffer);   // dedicated buffer: the slow path already
        }
        final Crc32cDigest[] digests = command.pool == small ? smallDigests : largeDigests;
        Crc32cDigest d = digests[command.poolIndex];
        if (d == null)
        {
            d = new Crc32cDigest().wrap(command.buffer);
            digests[command.poolIndex] = d;
        }
        return d;
    }

    private int fixedIndex(final BufferPool pool, final int index)
    {
        if (!fixed)
        {
            return -1;
        }
        return pool == small ? index : small.capacity() + index;
    }

    @Override
    public void close()
    {
        small.close();
        large.close();
    }
}
