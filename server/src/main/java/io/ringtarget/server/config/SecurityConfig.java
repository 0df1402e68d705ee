package io.ringtarget.server.config;

import java.util.List;

/**
 * Login defences and limits (docs/admin-guide.md, "Security"): the CHAP algorithms offered where a TPG or discovery
 * names none, the login timeout, the lockouts after failed logins and the limits on sessions and connections. A
 * maximum of 0 means no limit. The defaults are {@link ConfigDefaults#security()}.
 *
 * @param chapAlgorithms             CHAP_A algorithms allowed: "SHA3-256", "SHA256", "SHA1", "MD5" (the initiator's
 *                                   order chooses among them).
 * @param loginTimeoutSeconds        a connection must complete its login within this time, or it is closed.
 * @param maxFailedLoginsPerInitiator failed authentications by one InitiatorName within {@code failedLoginWindowSeconds}
 *                                   that lock the name out.
 * @param maxFailedLoginsPerSource   failed logins from one source address within the window that lock it out.
 * @param failedLoginWindowSeconds   the window in which failed logins are counted.
 * @param lockoutSeconds             how long a locked-out name or address is refused, even with the right secret.
 * @param lockedLoginDelayMillis     how long a refused login of a locked-out name or address waits for its answer.
 * @param maxSessionsPerTarget       normal sessions per target.
 * @param maxSessionsPerInitiator    normal sessions per InitiatorName.
 * @param maxConnectionsPerSource    open TCP connections per source address.
 * @param maxConnections             open TCP connections in total.
 */
public record SecurityConfig(
    List<String> chapAlgorithms,
    int loginTimeoutSeconds,
    int maxFailedLoginsPerInitiator,
    int maxFailedLoginsPerSource,
    int failedLoginWindowSeconds,
    int lockoutSeconds,
    int lockedLoginDelayMillis,
    int maxSessionsPerTarget,
    int maxSessionsPerInitiator,
    int maxConnectionsPerSource,
    int maxConnections)
{
    public SecurityConfig withChapAlgorithms(final List<String> algorithms)
    {
        return new SecurityConfig(List.copyOf(algorithms), loginTimeoutSeconds, maxFailedLoginsPerInitiator,
            maxFailedLoginsPerSource, failedLoginWindowSeconds, lockoutSeconds, lockedLoginDelayMillis,
            maxSessionsPerTarget, maxSessionsPerInitiator, maxConnectionsPerSource, maxConnections);
    }

    /** With these lockout settings. */
    public SecurityConfig withLockouts(
        final int perInitiator, final int perSource, final int windowSeconds, final int lockout, final int delayMillis)
    {
        return new SecurityConfig(chapAlgorithms, loginTimeoutSeconds, perInitiator, perSource, windowSeconds, lockout,
            delayMillis, maxSessionsPerTarget, maxSessionsPerInitiator, maxConnectionsPerSource, maxConnections);
    }

    /** With these limits on logins, sessions and connections. */
    public SecurityConfig withLimits(
        final int loginTimeout, final int sessionsPerTarget, final int sessionsPerInitiator, final int connectionsPerSource,
        final int connections)
    {
        return new SecurityConfig(chapAlgorithms, loginTimeout, maxFailedLoginsPerInitiator, maxFailedLoginsPerSource,
            failedLoginWindowSeconds, lockoutSeconds, lockedLoginDelayMillis, sessionsPerTarget, sessionsPerInitiator,
            connectionsPerSource, connections);
    }
}
