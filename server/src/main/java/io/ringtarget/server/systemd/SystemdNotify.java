package io.ringtarget.server.systemd;

import io.ringtarget.ffi.Errno;
import io.ringtarget.ring.Sockets;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The service manager's notification protocol (sd_notify(3)), without libsystemd: when {@code NOTIFY_SOCKET} is set
 * (a unit with {@code Type=notify}), each state — {@code READY=1} once the portals listen, {@code RELOADING=1} and
 * {@code READY=1} around a reload, {@code STOPPING=1}, {@code WATCHDOG=1}, {@code STATUS=...} — is one datagram on that
 * Unix datagram socket ({@code @name} is the abstract namespace). Without it, nothing is sent. The watchdog interval
 * is {@code WATCHDOG_USEC} when {@code WATCHDOG_PID} is unset or this process.
 */
public final class SystemdNotify
{
    private final String socket;
    private final long watchdogMicros;

    SystemdNotify(final String socket, final long watchdogMicros)
    {
        this.socket = socket;
        this.watchdogMicros = watchdogMicros;
    }

    /** From this process's environment. */
    public static SystemdNotify fromEnvironment()
    {
        return of(System.getenv());
    }

    /** From {@code environment} (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID). */
    public static SystemdNotify of(final Map<String, String> environment)
    {
        final String socket = environment.get("NOTIFY_SOCKET");
        long watchdog = 0;
        final String usec = environment.get("WATCHDOG_USEC");
        final String pid = environment.get("WATCHDOG_PID");
        if (null != usec && (null == pid || pid.equals(String.valueOf(ProcessHandle.current().pid()))))
        {
            try
            {
                watchdog = Long.parseLong(usec.trim());
            }
            catch (final NumberFormatException ex)
            {
                watchdog = 0;
            }
        }
        return new SystemdNotify(null == socket || socket.isEmpty() ? null : socket, Math.max(0, watchdog));
    }

    /** Whether a service manager listens. */
    public boolean enabled()
    {
        return null != socket;
    }

    /** The watchdog interval the unit asked for (WatchdogSec), in microseconds; 0 when none. */
    public long watchdogMicros()
    {
        return enabled() ? watchdogMicros : 0;
    }

    /**
     * Sends one notification ({@code "READY=1\nSTATUS=serving"}).
     *
     * @return 0, or -errno when it could not be sent (nobody is told: the caller logs it); 0 when notifications are off.
     */
    public int send(final String state)
    {
        return enabled() ? Sockets.sendUnixDatagram(socket, state.getBytes(StandardCharsets.UTF_8)) : 0;
    }

    /** {@link #send}'s failure for a log line. */
    public static String describe(final int result)
    {
        return Errno.describe(result);
    }
}
