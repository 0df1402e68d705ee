package io.ringtarget.server.config;

/**
 * Engine settings: {@code loops} event loops (0 = one per core), {@code pinCpus} pins loop i to CPU i,
 * {@code idleStrategy} "ring" (poll briefly after work, then block in io_uring_enter), "busy" or "backoff",
 * {@code idleSpinMicros} how long a "ring" loop keeps polling after its last work before it blocks (0 = never),
 * {@code nopInIntervalSeconds}/{@code nopInTimeoutSeconds} the target's NOP-In pings that drop dead connections:
 * of discovery sessions, and of the sessions of TPGs that do not set their own ({@link TpgConfig}),
 * {@code tcpCongestionControl} the TCP congestion control of every connection (null: the host's).
 */
public record EngineConfig(
    int loops,
    boolean pinCpus,
    String idleStrategy,
    int idleSpinMicros,
    int nopInIntervalSeconds,
    int nopInTimeoutSeconds,
    String tcpCongestionControl)
{
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
            nopInTimeoutSeconds, name);
    }
}
