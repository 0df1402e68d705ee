package io.ringtarget.iscsi.login;

/**
 * The limits that keep a portal serving while someone guesses passwords or floods it with connections
 * (docs/admin-guide.md, "Security"). One instance per server, immutable; 0 in a maximum means no limit.
 *
 * @param loginTimeoutMillis           a connection must finish its login phase in this time (RFC 7143 leaves it to
 *                                     the target; 15 s like LIO's login timeout).
 * @param maxFailuresPerInitiator      failed authentications by one InitiatorName within {@code failureWindowMillis}
 *                                     that lock that name out.
 * @param maxFailuresPerSource         failed authentications or authorizations from one source address within the
 *                                     window that lock out every login from that address (a guesser rotating names).
 * @param failureWindowMillis          the window in which failures are counted.
 * @param lockoutMillis                how long a locked-out name or address is refused, even with the right secret.
 * @param lockedResponseDelayMillis    how long a refused login of a locked-out name or address waits for its
 *                                     response (it slows a guesser down without holding a thread).
 * @param maxSessionsPerTarget         normal sessions one target accepts.
 * @param maxSessionsPerInitiator      normal sessions one InitiatorName may have in total.
 * @param maxConnectionsPerSource      TCP connections one source address may have open.
 * @param maxConnections               TCP connections in total; more are closed when accepted.
 */
public record LoginLimits(
    long loginTimeoutMillis,
    int maxFailuresPerInitiator,
    int maxFailuresPerSource,
    long failureWindowMillis,
    long lockoutMillis,
    long lockedResponseDelayMillis,
    int maxSessionsPerTarget,
    int maxSessionsPerInitiator,
    int maxConnectionsPerSource,
    int maxConnections)
{
    public static final long DEFAULT_LOGIN_TIMEOUT_MILLIS = 15_000;
    public static final int DEFAULT_MAX_FAILURES_PER_INITIATOR = 5;
    public static final int DEFAULT_MAX_FAILURES_PER_SOURCE = 20;
    public static final long DEFAULT_FAILURE_WINDOW_MILLIS = 60_000;
    public static final long DEFAULT_LOCKOUT_MILLIS = 60_000;
    public static final long DEFAULT_LOCKED_RESPONSE_DELAY_MILLIS = 1_000;
    public static final int DEFAULT_MAX_SESSIONS_PER_TARGET = 1024;
    public static final int DEFAULT_MAX_SESSIONS_PER_INITIATOR = 256;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 1024;
    public static final int DEFAULT_MAX_CONNECTIONS = 16384;

    /** The documented defaults (docs/configuration.md, section "security"). */
    public static LoginLimits defaults()
    {
        return new LoginLimits(DEFAULT_LOGIN_TIMEOUT_MILLIS, DEFAULT_MAX_FAILURES_PER_INITIATOR,
            DEFAULT_MAX_FAILURES_PER_SOURCE, DEFAULT_FAILURE_WINDOW_MILLIS, DEFAULT_LOCKOUT_MILLIS,
            DEFAULT_LOCKED_RESPONSE_DELAY_MILLIS, DEFAULT_MAX_SESSIONS_PER_TARGET, DEFAULT_MAX_SESSIONS_PER_INITIATOR,
            DEFAULT_MAX_CONNECTIONS_PER_SOURCE, DEFAULT_MAX_CONNECTIONS);
    }
}
