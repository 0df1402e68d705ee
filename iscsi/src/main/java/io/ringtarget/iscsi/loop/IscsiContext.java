package io.ringtarget.iscsi.loop;

import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.login.Chap;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.session.SessionRegistry;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.stats.MetricsModel;
import io.ringtarget.ring.Counters;

/**
 * Server-wide, read-mostly state every loop reads: targets, limits, the session table, the log and the counters
 * registry (each loop allocates its counters in it).
 */
public final class IscsiContext
{
    private final TargetRegistry targets;
    private final DiscoveryAuth discoveryAuth;
    private final TargetLimits limits;
    private final SessionRegistry sessions = new SessionRegistry();
    private final Chap chap = new Chap();
    private final EventLog log;
    private final Counters counters;
    private final MetricsModel metricsModel;
    private final long nopInIntervalNanos;
    private final long nopInTimeoutNanos;
    private volatile boolean draining;

    public IscsiContext(
        final TargetRegistry targets, final DiscoveryAuth discoveryAuth, final TargetLimits limits,
        final EventLog log, final Counters counters, final int nopInIntervalSeconds,
        final int nopInTimeoutSeconds)
    {
        this.counters = counters;
        this.targets = targets;
        this.metricsModel = new MetricsModel(targets);
        this.discoveryAuth = discoveryAuth;
        this.limits = limits;
        this.log = log;
        this.nopInIntervalNanos = nopInIntervalSeconds * 1_000_000_000L;
        this.nopInTimeoutNanos = nopInTimeoutSeconds * 1_000_000_000L;
    }

    public TargetRegistry targets()
    {
        return targets;
    }

    public DiscoveryAuth discoveryAuth()
    {
        return discoveryAuth;
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

    public long nopInIntervalNanos()
    {
        return nopInIntervalNanos;
    }

    public long nopInTimeoutNanos()
    {
        return nopInTimeoutNanos;
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

    /** Where loops allocate their counters; other threads read them there without locks. */
    public Counters counters()
    {
        return counters;
    }
}
