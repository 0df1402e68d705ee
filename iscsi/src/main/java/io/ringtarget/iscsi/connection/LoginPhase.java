package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.LoginExchange;
import io.ringtarget.iscsi.login.LoginStatus;
import io.ringtarget.iscsi.login.LoginThrottle;
import io.ringtarget.iscsi.loop.IscsiContext;
import io.ringtarget.iscsi.node.LunView;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.stats.ConnectionCounters;
import io.ringtarget.iscsi.stats.IscsiCounter;

import java.lang.foreign.MemorySegment;

/**
 * A connection's login phase (RFC 7143 sections 6 and 11.12-11.13): its Login Requests go to the
 * {@link LoginExchange}, its clocks are the {@link LoginDeadlines} (the login timeout, a refused login's delayed
 * failure), and how the login ends is counted and logged here. The {@link Connection} acts on the outcome: Full
 * Feature Phase, or closing. Loop thread only.
 */
final class LoginPhase
{
    /** A Login Response is queued; the login goes on. From {@link #onTimer}: nothing was due. */
    static final int CONTINUE = 0;
    /** The final Login Response is queued: Full Feature Phase ({@link #exchange()} has the session). */
    static final int COMPLETE = 1;
    /** A Login Response with a failure is queued: close once it is sent, for {@link #failed()}'s reason. */
    static final int FAILED = 2;
    /** The throttle refused the login: its failure goes out after the delay, so the next timer duty is sooner. */
    static final int DEFERRED = 3;
    /** From {@link #onTimer}: the login timeout passed; close for {@link #timedOut()}'s reason. */
    static final int TIMED_OUT = 4;
    /**
     * The login reinstates a session whose I/O has not ended: its final response waits ({@link #onTimer} answers
     * {@link #COMPLETE} once it went out), within the login timeout.
     */
    static final int WAITING = 5;

    private final IscsiContext server;
    private final ConnectionCounters counters;
    private final EventLog log;
    private final String peer;
    private final LoginExchange exchange;
    private final LoginDeadlines deadlines = new LoginDeadlines();
    private long timedOutAfterMillis;

    LoginPhase(final LoginExchange exchange, final IscsiContext server, final ConnectionCounters counters,
        final String peer)
    {
        this.exchange = exchange;
        this.server = server;
        this.counters = counters;
        this.log = server.log();
        this.peer = peer;
    }

    /** The login starts (the connection was accepted) at {@code nowNanos}. */
    void start(final long nowNanos)
    {
        deadlines.start(nowNanos, server.loginLimits().loginTimeoutMillis());
    }

    /**
     * When {@link #onTimer} next has something to do, or {@code never}; each tick while the final response waits (the
     * reinstated session's end sweeps the loop's timers at once: {@code SessionConnection#reinstatedSessionEnded}).
     */
    long dueNanos(final long nowNanos, final long never)
    {
        return exchange.waiting() ? nowNanos : deadlines.dueNanos(server.loginLimits().loginTimeoutMillis(), never);
    }

    /** A refused login waits for its failure to go out: what the peer sends meanwhile is ignored. */
    boolean failureDeferred()
    {
        return deadlines.failureDeferred();
    }

    /**
     * A Login Request whose BHS is at {@code offset} of {@code from}.
     *
     * @return {@link #CONTINUE}, {@link #COMPLETE}, {@link #FAILED}, {@link #DEFERRED} or {@link #WAITING}.
     */
    int onLoginRequest(
        final MemorySegment from, final long offset, final long dataOffset, final int dataLength, final long nowNanos)
    {
        return switch (exchange.onLoginRequest(from, offset, dataOffset, dataLength))
        {
            case LoginExchange.COMPLETE -> COMPLETE;
            case LoginExchange.FAILED -> FAILED;
            case LoginExchange.WAITING ->
            {
                log.info("login", exchange.session() + " from " + peer + " reinstates " +
                    exchange.session().reinstates() + ": its final response waits for the old session's I/O to end");
                yield WAITING;
            }
            case LoginExchange.DEFERRED ->
            {
                counters.count(exchange.throttled() == LoginThrottle.LOCKED_SOURCE ?
                    IscsiCounter.LOGINS_THROTTLED_SOURCE : IscsiCounter.LOGINS_THROTTLED_INITIATOR);
                deadlines.deferFailure(nowNanos, server.loginLimits().lockedResponseDelayMillis());
                yield DEFERRED;
            }
            default -> CONTINUE;
        };
    }

    /**
     * The login's clocks: a refused login's delayed failure is sent when due, a login that outlives the login timeout
     * is counted.
     *
     * @return {@link #CONTINUE} (nothing was due), {@link #COMPLETE} (a waiting final response was just queued),
     * {@link #FAILED} (the failure was just queued) or {@link #TIMED_OUT}.
     */
    int onTimer(final long nowNanos)
    {
        if (exchange.completeIfReady())
        {
            return COMPLETE;
        }
        final long timeoutMillis = server.loginLimits().loginTimeoutMillis();
        switch (deadlines.onTimer(nowNanos, timeoutMillis))
        {
            case LoginDeadlines.SEND_FAILURE ->
            {
                exchange.sendDeferredFailure();
                return FAILED;
            }
            case LoginDeadlines.TIMED_OUT ->
            {
                counters.count(IscsiCounter.LOGIN_TIMEOUTS);
                timedOutAfterMillis = timeoutMillis;
                return TIMED_OUT;
            }
            default ->
            {
                return CONTINUE;
            }
        }
    }

    /** Why a login {@link #onTimer} found {@link #TIMED_OUT} is closed. */
    String timedOut()
    {
        return "login not finished within " + timedOutAfterMillis + " ms (login timeout)";
    }

    /** Counts and logs a failed login; returns the reason the connection closes for. */
    String failed()
    {
        counters.count(LoginStatus.failureCounter(exchange.status()));
        counters.metrics().loginFailed(exchange.targetNode(), exchange.status());
        if (exchange.lockoutBegan() != LoginThrottle.ADMITTED)
        {
            counters.count(exchange.lockoutBegan() == LoginThrottle.LOCKED_SOURCE ?
                IscsiCounter.LOCKOUTS_SOURCE : IscsiCounter.LOCKOUTS_INITIATOR);
        }
        if (exchange.throttled() == LoginThrottle.ADMITTED)
        {
            // Refusals during a lockout are not logged one by one: the lockout's own lines count them.
            log.info("login", "login refused (" + LoginStatus.describe(exchange.status()) + "): " +
                exchange.reason() + " from " + peer);
        }
        return "login failed: " + exchange.reason();
    }

    /** The completed exchange: the session, its parameters and TPG. */
    LoginExchange exchange()
    {
        return exchange;
    }

    /** Counts and logs a login that completed, on the portal {@code localIp}:{@code localPort}. */
    void succeeded(final String localIp, final int localPort)
    {
        if (!exchange.repeatedDeclarations().isEmpty())
        {
            log.debug("login", peer + ": " + exchange.repeatedDeclarations() + " declared again with the same " +
                "value (RFC 7143 6.2 forbids it; tolerated, as libiscsi does it)");
        }
        final boolean discovery = exchange.session().discovery();
        counters.metrics().loggedIn(discovery ? null : exchange.targetNode(), exchange.portalGroup(),
            discovery ? LunView.NONE : exchange.portalGroup().lunsOf(exchange.session().initiatorName()),
            localIp, localPort);
        counters.count(IscsiCounter.LOGINS_SUCCEEDED);
        log.info("login", exchange.session() + " from " + peer + " on " + Portal.format(localIp, localPort) +
            (exchange.chapAlgorithm() != null ? " (CHAP " + exchange.chapAlgorithm().configName() + ")" : "") +
            " [" + exchange.parameters() + "]");
    }
}
