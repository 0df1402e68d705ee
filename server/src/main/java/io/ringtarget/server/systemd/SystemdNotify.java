package io.ringtarget.server.systemd;

import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.SockaddrUn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.ringtarget.ffi.LibcConstants.AF_UNIX;
import static io.ringtarget.ffi.LibcConstants.SOCK_CLOEXEC;
import static io.ringtarget.ffi.LibcConstants.SOCK_DGRAM;

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
        if (!enabled())
        {
            return 0;
        }
        final byte[] path = (socket.startsWith("@") ? "\0" + socket.substring(1) : socket)
            .getBytes(StandardCharsets.UTF_8);
        if (path.length >= SockaddrUn.SUN_PATH_LENGTH)
        {
            return -36;   // ENAMETOOLONG
        }
        final int fd = Libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            return fd;
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sa = arena.allocate(SockaddrUn.LAYOUT);
            SockaddrUn.sun_family(sa, (short)AF_UNIX);
            MemorySegment.copy(path, 0, SockaddrUn.sun_path(sa), ValueLayout.JAVA_BYTE, 0, path.length);
            // A path name is NUL-terminated (the length may count it); an abstract name is exactly its bytes.
            final int length = (int)SockaddrUn.sun_path$OFFSET + path.length + (path[0] == 0 ? 0 : 1);
            final int r = Libc.connect(fd, sa, length);
            if (r < 0)
            {
                return r;
            }
            final byte[] message = state.getBytes(StandardCharsets.UTF_8);
            final MemorySegment buf = arena.allocate(message.length);
            MemorySegment.copy(message, 0, buf, ValueLayout.JAVA_BYTE, 0, message.length);
            final long sent = Libc.write(fd, buf, message.length);
            return sent < 0 ? (int)sent : 0;
        }
        finally
        {
            Libc.close(fd);
        }
    }

    /** {@link #send}'s failure for a log line. */
    public static String describe(final int result)
    {
        return Errno.describe(result);
    }
}
