package io.ringtarget.iscsi.loop;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.ffi.Iovec;
import io.ringtarget.pdu.Crc32cDigest;
import io.ringtarget.ring.BufferPool;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.scsi.BlockDevice;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one event loop owns besides its ring: the data-buffer pools its commands borrow from, its own handle
 * of every backstore (opened on first use, on this loop's ring), and its connections. Touched only by the loop
 * thread.
 */
public final class LoopContext
{
    /** Buffers for transfers up to 64 KiB: most I/O of databases and fio's 4 KiB workloads. */
    public static final int SMALL_BUFFER_SIZE = 64 * 1024;
    /** Buffers for transfers up to 1 MiB (VPD 0xB0 MAXIMUM TRANSFER LENGTH follows this). */
    public static final int LARGE_BUFFER_SIZE = 1024 * 1024;

    private final EventLoop loop;
    private final IscsiContext server;
    private final BufferPool smallPool;
    private final BufferPool largePool;
    private final Crc32cDigest[] smallDigests;
    private final Crc32cDigest[] largeDigests;
    private final Map<Backstore, BlockDevice> devices = new IdentityHashMap<>();
    private final List<LoopConnection> connections = new ArrayList<>();
    private volatile int connectionCount;
    private boolean fixedBuffers;

    public LoopContext(final EventLoop loop, final IscsiContext server, final int smallBuffers, final int largeBuffers)
    {
        this.loop = loop;
        this.server = server;
        this.smallPool = new BufferPool(SMALL_BUFFER_SIZE, smallBuffers);
        this.largePool = new BufferPool(LARGE_BUFFER_SIZE, largeBuffers);
        this.smallDigests = new Crc32cDigest[smallBuffers];
        this.largeDigests = new Crc32cDigest[largeBuffers];
    }

    public EventLoop loop()
    {
        return loop;
    }

    public IscsiContext server()
    {
        return server;
    }

    public BufferPool smallPool()
    {
        return smallPool;
    }

    public BufferPool largePool()
    {
        return largePool;
    }

    /** This loop's handle of a backstore, opened on the loop's ring the first time it is needed. */
    public BlockDevice device(final Backstore backstore)
    {
        BlockDevice device = devices.get(backstore);
        if (device == null)
        {
            device = backstore.open(loop);
            devices.put(backstore, device);
        }
        return device;
    }

    /**
     * Registers both pools with this loop's ring as one fixed-buffer table (small buffers first, then large), so
     * backstore I/O into them can use READ_FIXED/WRITE_FIXED. Call on the loop thread before any I/O. Without
     * the memlock to pin them (or on an old kernel) the pools stay unregistered: logged, and I/O works as before.
     */
    public boolean registerBuffers()
    {
        final int small = smallPool.capacity();
        final int large = largePool.capacity();
        final int r;
        try (Arena tmp = Arena.ofConfined())
        {
            final MemorySegment iovecs = tmp.allocate(Iovec.LAYOUT, small + large);
            for (int i = 0; i < small + large; i++)
            {
                final MemorySegment iov = iovecs.asSlice(i * Iovec.SIZEOF, Iovec.SIZEOF);
                final boolean isSmall = i < small;
                Iovec.iov_base(iov, isSmall ? smallPool.segment(i) : largePool.segment(i - small));
                Iovec.iov_len(iov, isSmall ? SMALL_BUFFER_SIZE : LARGE_BUFFER_SIZE);
            }
            r = loop.ring().registerBuffers(iovecs, small + large);
        }
        if (r < 0)
        {
            server.log("ringtarget: data buffers not registered with io_uring (errno " + -r +
                "; raise RLIMIT_MEMLOCK to pin them): backstore I/O uses unregistered buffers");
            return false;
        }
        fixedBuffers = true;
        server.log("ringtarget: " + loop.roleName() + ": " + small + " x 64 KiB + " + large +
            " x 1 MiB data buffers registered with io_uring (READ_FIXED/WRITE_FIXED)");
        return true;
    }

    /** The fixed-buffer index of a pool buffer, or -1 when the pools are not registered. */
    public int fixedIndex(final BufferPool pool, final int index)
    {
        if (!fixedBuffers)
        {
            return -1;
        }
        return pool == smallPool ? index : smallPool.capacity() + index;
    }

    /** A CRC32C digest bound to a pool buffer, created once per buffer (DataDigest on Data-In, no allocation). */
    public Crc32cDigest digest(final BufferPool pool, final int index)
    {
        final Crc32cDigest[] digests = pool == smallPool ? smallDigests : largeDigests;
        Crc32cDigest d = digests[index];
        if (d == null)
        {
            d = new Crc32cDigest().wrap(pool.segment(index));
            digests[index] = d;
        }
        return d;
    }

    public List<LoopConnection> connections()
    {
        return connections;
    }

    /** Connections open on this loop; readable from any thread (shutdown waits on it). */
    public int connectionCount()
    {
        return connectionCount;
    }

    public void addConnection(final LoopConnection connection)
    {
        connections.add(connection);
        connectionCount = connections.size();
    }

    public void removeConnection(final LoopConnection connection)
    {
        connections.remove(connection);
        connectionCount = connections.size();
    }

    public void close()
    {
        smallPool.close();
        largePool.close();
    }
}
