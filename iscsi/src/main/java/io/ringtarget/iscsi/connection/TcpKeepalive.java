package io.ringtarget.iscsi.connection;

import io.ringtarget.ring.Sockets;

/**
 * TCP keepalive of an iSCSI connection, from the same settings as its NOP-In pings: it finds a dead peer where
 * pings cannot, an initiator that never answers them (iPXE, see {@link NopKeepalive}), within about the time a ping
 * would have. With NOP-In interval I and timeout T (seconds):
 * <ul>
 * <li>SO_KEEPALIVE, TCP_KEEPIDLE = I, TCP_KEEPINTVL = ceil(T / {@link #PROBES}), TCP_KEEPCNT = {@link #PROBES}: an
 * idle connection whose peer has gone is closed by the kernel about I + T after its last segment;</li>
 * <li>TCP_USER_TIMEOUT = I + T: keepalive probes are not sent while data of ours is unacknowledged (a ping the peer
 * never got, a Data-In), so without this a dead peer would hold the connection for the kernel's retransmission limit
 * (tcp_retries2, about 15 minutes). It also ends a connection whose initiator keeps its receive window shut that
 * long (Linux 5.11 and later), as an unanswered ping would.</li>
 * </ul>
 * Interval 0 (pings off) turns both off. A dead peer shows up as a failed receive (ETIMEDOUT) on the connection.
 * Set on each accepted socket with the engine's settings, and again when a session's TPG has its own.
 */
final class TcpKeepalive
{
    /** Unanswered keepalive probes before the kernel gives up. */
    static final int PROBES = 3;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private TcpKeepalive()
    {
    }

    /** @return 0, or the -errno of the option the kernel refused. */
    static int apply(final int fd, final long intervalNanos, final long timeoutNanos)
    {
        final int interval = (int)Math.min(Integer.MAX_VALUE, intervalNanos / NANOS_PER_SECOND);
        if (interval <= 0)
        {
            return Sockets.setKeepalive(fd, 0, 0, 0, 0);
        }
        final int timeout = (int)Math.min(Integer.MAX_VALUE, Math.max(1, timeoutNanos / NANOS_PER_SECOND));
        // The kernel's limits: TCP_KEEPIDLE and TCP_KEEPINTVL at most 32767 s (MAX_TCP_KEEPIDLE/KEEPINTVL).
        final int idle = Math.min(interval, 32_767);
        final int probeInterval = Math.min((timeout + PROBES - 1) / PROBES, 32_767);
        final long userTimeoutMillis = Math.min(Integer.MAX_VALUE, ((long)interval + timeout) * 1_000L);
        return Sockets.setKeepalive(fd, idle, probeInterval, PROBES, (int)userTimeoutMillis);
    }
}
