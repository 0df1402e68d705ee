package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.stats.ConnectionCounters;
import io.ringtarget.iscsi.stats.DisconnectReason;
import io.ringtarget.iscsi.stats.IscsiCounter;

/**
 * What ends or pokes a connection from outside its PDU flow, decided on each tick of the loop's timer: a close
 * requested by another thread (session reinstatement), the target's shutdown (ask the initiator to log out, then
 * close after the grace period, RFC 7143 11.9.1), and the NOP-In ping that finds a dead initiator. Requests may
 * come from any thread; {@link #onTimer} runs on the loop thread.
 */
final class ConnectionTimeouts
{
    /** Nothing to do this tick. */
    static final int NOTHING = 0;
    /** A PDU was queued (Async Message, NOP-In ping): send it. */
    static final int SENT = 1;
    /** Close the connection now, for {@link #closeReason()}. */
    static final int CLOSE = 2;
    /**
     * The initiator did not answer the first NOP-In ping and has answered none (iPXE never does): the connection
     * stays, pings stop, TCP keepalive watches the peer ({@link NopKeepalive}). Worth a line in the log.
     */
    static final int PINGS_UNANSWERED = 3;

    /** How soon a connection with no timer duty in sight is looked at again (nothing is due; a safe upper bound). */
    static final long RECHECK_NANOS = 3_600_000_000_000L;

    private final LogoutExchange logout;
    private final NopKeepalive keepalive;
    private final ConnectionCounters counters;
    private volatile boolean closeRequested;
    private volatile String closeRequestReason;
    private volatile boolean logoutRequested;
    /** Why a logout was requested: shutdown, or an administrator (written before {@link #logoutRequested}). */
    private volatile DisconnectReason logoutKind = DisconnectReason.SHUTDOWN;
    private volatile String logoutReason = "target shutting down";
    private volatile DisconnectReason closeRequestKind = DisconnectReason.REINSTATED;
    private String closeReason;
    private DisconnectReason closeKind;

    ConnectionTimeouts(final LogoutExchange logout, final NopKeepalive keepalive, final ConnectionCounters counters)
    {
        this.logout = logout;
        this.keepalive = keepalive;
        this.counters = counters;
    }

    /** Any thread: close the connection at the next tick. Counted as {@link DisconnectReason#REINSTATED}: session
     * reinstatement (SessionRegistry) is the one caller. */
    void requestClose(final String reason)
    {
        requestClose(reason, DisconnectReason.REINSTATED);
    }

    /** Any thread: close the connection at the next tick, counted as {@code kind}. */
    void requestClose(final String reason, final DisconnectReason kind)
    {
        closeRequestReason = reason;
        closeRequestKind = kind;
        closeRequested = true;
    }

    /** Any thread: the target is shutting down; the initiator is asked to log out at the next tick. */
    void requestLogout()
    {
        logoutRequested = true;
    }

    /**
     * Any thread: an administrator asked the session to log out ({@code ringtarget sessions logout}); as at shutdown,
     * the initiator is asked at the next tick and the connection closed if it has not logged out within the grace.
     */
    void requestAdminLogout()
    {
        logoutKind = DisconnectReason.ADMIN;
        logoutReason = "logout requested by an administrator";
        logoutRequested = true;
    }

    String closeReason()
    {
        return closeReason;
    }

    /** {@link #closeReason()} as the disconnect counter's label. */
    DisconnectReason closeKind()
    {
        return closeKind;
    }

    /**
     * One tick of a connection that is not closing.
     *
     * @param fullFeature the connection is in Full Feature Phase (not logging in or logged out).
     * @param discovery   its session is a discovery session (nothing to log out of: closed at shutdown).
     * @return {@link #NOTHING}, {@link #SENT}, {@link #CLOSE} or {@link #PINGS_UNANSWERED}.
     */
    int onTimer(final long nowNanos, final boolean fullFeature, final boolean discovery)
    {
        if (logoutRequested)
        {
            if (!fullFeature || discovery)
            {
                return close(logoutKind, logoutReason);
            }
            if (!logout.requested())
            {
                logout.askToLogOut(nowNanos);
                return SENT;
            }
            if (logout.overdue(nowNanos))
            {
                return close(logoutKind,
                    logoutReason + " (initiator did not log out in " + LogoutExchange.GRACE_SECONDS + " s)");
            }
        }
        if (closeRequested)
        {
            return close(closeRequestKind, closeRequestReason);
        }
        if (!fullFeature)
        {
            return NOTHING;
        }
        switch (keepalive.onTimer(nowNanos))
        {
            case NopKeepalive.PINGED ->
            {
                counters.count(IscsiCounter.NOP_IN_PINGS);
                return SENT;
            }
            case NopKeepalive.TIMED_OUT ->
            {
                counters.count(IscsiCounter.NOP_IN_TIMEOUTS);
                return close(DisconnectReason.NOP_TIMEOUT, "no NOP-Out answer to our NOP-In ping within the timeout");
            }
            case NopKeepalive.UNANSWERED ->
            {
                return PINGS_UNANSWERED;
            }
            default ->
            {
                return NOTHING;
            }
        }
    }

    /**
     * When {@link #onTimer} next has something to do for a connection in Full Feature Phase with no request from
     * another thread (those make the loop's timer visit every connection): a NOP-In ping or its timeout, or the end
     * of the grace period the initiator was given to log out.
     */
    long dueNanos(final long nowNanos)
    {
        final long ping = keepalive.dueNanos(nowNanos);
        return logout.requested() ? Math.min(ping, logout.deadlineNanos() + 1) : ping;
    }

    private int close(final DisconnectReason kind, final String reason)
    {
        closeKind = kind;
        closeReason = reason;
        return CLOSE;
    }
}
