package io.ringtarget.ring;

import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.Iovec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.ringtarget.ffi.IoUringConstants.IORING_UNREGISTER_BUFFERS;
import static io.ringtarget.ffi.LibcConstants.EEXIST;
import static io.ringtarget.ffi.LibcConstants.ENOMEM;

/**
 * A slab of equal buffers, each starting on a 4 KiB boundary (what O_DIRECT needs), carved from one
 * {@link Arena} allocation, with a free list of indices. Owned by one loop thread; nothing allocates after
 * construction. Registered as fixed buffers when memlock allows: buffer {@code i} is then fixed buffer index {@code i}
 * of its ring (READ_FIXED/WRITE_FIXED skip the per-I/O page pinning).
 */
public final class BufferPool implements AutoCloseable
{
    public static final int ALIGNMENT = 4096;
    /** IORING_MAX_REG_BUFFERS: the kernel's limit on one registration. */
    public static final int MAX_REGISTERED = 1 << 14;
    private static final System.Logger LOG = System.getLogger(BufferPool.class.getName());

    private final Arena arena;
    private final int bufferSize;
    private final int count;
    private final long stride;
    private final MemorySegment slab;
    private final MemorySegment[] segments;
    private final int[] freeList;
    private final boolean[] inUse;
    private int freeCount;
    private Ring registeredWith;
    private boolean closed;

    public BufferPool(final int bufferSize, final int count)
    {
        if (bufferSize <= 0 || count <= 0)
        {
            throw new IllegalArgumentException("bufferSize and count must be > 0: " + bufferSize + ", " + count);
        }
        this.bufferSize = bufferSize;
        this.count = count;
        this.stride = ((long)bufferSize + ALIGNMENT - 1) & -ALIGNMENT;
        this.arena = Arena.ofShared();
        this.slab = arena.allocate(stride * count, ALIGNMENT);
        this.segments = new MemorySegment[count];
        this.freeList = new int[count];
        this.inUse = new boolean[count];
        for (int i = 0; i < count; i++)
        {
            segments[i] = slab.asSlice(i * stride, bufferSize);
            freeList[i] = count - 1 - i;
        }
        freeCount = count;
    }

    /** A free buffer's index, or -1 when all are in use. */
    public int acquire()
    {
        if (freeCount == 0)
        {
            return -1;
        }
        final int index = freeList[--freeCount];
        inUse[index] = true;
        return index;
    }

    /** Returns a buffer; releasing one that is not in use is a bug and throws. */
    public void release(final int index)
    {
        if (index < 0 || index >= count || !inUse[index])
        {
            throw new IllegalArgumentException("buffer " + index + " is not in use");
        }
        inUse[index] = false;
        freeList[freeCount++] = index;
    }

    public long address(final int index)
    {
        return slab.address() + index * stride;
    }

    /** The preallocated slice of buffer {@code index} (no allocation). */
    public MemorySegment segment(final int index)
    {
        return segments[index];
    }

    public int bufferSize()
    {
        return bufferSize;
    }

    public int capacity()
    {
        return count;
    }

    public int available()
    {
        return freeCount;
    }

    /** The fixed-buffer index of buffer {@code index} when {@link #registered()} (the same number). */
    public int bufIndex(final int index)
    {
        return index;
    }

    /**
     * Registers every buffer with {@code ring} (IORING_REGISTER_BUFFERS). When the kernel refuses (ENOMEM: over
     * RLIMIT_MEMLOCK without CAP_IPC_LOCK; or more than {@link #MAX_REGISTERED} buffers) it logs and returns false;
     * the pool then works for plain READ/WRITE.
     */
    public boolean registerWith(final Ring ring)
    {
        if (registeredWith != null)
        {
            return registeredWith == ring;
        }
        if (count > MAX_REGISTERED)
        {
            LOG.log(System.Logger.Level.WARNING, "BufferPool of {0} buffers not registered: the kernel allows {1}",
                count, MAX_REGISTERED);
            return false;
        }
        final int r;
        try (Arena tmp = Arena.ofConfined())
        {
            final MemorySegment iovecs = tmp.allocate(Iovec.LAYOUT, count);
            for (int i = 0; i < count; i++)
            {
                final MemorySegment iov = iovecs.asSlice(i * Iovec.SIZEOF, Iovec.SIZEOF);
                Iovec.iov_base(iov, segments[i]);
                Iovec.iov_len(iov, bufferSize);
            }
            r = ring.registerBuffers(iovecs, count);
        }
        if (r < 0)
        {
            final String hint = r == -ENOMEM ?
                "raise RLIMIT_MEMLOCK (e.g. LimitMEMLOCK=infinity) or grant CAP_IPC_LOCK to register" :
                r == -EEXIST ? "a SINGLE_ISSUER ring takes registrations only from its owner thread, or before its first submit" :
                "see io_uring_register(2)";
            LOG.log(System.Logger.Level.WARNING,
                "BufferPool ({0} x {1} B) not registered as fixed buffers: {2}; using unregistered I/O ({3})",
                count, bufferSize, Errno.describe(r), hint);
            return false;
        }
        registeredWith = ring;
        return true;
    }

    public boolean registered()
    {
        return registeredWith != null;
    }

    /**
     * Frees the slab. Close the ring first (which drops its registrations), or close the pool on the ring's owner
     * thread: while the ring is open the kernel keeps the registered pages, so when it refuses to unregister them
     * (EEXIST from another thread of a SINGLE_ISSUER ring) the slab is left allocated rather than reused under a live
     * registration, and a WARNING says so. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        final Ring ring = registeredWith;
        registeredWith = null;
        if (ring != null && !ring.isClosed())
        {
            final int r = ring.register(IORING_UNREGISTER_BUFFERS, 0, 0);
            if (r < 0)
            {
                LOG.log(System.Logger.Level.WARNING,
                    "BufferPool: IORING_UNREGISTER_BUFFERS failed ({0}); slab kept until the process exits." +
                    " Close the ring first, or the pool on the ring's thread", Errno.describe(r));
                return;
            }
        }
        arena.close();
    }
}
