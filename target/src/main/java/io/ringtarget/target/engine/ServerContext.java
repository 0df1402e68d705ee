package io.ringtarget.target.engine;

import io.ringtarget.target.config.DiscoveryAuthConfig;
import io.ringtarget.target.login.Chap;
import io.ringtarget.target.login.TargetLimits;
import io.ringtarget.target.session.SessionRegistry;

import java.io.PrintStream;

/** Server-wide, read-mostly state every loop reads: targets, limits, the session table, the log. */
public final class ServerContext
{
    private final TargetRegistry targets;
    private final DiscoveryAuthConfig discoveryAuth;
    private final TargetLimits limits;
    private final SessionRegistry sessions = new SessionRegistry();
    private final Chap chap = new Chap();
    private final PrintStream log;
    private final long nopInIntervalNanos;
    private final long nopInTimeoutNanos;
    private volatile boolean draining;

    public ServerContext(
        final TargetRegistry targets, final DiscoveryAuthConfig discoveryAuth, final TargetLimits limits,
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

    public DiscoveryAuthConfig discoveryAuth()
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
