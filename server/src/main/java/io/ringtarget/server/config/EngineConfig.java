package io.ringtarget.server.config;

import io.ringtarget.iscsi.command.DataBuffers;
import io.ringtarget.iscsi.loop.IscsiContext;

/**
 * Engine settings: {@code loops} event loops (0 = one per core), {@code pinCpus} pins loop i to CPU i,
 * {@code idleStrategy} "ring" (poll briefly after work, then block in io_uring_enter), "busy" or "backoff",
 * {@code idleSpinMicros} how long a "ring" loop keeps polling after its last work before it blocks (0 = never),
 * {@code nopInIntervalSeconds}/{@code nopInTimeoutSeconds} the target's NOP-In pings that drop dead connections:
 * of discovery sessions, and of the sessions of TPGs that do not set their own ({@link TpgConfig}),
 * {@code tcpCongestionControl} the TCP congestion control of every connection (null: the host's),
 * {@code dataBuffers} the 64 KiB data buffers of each loop and {@code largeTransferRegionMiB} its region for larger
 * transfers, both pinned (null: {@link #DEFAULT_DATA_BUFFERS}, {@link #DEFAULT_LARGE_TRANSFER_REGION_MIB}; left out
 * of the file then), and {@code spillRegionMiB} its spill region for commands that find them in use, unpinned and
 * committed only as used (null: {@link DataBuffers#DEFAULT_SPILL_FACTOR} times the large-transfer region; 0: none),
 * {@code receiveCoalescingMicros} how long a connection's receive waits when its initiator keeps a deep queue, so that
 * its commands are taken and answered in batches, and how long ready responses wait for an initiator's next commands
 * on a loop saturated by several initiators (null: {@link #DEFAULT_RECEIVE_COALESCING_MICROS}; 0: never).
 */
public record EngineConfig(
    int loops,
    boolean pinCpus,
    String idleStrategy,
    int idleSpinMicros,
    int nopInIntervalSeconds,
    int nopInTimeoutSeconds,
    String tcpCongestionControl,
    Integer dataBuffers,
    Integer largeTransferRegionMiB,
    Integer spillRegionMiB,
    Integer receiveCoalescingMicros)
{
    /** The receive coalescing when the file says nothing ({@link IscsiContext#DEFAULT_RECEIVE_COALESCING_NANOS}). */
    public static final int DEFAULT_RECEIVE_COALESCING_MICROS =
        (int)(IscsiContext.DEFAULT_RECEIVE_COALESCING_NANOS / 1_000L);

    /** 64 KiB data buffers per loop when the file says nothing: 16 MiB. */
    public static final int DEFAULT_DATA_BUFFERS = 256;
    /** The region for larger transfers per loop when the file says nothing: two 16 MiB commands at a time. */
    public static final int DEFAULT_LARGE_TRANSFER_REGION_MIB = 32;

    /** The default spill region: {@link DataBuffers#DEFAULT_SPILL_FACTOR} times the large-transfer region. */
    public EngineConfig(
        final int loops,
        final boolean pinCpus,
        final String idleStrategy,
        final int idleSpinMicros,
        final int nopInIntervalSeconds,
        final int nopInTimeoutSeconds,
        final String tcpCongestionControl,
        final Integer dataBuffers,
        final Integer largeTransferRegionMiB)
    {
        this(loops, pinCpus, idleStrategy, idleSpinMicros, nopInIntervalSeconds, nopInTimeoutSeconds,
            tcpCongestionControl, dataBuffers, largeTransferRegionMiB, null, null);
    }

    /** The default data buffers. */
    public EngineConfig(
        final int loops,
        final boolean pinCpus,
        final String idleStrategy,
        final int idleSpinMicros,
        final int nopInIntervalSeconds,
        final int nopInTimeoutSeconds,
        final String tcpCongestionControl)
    {
        this(loops, pinCpus, idleStrategy, idleSpinMicros, nopInIntervalSeconds, nopInTimeoutSeconds,
            tcpCongestionControl, null, null);
    }

    /** Connections with the host's TCP congestion control. */
    public EngineConfig(
        final int loops,
        final boolean pinCpus,
        final String idleStrategy,
        final int idleSpinMicros,
        final int nopInIntervalSeconds,
        final int nopInTimeoutSeconds)
    {
        this(loops, pinCpus, idleStrategy, idleSpinMicros, nopInIntervalSeconds, nopInTimeoutSeconds, null);
    }

    /** With the default polling time ({@link ConfigDefaults#DEFAULT_IDLE_SPIN_MICROS}). */
    public EngineConfig(
        final int loops,
        final boolean pinCpus,
        final String idleStrategy,
        final int nopInIntervalSeconds,
        final int nopInTimeoutSeconds)
    {
        this(loops, pinCpus, idleStrategy, ConfigDefaults.DEFAULT_IDLE_SPIN_MICROS, nopInIntervalSeconds, nopInTimeoutSeconds);
    }

    /** With this TCP congestion control for every connection; null: the host's. */
    public EngineConfig withTcpCongestionControl(final String name)
    {
        return new EngineConfig(loops, pinCpus, idleStrategy, idleSpinMicros, nopInIntervalSeconds,
            nopInTimeoutSeconds, name, dataBuffers, largeTransferRegionMiB, spillRegionMiB, receiveCoalescingMicros);
    }

    /** With these data buffers per loop; null: the defaults. */
    public EngineConfig withDataBuffers(final Integer buffers, final Integer regionMiB)
    {
        return new EngineConfig(loops, pinCpus, idleStrategy, idleSpinMicros, nopInIntervalSeconds,
            nopInTimeoutSeconds, tcpCongestionControl, buffers, regionMiB, spillRegionMiB, receiveCoalescingMicros);
    }

    /** With this spill region per loop in MiB (0: none); null: the default. */
    public EngineConfig withSpillRegionMiB(final Integer mib)
    {
        return new EngineConfig(loops, pinCpus, idleStrategy, idleSpinMicros, nopInIntervalSeconds,
            nopInTimeoutSeconds, tcpCongestionControl, dataBuffers, largeTransferRegionMiB, mib,
            receiveCoalescingMicros);
    }

    /** With this receive coalescing in microseconds (0: never); null: the default. */
    public EngineConfig withReceiveCoalescingMicros(final Integer micros)
    {
        return new EngineConfig(loops, pinCpus, idleStrategy, idleSpinMicros, nopInIntervalSeconds,
            nopInTimeoutSeconds, tcpCongestionControl, dataBuffers, largeTransferRegionMiB, spillRegionMiB, micros);
    }

    public int receiveCoalescingMicrosOrDefault()
    {
        return null == receiveCoalescingMicros ? DEFAULT_RECEIVE_COALESCING_MICROS : receiveCoalescingMicros;
    }

    public int dataBuffersOrDefault()
    {
        return null == dataBuffers ? DEFAULT_DATA_BUFFERS : dataBuffers;
    }

    public int largeTransferRegionMiBOrDefault()
    {
        return null == largeTransferRegionMiB ? DEFAULT_LARGE_TRANSFER_REGION_MIB : largeTransferRegionMiB;
    }

    /** Memory each event loop pins for its data buffers. */
    public long pinnedBytesPerLoop()
    {
        return dataBuffersOrDefault() * 65536L + ((long)largeTransferRegionMiBOrDefault() << 20);
    }

    /**
     * The most memory each event loop takes, unpinned, for commands that find the pinned buffers in use (its spill
     * region: {@code spillRegionMiB}, by default {@link DataBuffers#DEFAULT_SPILL_FACTOR} times the large-transfer
     * region, committed only as used).
     */
    public long spillBytesPerLoop()
    {
        if (null == spillRegionMiB)
        {
            return (long)DataBuffers.DEFAULT_SPILL_FACTOR * largeTransferRegionMiBOrDefault() << 20;
        }
        return (long)spillRegionMiB << 20;
    }
}
