package io.ringtarget.ring;

import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.SockaddrIn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.ringtarget.ffi.LibcConstants.*;

/**
 * IPv4 TCP socket helpers on libc for listeners (and test clients); setup paths, so failures throw
 * {@link io.ringtarget.ffi.ErrnoException} naming the call and address.
 */
public final class Sockets
{
    private Sockets()
    {
    }

    /**
     * A listening socket (SOCK_CLOEXEC, SO_REUSEADDR, optionally SO_REUSEPORT so each loop can own a listener on the
     * same port); port 0 picks a free port ({@link #localPort}).
     */
    public static int listen(final String ip, final int port, final boolean reusePort, final int backlog)
    {
        final int fd = Libc.check(Libc.socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
        try (Arena arena = Arena.ofConfined())
        {
            setInt(arena, fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
            if (reusePort)
            {
                setInt(arena, fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
            }
            final MemorySegment sa = sockaddr(arena, ip, port);
            Libc.check(Libc.bind(fd, sa, (int)SockaddrIn.SIZEOF), "bind(" + ip + ":" + port + ")");
            Libc.check(Libc.listen(fd, backlog), "listen(" + ip + ":" + port + ")");
            return fd;
        }
        catch (final RuntimeException ex)
        {
            Libc.close(fd);
            throw ex;
        }
    }

    /** A blocking client connection (tests, tools). */
    public static int connect(final String ip, final int port)
    {
        final int fd = Libc.check(Libc.socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
        try (Arena arena = Arena.ofConfined())
        {
            Libc.check(Libc.connect(fd, sockaddr(arena, ip, port), (int)SockaddrIn.SIZEOF), "connect(" + ip + ":" + port + ")");
            return fd;
        }
        catch (final RuntimeException ex)
        {
            Libc.close(fd);
            throw ex;
        }
    }

    /** TCP_NODELAY: iSCSI PDUs are latency-sensitive and already batched by the sender. */
    public static void setNoDelay(final int fd)
    {
        try (Arena arena = Arena.ofConfined())
        {
            setInt(arena, fd, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
        }
    }

    /** Sets an int socket option; setup path. */
    public static void setOption(final int fd, final int level, final int name, final int value)
    {
        try (Arena arena = Arena.ofConfined())
        {
            setInt(arena, fd, level, name, value, "setsockopt(" + level + "," + name + ")");
        }
    }

    /** close(2); returns 0 or -errno (a socket close is not worth an exception). */
    public static int close(final int fd)
    {
        return Libc.close(fd);
    }

    /** The bound local port (getsockname). */
    public static int localPort(final int fd)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sa = arena.allocate(SockaddrIn.LAYOUT);
            final MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int)SockaddrIn.SIZEOF);
            Libc.check(Libc.getsockname(fd, sa, len), "getsockname");
            return Short.toUnsignedInt(Short.reverseBytes(SockaddrIn.sin_port(sa)));
        }
    }

    private static void setInt(final Arena arena, final int fd, final int level, final int name, final int value, final String what)
    {
        final MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, value);
        Libc.check(Libc.setsockopt(fd, level, name, v, (int)v.byteSize()), what);
    }

    private static MemorySegment sockaddr(final Arena arena, final String ip, final int port)
    {
        if (port < 0 || port > 0xFFFF)
        {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        final MemorySegment sa = arena.allocate(SockaddrIn.LAYOUT);
        SockaddrIn.sin_family(sa, (short)AF_INET);
        SockaddrIn.sin_port(sa, Short.reverseBytes((short)port));
        SockaddrIn.sin_addr(sa, Integer.reverseBytes(parseIpv4(ip)));
        return sa;
    }

    /** A dotted-quad IPv4 address in host order; no name resolution. */
    static int parseIpv4(final String ip)
    {
        final String[] parts = ip.split("\\.", -1);
        if (parts.length != 4)
        {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        int a = 0;
        for (final String p : parts)
        {
            final int v;
            try
            {
                v = Integer.parseInt(p);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("not an IPv4 address: " + ip, ex);
            }
            if (v < 0 || v > 255 || p.isEmpty() || p.length() > 3)
            {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            a = (a << 8) | v;
        }
        return a;
    }
}
