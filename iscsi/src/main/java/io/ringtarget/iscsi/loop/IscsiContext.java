package io.ringtarget.iscsi.loop;

import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.ServedTargets;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.login.ConnectionAdmission;
import io.ringtarget.iscsi.login.Chap;
import io.ringtarget.iscsi.login.LoginLimits;
import io.ringtarget.iscsi.login.LoginThrottle;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.session.SessionRegistry;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.stats.MetricsModel;
import io.ringtarget.ring.Counters;

/**
 * Server-wide, read-mostly state every loop reads: the targets served (replaced as a whole by a live configuration
 * change, {@link ServedTargets}), limits, the engine's NOP-In settings, the session table, the log and the counters
 * registry (each loop allocates its counters in it).
 */
public final class IscsiContext
{
    private final ServedTargets served;
    private final TargetLimits limits;
    private final SessionRegistry sessions;
    private final LoginLimits loginLimits;
    private final LoginThrottle throttle;
    private final ConnectionAdmission admission;
    private final Chap chap = new Chap();
    private final EventLog log;
    private final Counters counters;
    /**
     * How long a connection's receive waits by default when its initiator is far behind (ReceiveCoalescing): at queue
     * depth 32, 4 KiB writes, 20 us took the ring entries per write from 1.3-1.5 to 0.9-1.0, 50 us to 0.5 and a third
     * off the CPU per write, 100 us to 0.3 but cost QD32 reads IOPS (docs/benchmarks.md, 2026-12-06 18:01).
     */
    public static final long DEFAULT_RECEIVE_COALESCING_NANOS = 50_000L;
    private volatile MetricsModel metricsModel;
    private volatile long nopInIntervalNanos;
    private volatile long nopInTimeoutNanos;
    private volatile boolean draining;
    private volatile String tcpCongestionControl;
    private volatile long receiveCoalescingNanos = DEFAULT_RECEIVE_COALESCING_NANOS;

    public IscsiContext(
        final TargetRegistry targets, final DiscoveryAuth discoveryAuth, final TargetLimits limits,
        final EventLog log, final Counters counters, final int nopInIntervalSeconds,
        final int nopInTimeoutSeconds)
    {
        this(targets, discoveryAuth, limits, LoginLimits.defaults(), log, counters, nopInIntervalSeconds,
            nopInTimeoutSeconds);
    }

    /** @param loginLimits login timeout, lockouts after failed logins, session and connection limits. */
    public IscsiContext(
        final TargetRegistry targets, final DiscoveryAuth discoveryAuth, final TargetLimits limits,
        final LoginLimits loginLimits, final EventLog log, final Counters counters, final int nopInIntervalSeconds,
        final int nopInTimeoutSeconds)
    {
        this.loginLimits = loginLimits;
        this.sessions = new SessionRegistry(loginLimits.maxSessionsPerTarget(), loginLimits.maxSessionsPerInitiator());
        this.throttle = new LoginThrottle(loginLimits, log);
        this.admission = new ConnectionAdmission(loginLimits.maxConnectionsPerSource(), loginLimits.maxConnections());
        this.counters = counters;
        this.served = new ServedTargets(targets, discoveryAuth);
        this.metricsModel = new MetricsModel(targets);
        this.limits = limits;
        this.log = log;
        this.nopInIntervalNanos = nopInIntervalSeconds * 1_000_000_000L;
        this.nopInTimeoutNanos = nopInTimeoutSeconds * 1_000_000_000L;
    }

    /** The targets served now (a live change publishes another registry). */
    public TargetRegistry targets()
    {
        return served.registry();
    }

    public DiscoveryAuth discoveryAuth()
    {
        return served.discoveryAuth();
    }

    /** The registry and discovery authentication as logins and SendTargets read them. */
    public ServedTargets served()
    {
        return served;
    }

    public TargetLimits limits()
    {
        return limits;
    }

    public SessionRegistry sessions()
    {
        return sessions;
    }

    public Chap chap()
    {
        return chap;
    }

    public LoginLimits loginLimits()
    {
        return loginLimits;
    }

    /** Lockouts after failed logins, shared by every loop. */
    public LoginThrottle throttle()
    {
        return throttle;
    }

    /** Connection limits per source address and in total, shared by every loop. */
    public ConnectionAdmission admission()
    {
        return admission;
    }

    /** The TCP congestion control set on every accepted connection; null: the host's. */
    public String tcpCongestionControl()
    {
        return tcpCongestionControl;
    }

    /** How long a connection's receive waits to take a deep queue's commands in batches; 0: never. */
    public long receiveCoalescingNanos()
    {
        return receiveCoalescingNanos;
    }

    /**
     * Sets {@link #receiveCoalescingNanos()}, for connections accepted from now on; a live change also hands it to
     * the open ones (LoopConnection#receiveCoalescingNanos).
     */
    public IscsiContext receiveCoalescingNanos(final long nanos)
    {
        if (nanos < 0)
        {
            throw new IllegalArgumentException("receive coalescing delay must not be negative: " + nanos);
        }
        this.receiveCoalescingNanos = nanos;
        return this;
    }

    /** Sets {@link #tcpCongestionControl()}, for connections accepted from now on (checked by the caller). */
    public IscsiContext tcpCongestionControl(final String name)
    {
        this.tcpCongestionControl = name;
        return this;
    }

    public long nopInIntervalNanos()
    {
        return nopInIntervalNanos;
    }

    public long nopInTimeoutNanos()
    {
        return nopInTimeoutNanos;
    }

    /**
     * Any thread: the engine's NOP-In settings for connections accepted from now on, discovery sessions and sessions
     * of TPGs without settings of their own; sessions logged in already take them when their loop rebinds them.
     */
    public void nopIn(final int intervalSeconds, final int timeoutSeconds)
    {
        nopInIntervalNanos = intervalSeconds * 1_000_000_000L;
        nopInTimeoutNanos = timeoutSeconds * 1_000_000_000L;
    }

    public boolean draining()
    {
        return draining;
    }

    public void startDraining()
    {
        draining = true;
    }

    public EventLog log()
    {
        return log;
    }

    /** The label sets of the metrics every loop keeps (targets, LUNs, portals, TPGs). */
    public MetricsModel metricsModel()
    {
        return metricsModel;
    }

    /** A live change: the label sets of the registry published with it (every loop has them already). */
    public void metricsModel(final MetricsModel next)
    {
        metricsModel = next;
    }

    /** Where loops allocate their counters; other threads read them there without locks. */
    public Counters counters()
    {
        return counters;
    }
}
