package io.ringtarget.iscsi.loop;

import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.login.Chap;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.session.SessionRegistry;

import java.io.PrintStream;

/** Server-wide, read-mostly state every loop reads: targets, limits, the session table, the log. */
public final class IscsiContext
{
    private final TargetRegistry targets;
    private final DiscoveryAuth discoveryAuth;
    private final TargetLimits limits;
    private final SessionRegistry sessions = new SessionRegistry();
    private final Chap chap = new Chap();
    private final PrintStream log;
    private final long nopInIntervalNanos;
    private final long nopInTimeoutNanos;
    private volatile boolean draining;

    public IscsiContext(
        final TargetRegistry targets, final DiscoveryAuth discoveryAuth, final TargetLimits limits,
        final PrintStream log, final int nopInIntervalSeconds, final int nopInTimeoutSeconds)
    {
        this.targets = targets;
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

    /** Off the I/O path only: logins, logouts, errors. */
    public void log(final String message)
    {
        synchronized (log)
        {
            log.println(message);
        }
    }
}
