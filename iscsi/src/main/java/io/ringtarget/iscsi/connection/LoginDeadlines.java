package io.ringtarget.iscsi.connection;

/**
 * The clocks of a connection that is still logging in: the login timeout (a login not finished in time is closed,
 * so a peer cannot hold a connection open by never finishing) and the delayed failure of a login the throttle
 * refused (LoginThrottle: the answer goes out after the delay, whatever the peer sends meanwhile). Decides only; the
 * connection acts. Loop thread only.
 */
final class LoginDeadlines
{
    /** Nothing due. */
    static final int NOTHING = 0;
    /** The refused login's failure is due: send it now. */
    static final int SEND_FAILURE = 1;
    /** The login timeout passed: close the connection. */
    static final int TIMED_OUT = 2;

    private long timeoutNanos;
    private boolean failureDeferred;
    private long failureNanos;

    /** The login starts at {@code nowNanos}; it must end before {@code timeoutMillis} (0: no timeout). */
    void start(final long nowNanos, final long timeoutMillis)
    {
        timeoutNanos = nowNanos + timeoutMillis * 1_000_000L;
    }

    /** The login was refused; the failure goes out {@code delayMillis} from now (at least a nanosecond). */
    void deferFailure(final long nowNanos, final long delayMillis)
    {
        failureDeferred = true;
        failureNanos = nowNanos + Math.max(1, delayMillis * 1_000_000L);
    }

    /** A refused login waits for its failure to go out: what the peer sends meanwhile is ignored. */
    boolean failureDeferred()
    {
        return failureDeferred;
    }

    /**
     * @param timeoutMillis the login timeout now (0: none), as configured.
     * @return {@link #NOTHING}, {@link #SEND_FAILURE} (once) or {@link #TIMED_OUT}.
     */
    int onTimer(final long nowNanos, final long timeoutMillis)
    {
        if (failureDeferred)
        {
            if (nowNanos - failureNanos >= 0)
            {
                failureDeferred = false;
                return SEND_FAILURE;
            }
            return NOTHING;
        }
        return timeoutMillis > 0 && nowNanos - timeoutNanos >= 0 ? TIMED_OUT : NOTHING;
    }

    /** When {@link #onTimer} next has something to do, or {@code never}. */
    long dueNanos(final long timeoutMillis, final long never)
    {
        return failureDeferred ? failureNanos : timeoutMillis > 0 ? timeoutNanos : never;
    }
}
