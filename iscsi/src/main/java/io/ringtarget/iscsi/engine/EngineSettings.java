package io.ringtarget.iscsi.engine;

import io.ringtarget.iscsi.command.ChunkRegion;
import io.ringtarget.iscsi.command.DataBuffers;
import io.ringtarget.iscsi.loop.IscsiContext;
import io.ringtarget.ring.BufferPool;

/**
 * How the engine runs: {@code loops} event loops (0 = one per core), {@code pinCpus} pins loop i to CPU i,
 * {@code idleStrategy} "ring", "busy" or "backoff" ({@link io.ringtarget.ring.EventLoopGroup}),
 * {@code idleSpinNanos} how long a "ring" loop polls after work before it blocks, and the NOP-In ping interval
 * and answer timeout that find dead connections (0 = no pings): those of discovery sessions and of the TPGs that do
 * not set their own ({@link io.ringtarget.iscsi.node.PortalGroup}), and the TCP keepalive of every accepted socket
 * until its session's TPG is known. {@code tcpCongestionControl} is the TCP congestion control of every accepted
 * connection ("cubic", "dctcp", ...), null for the host's net.ipv4.tcp_congestion_control. Each loop has
 * {@code dataBuffers} 64 KiB data buffers and a region of {@code largeTransferRegionBytes} for larger transfers
 * ({@link DataBuffers}), pinned in memory when registered with its ring, and a spill region of
 * {@code spillRegionBytes} (0: none) for the commands that find them in use, unpinned and committed only as used.
 * {@code receiveCoalescingNanos} is how long a connection's receive waits when its initiator keeps a deep queue, so
 * that its commands are taken and answered in batches, and how long ready responses wait for an initiator's next
 * commands on a loop saturated by several initiators (0: never; {@code ReceiveCoalescing}).
 */
public record EngineSettings(
    int loops,
    boolean pinCpus,
    String idleStrategy,
    long idleSpinNanos,
    int nopInIntervalSeconds,
    int nopInTimeoutSeconds,
    String tcpCongestionControl,
    int dataBuffers,
    int largeTransferRegionBytes,
    long spillRegionBytes,
    long receiveCoalescingNanos)
{
    /** The longest receive coalescing: beyond 10 ms a deep queue's commands would wait longer than a disk's I/O. */
    public static final long MAX_RECEIVE_COALESCING_NANOS = 10_000_000L;

    public EngineSettings
    {
        if (receiveCoalescingNanos < 0 || receiveCoalescingNanos > MAX_RECEIVE_COALESCING_NANOS)
        {
            throw new IllegalArgumentException("a receive coalescing of " + receiveCoalescingNanos + " ns: 0.." +
                MAX_RECEIVE_COALESCING_NANOS);
        }
        if (dataBuffers < 1 || dataBuffers >= BufferPool.MAX_REGISTERED)
        {
            throw new IllegalArgumentException(dataBuffers + " data buffers per loop: 1.." +
                (BufferPool.MAX_REGISTERED - 1));
        }
        if (largeTransferRegionBytes <= 0 || largeTransferRegionBytes % ChunkRegion.CHUNK_SIZE != 0)
        {
            throw new IllegalArgumentException("a large-transfer region of " + largeTransferRegionBytes +
                " bytes: a positive multiple of " + ChunkRegion.CHUNK_SIZE);
        }
        if (spillRegionBytes < 0 || spillRegionBytes % ChunkRegion.CHUNK_SIZE != 0 ||
            spillRegionBytes / ChunkRegion.CHUNK_SIZE > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("a spill region of " + spillRegionBytes +
                " bytes: 0 or a multiple of " + ChunkRegion.CHUNK_SIZE);
        }
    }

    /** The default receive coalescing ({@link IscsiContext#DEFAULT_RECEIVE_COALESCING_NANOS}). */
    public EngineSettings(
        final int loops, final boolean pinCpus, final String idleStrategy, final long idleSpinNanos,
        final int nopInIntervalSeconds, final int nopInTimeoutSeconds, final String tcpCongestionControl,
        final int dataBuffers, final int largeTransferRegionBytes, final long spillRegionBytes)
    {
        this(loops, pinCpus, idleStrategy, idleSpinNanos, nopInIntervalSeconds, nopInTimeoutSeconds,
            tcpCongestionControl, dataBuffers, largeTransferRegionBytes, spillRegionBytes,
            IscsiContext.DEFAULT_RECEIVE_COALESCING_NANOS);
    }

    /** A spill region of {@link DataBuffers#DEFAULT_SPILL_FACTOR} times the large-transfer region. */
    public EngineSettings(
        final int loops, final boolean pinCpus, final String idleStrategy, final long idleSpinNanos,
        final int nopInIntervalSeconds, final int nopInTimeoutSeconds, final String tcpCongestionControl,
        final int dataBuffers, final int largeTransferRegionBytes)
    {
        this(loops, pinCpus, idleStrategy, idleSpinNanos, nopInIntervalSeconds, nopInTimeoutSeconds,
            tcpCongestionControl, dataBuffers, largeTransferRegionBytes,
            (long)DataBuffers.DEFAULT_SPILL_FACTOR * largeTransferRegionBytes);
    }

    /** The default data buffers of a loop: 256 x 64 KiB and a 32 MiB region. */
    public EngineSettings(
        final int loops, final boolean pinCpus, final String idleStrategy, final long idleSpinNanos,
        final int nopInIntervalSeconds, final int nopInTimeoutSeconds, final String tcpCongestionControl)
    {
        this(loops, pinCpus, idleStrategy, idleSpinNanos, nopInIntervalSeconds, nopInTimeoutSeconds,
            tcpCongestionControl, DataBuffers.DEFAULT_SMALL_BUFFERS, DataBuffers.DEFAULT_REGION_SIZE);
    }

    /** Connections with the host's TCP congestion control. */
    public EngineSettings(
        final int loops, final boolean pinCpus, final String idleStrategy, final long idleSpinNanos,
        final int nopInIntervalSeconds, final int nopInTimeoutSeconds)
    {
        this(loops, pinCpus, idleStrategy, idleSpinNanos, nopInIntervalSeconds, nopInTimeoutSeconds, null);
    }

    /** The number of event loops to run: {@code loops}, or one per available CPU when it is 0. */
    public int loopCount()
    {
        return loops > 0 ? loops : Runtime.getRuntime().availableProcessors();
    }
}
