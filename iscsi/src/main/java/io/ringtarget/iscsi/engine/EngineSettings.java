package io.ringtarget.iscsi.engine;

/**
 * How the engine runs: {@code loops} event loops (0 = one per core), {@code pinCpus} pins loop i to CPU i,
 * {@code idleStrategy} "ring", "busy" or "backoff" ({@link io.ringtarget.ring.EventLoopGroup}),
 * {@code idleSpinNanos} how long a "ring" loop polls after work before it blocks, and the NOP-In ping interval
 * and answer timeout that find dead connections (0 = no pings): those of discovery sessions and of the TPGs that do
 * not set their own ({@link io.ringtarget.iscsi.node.PortalGroup}), and the TCP keepalive of every accepted socket
 * until its session's TPG is known. {@code tcpCongestionControl} is the TCP congestion control of every accepted
 * connection ("cubic", "dctcp", ...), null for the host's net.ipv4.tcp_congestion_control.
 */
public record EngineSettings(
    int loops,
    boolean pinCpus,
    String idleStrategy,
    long idleSpinNanos,
    int nopInIntervalSeconds,
    int nopInTimeoutSeconds,
    String tcpCongestionControl)
{
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
