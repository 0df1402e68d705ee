package io.ringtarget.ring;

import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.ErrnoException;
import io.ringtarget.ffi.IoUringBuf;
import io.ringtarget.ffi.IoUringBufReg;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.ringtarget.ffi.IoUringConstants.IORING_CQE_BUFFER_SHIFT;
import static io.ringtarget.ffi.IoUringConstants.IORING_CQE_F_BUFFER;
import static io.ringtarget.ffi.IoUringConstants.IORING_REGISTER_PBUF_RING;
import static io.ringtarget.ffi.IoUringConstants.IORING_UNREGISTER_PBUF_RING;

/**
 * A provided-buffer ring (IORING_REGISTER_PBUF_RING, 5.19): the kernel picks a buffer of group {@code groupId} for
 * each multishot RECV completion and reports its id in the CQE flags; the owner hands the buffer back with
 * {@link #recycle} once it has consumed the bytes. Loop thread only; no allocation after construction.
 */
public final class ProvidedBufferRing implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(ProvidedBufferRing.class.getName());
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();

    private final Ring ring;
    private final int groupId;
    private final int entries;
    private final int mask;
    private final int bufferSize;
    private final Arena arena;
    private final MemorySegment bufRing;
    private final MemorySegment slab;
    private final MemorySegment[] segments;
    private int tail;
    private boolean closed;

    /**
     * @param entries a power of two up to 32768.
     * @throws ErrnoException when the kernel lacks IORING_REGISTER_PBUF_RING (EINVAL) or the group is taken (EEXIST).
     */
    public ProvidedBufferRing(final Ring ring, final int groupId, final int entries, final int bufferSize)
    {
        if (Integer.bitCount(entries) != 1 || entries > 32768)
        {
            throw new IllegalArgumentException("entries must be a power of two <= 32768: " + entries);
        }
        if (groupId < 0 || groupId > 0xFFFF)
        {
            throw new IllegalArgumentException("groupId must fit 16 bits: " + groupId);
        }
        this.ring = ring;
        this.groupId = groupId;
        this.entries = entries;
        this.mask = entries - 1;
        this.bufferSize = bufferSize;
        this.arena = Arena.ofShared();
        this.bufRing = arena.allocate((long)entries * IoUringBuf.SIZEOF, 4096);
        this.slab = arena.allocate((long)entries * bufferSize, 64);
        this.segments = new MemorySegment[entries];
        for (int i = 0; i < entries; i++)
        {
            segments[i] = slab.asSlice((long)i * bufferSize, bufferSize);
        }
        final MemorySegment reg = arena.allocate(IoUringBufReg.LAYOUT);
        IoUringBufReg.ring_addr(reg, bufRing.address());
        IoUringBufReg.ring_entries(reg, entries);
        IoUringBufReg.bgid(reg, (short)groupId);
        final int r = ring.register(IORING_REGISTER_PBUF_RING, reg.address(), 1);
        if (r < 0)
        {
            arena.close();
            throw new ErrnoException("IORING_REGISTER_PBUF_RING(group " + groupId + ")", -r);
        }
        for (int bid = 0; bid < entries; bid++)
        {
            put(bid);
        }
        publish();
    }

    private void put(final int bid)
    {
        final long o = (long)(tail & mask) * IoUringBuf.SIZEOF;
        bufRing.set(ValueLayout.JAVA_LONG, o + IoUringBuf.addr$OFFSET, segments[bid].address());
        bufRing.set(ValueLayout.JAVA_INT, o + IoUringBuf.len$OFFSET, bufferSize);
        bufRing.set(ValueLayout.JAVA_SHORT, o + IoUringBuf.bid$OFFSET, (short)bid);
        tail++;
    }

    private void publish()
    {
        // The tail overlays resv of entry 0 (struct io_uring_buf_ring); release so the entries are visible first.
        SHORT.setRelease(bufRing, IoUringBuf.tail$OFFSET, (short)tail);
    }

    /** Gives buffer {@code bufferId} back to the kernel. */
    public void recycle(final int bufferId)
    {
        put(bufferId);
        publish();
    }

    /** Whether a CQE's flags carry a buffer of this kind. */
    public static boolean hasBuffer(final int cqeFlags)
    {
        return (cqeFlags & IORING_CQE_F_BUFFER) != 0;
    }

    /** The buffer id of a CQE with IORING_CQE_F_BUFFER. */
    public static int bufferId(final int cqeFlags)
    {
        return cqeFlags >>> IORING_CQE_BUFFER_SHIFT;
    }

    public long address(final int bufferId)
    {
        return segments[bufferId].address();
    }

    /** The preallocated slice of buffer {@code bufferId}. */
    public MemorySegment segment(final int bufferId)
    {
        return segments[bufferId];
    }

    public int groupId()
    {
        return groupId;
    }

    public int entries()
    {
        return entries;
    }

    public int bufferSize()
    {
        return bufferSize;
    }

    /**
     * Unregisters the group and frees the memory. Cancel the receives using the group first, and close on the ring's
     * owner thread or after the ring: if the kernel refuses to unregister (EEXIST from another thread of a
     * SINGLE_ISSUER ring) it may still write into these buffers, so they are left allocated and a WARNING says so.
     * Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (!ring.isClosed())
        {
            final int r;
            try (Arena tmp = Arena.ofConfined())
            {
                final MemorySegment reg = tmp.allocate(IoUringBufReg.LAYOUT);
                IoUringBufReg.bgid(reg, (short)groupId);
                r = ring.register(IORING_UNREGISTER_PBUF_RING, reg.address(), 1);
            }
            if (r < 0)
            {
                LOG.log(System.Logger.Level.WARNING,
                    "ProvidedBufferRing {0}: IORING_UNREGISTER_PBUF_RING failed ({1}); buffers kept until the process" +
                    " exits. Close it on the ring's thread, or close the ring first", groupId, Errno.describe(r));
                return;
            }
        }
        arena.close();
    }
}
