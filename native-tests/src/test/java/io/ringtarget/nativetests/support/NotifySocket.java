package io.ringtarget.nativetests.support;

import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.SockaddrUn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.ringtarget.ffi.LibcConstants.AF_UNIX;
import static io.ringtarget.ffi.LibcConstants.SOCK_CLOEXEC;
import static io.ringtarget.ffi.LibcConstants.SOCK_DGRAM;
import static io.ringtarget.ffi.LibcConstants.SOL_SOCKET;

/**
 * The service manager's side of sd_notify(3), for tests: a Unix datagram socket bound to a path in the test's
 * directory, whose path goes into NOTIFY_SOCKET of the process under test; each datagram it receives is one
 * notification ({@code READY=1\nSTATUS=...}). What systemd does with a {@code Type=notify} unit, without systemd.
 */
public final class NotifySocket implements AutoCloseable
{
    private static final int SO_RCVTIMEO = 20;
    private static final int EAGAIN = 11;

    private final Path path;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer = arena.allocate(4096);
    private final List<String> received = new ArrayList<>();

    private NotifySocket(final Path path, final int fd)
    {
        this.path = path;
        this.fd = fd;
    }

    /** Binds a datagram socket at {@code path} that waits at most 200 ms per receive. */
    public static NotifySocket bind(final Path path)
    {
        return bind(path, path.toString().getBytes(StandardCharsets.UTF_8), 1);
    }

    /**
     * Binds a datagram socket to {@code name} in the abstract namespace (NOTIFY_SOCKET {@code @name}, as some
     * container managers give it).
     */
    public static NotifySocket bindAbstract(final String name)
    {
        return bind(Path.of("@" + name), ("\0" + name).getBytes(StandardCharsets.UTF_8), 0);
    }

    /** {@code terminator}: 1 for a path name (its NUL counts in the length), 0 for an abstract one. */
    private static NotifySocket bind(final Path path, final byte[] name, final int terminator)
    {
        final int fd = Libc.check(Libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), "socket(AF_UNIX, SOCK_DGRAM)");
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sa = arena.allocate(SockaddrUn.LAYOUT);
            SockaddrUn.sun_family(sa, (short)AF_UNIX);
            MemorySegment.copy(name, 0, SockaddrUn.sun_path(sa), ValueLayout.JAVA_BYTE, 0, name.length);
            Libc.check(Libc.bind(fd, sa, (int)SockaddrUn.sun_path$OFFSET + name.length + terminator), "bind " + path);
            final MemorySegment timeout = arena.allocate(16, 8);
            timeout.set(ValueLayout.JAVA_LONG, 0, 0);
            timeout.set(ValueLayout.JAVA_LONG, 8, 200_000);
            Libc.check(Libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16), "SO_RCVTIMEO");
        }
        catch (final RuntimeException ex)
        {
            Libc.close(fd);
            throw ex;
        }
        return new NotifySocket(path, fd);
    }

    public Path path()
    {
        return path;
    }

    /** Every notification received so far, in order. */
    public synchronized List<String> received()
    {
        return List.copyOf(received);
    }

    /**
     * Waits until a notification contains {@code text} ({@code "READY=1"}) among those not yet awaited.
     *
     * @return the notification, or null when none came within {@code timeout}.
     */
    public synchronized String await(final String text, final Duration timeout)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0)
        {
            final String message = receive();
            if (null != message && message.contains(text))
            {
                return message;
            }
        }
        return null;
    }

    /** One notification, or null when none came in 200 ms. */
    private String receive()
    {
        final long n = Libc.read(fd, buffer, buffer.byteSize());
        if (n == -EAGAIN)
        {
            return null;
        }
        if (n < 0)
        {
            throw new IllegalStateException("recv on " + path + ": " + Errno.describe((int)n));
        }
        final byte[] bytes = buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        final String message = new String(bytes, StandardCharsets.UTF_8);
        received.add(message);
        return message;
    }

    @Override
    public void close()
    {
        Libc.close(fd);
        arena.close();
        try
        {
            if (!path.toString().startsWith("@"))
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final java.io.IOException ex)
        {
            // in the test's temporary directory, which goes anyway
        }
    }
}
