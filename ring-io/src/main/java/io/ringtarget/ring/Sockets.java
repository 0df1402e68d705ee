package io.ringtarget.ring;

import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.SockaddrIn;
import io.ringtarget.ffi.SockaddrIn6;
import io.ringtarget.ffi.SockaddrStorage;
import io.ringtarget.ffi.SockaddrUn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import static io.ringtarget.ffi.LibcConstants.*;

/**
 * IPv4 and IPv6 TCP socket helpers on libc for listeners (and test clients); setup paths, so failures throw
 * {@link io.ringtarget.ffi.ErrnoException} naming the call and address, except where a method says it returns
 * {@code -errno} (callers that word the message themselves, and accepted sockets, where a failure is reported
 * rather than thrown).
 */
public final class Sockets
{
    private Sockets()
    {
    }

    /**
     * A listening socket (SOCK_CLOEXEC, SO_REUSEADDR, optionally SO_REUSEPORT so each loop can own a listener on the
     * same port); port 0 picks a free port ({@link #localPort}). An IPv6 address ({@code ::1}, no brackets) gets an
     * AF_INET6 socket; the IPv6 wildcard {@code ::} is dual-stack (IPV6_V6ONLY off: IPv4 clients connect too, seen as
     * v4-mapped addresses) where the kernel allows it, any other IPv6 address is IPv6 only.
     */
    public static int listen(final String ip, final int port, final boolean reusePort, final int backlog)
    {
        final byte[] address = parseIp(ip);
        final int fd = Libc.check(Libc.socket(family(address), SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
        try (Arena arena = Arena.ofConfined())
        {
            setInt(arena, fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
            if (reusePort)
            {
                setInt(arena, fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT");
            }
            if (address.length == 16)
            {
                setInt(arena, fd, IPPROTO_IPV6, IPV6_V6ONLY, isWildcard(address) ? 0 : 1, "IPV6_V6ONLY");
            }
            final MemorySegment sa = sockaddr(arena, address, port);
            Libc.check(Libc.bind(fd, sa, (int)sa.byteSize()), "bind(" + ip + ":" + port + ")");
            Libc.check(Libc.listen(fd, backlog), "listen(" + ip + ":" + port + ")");
            return fd;
        }
        catch (final RuntimeException ex)
        {
            Libc.close(fd);
            throw ex;
        }
    }

    /**
     * Whether {@code ip:port} could be bound by a socket of its own, without SO_REUSEPORT: 0, or -errno
     * ({@code -EADDRINUSE} when any socket listens on an overlapping address, SO_REUSEPORT or not, in this process
     * or another). SO_REUSEADDR is set, so connections of an earlier process in TIME_WAIT do not count. The
     * socket is closed again before this returns.
     */
    public static int probeBind(final String ip, final int port)
    {
        final byte[] address = parseIp(ip);
        final int fd = Libc.socket(family(address), SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            return fd;
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            int r = setIntOrErrno(v, fd, SOL_SOCKET, SO_REUSEADDR, 1);
            if (r == 0 && address.length == 16)
            {
                r = setIntOrErrno(v, fd, IPPROTO_IPV6, IPV6_V6ONLY, isWildcard(address) ? 0 : 1);
            }
            final MemorySegment sa = sockaddr(arena, address, port);
            return r < 0 ? r : Libc.bind(fd, sa, (int)sa.byteSize());
        }
        finally
        {
            Libc.close(fd);
        }
    }

    /**
     * A Unix stream socket bound to {@code name} in the abstract namespace (unix(7)): the descriptor, or -errno
     * ({@code -EADDRINUSE} while a socket of any process in this network namespace holds the name). The name is
     * released when the descriptor is closed or the process dies; no file is created.
     */
    public static int bindAbstract(final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length >= SockaddrUn.SUN_PATH_LENGTH)
        {
            throw new IllegalArgumentException("abstract socket name of 1.." + (SockaddrUn.SUN_PATH_LENGTH - 1) +
                " bytes: " + name);
        }
        final int fd = Libc.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            return fd;
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sa = arena.allocate(SockaddrUn.LAYOUT);
            final int r = Libc.bind(fd, sa, unixAddress(sa, "@" + name));
            if (r < 0)
            {
                Libc.close(fd);
                return r;
            }
            return fd;
        }
    }

    /**
     * Sends one datagram to a Unix datagram socket: a path, or {@code @name} in the abstract namespace (unix(7)), as
     * sd_notify(3) addresses the service manager. A socket of its own for each message (rare messages).
     *
     * @return 0, or -errno (ENAMETOOLONG for an address that does not fit a sockaddr_un).
     */
    public static int sendUnixDatagram(final String address, final byte[] message)
    {
        final int fd = Libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            return fd;
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sa = arena.allocate(SockaddrUn.LAYOUT);
            final int length = unixAddress(sa, address);
            if (length < 0)
            {
                return length;
            }
            final int r = Libc.connect(fd, sa, length);
            if (r < 0)
            {
                return r;
            }
            final MemorySegment buf = arena.allocate(Math.max(1, message.length));
            MemorySegment.copy(message, 0, buf, ValueLayout.JAVA_BYTE, 0, message.length);
            final long sent = Libc.write(fd, buf, message.length);
            return sent < 0 ? (int)sent : 0;
        }
        finally
        {
            Libc.close(fd);
        }
    }

    /**
     * Fills {@code sa} (a sockaddr_un) with {@code address}: a path, NUL-terminated, or {@code @name}, which is
     * {@code sun_path[0] = 0} and the name, the address length (not a terminator) ending it.
     *
     * @return the address length to give bind or connect, or -ENAMETOOLONG.
     */
    private static int unixAddress(final MemorySegment sa, final String address)
    {
        final boolean abstractName = address.startsWith("@");
        final byte[] name = (abstractName ? address.substring(1) : address).getBytes(StandardCharsets.UTF_8);
        final int offset = abstractName ? 1 : 0;   // the abstract namespace: sun_path[0] stays NUL
        if (offset + name.length + (abstractName ? 0 : 1) > SockaddrUn.SUN_PATH_LENGTH)
        {
            return -ENAMETOOLONG;
        }
        SockaddrUn.sun_family(sa, (short)AF_UNIX);
        MemorySegment.copy(name, 0, SockaddrUn.sun_path(sa), ValueLayout.JAVA_BYTE, offset, name.length);
        return (int)SockaddrUn.sun_path$OFFSET + offset + name.length + (abstractName ? 0 : 1);
    }

    /**
     * TCP keepalive on a connected socket (SO_KEEPALIVE, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, in seconds) and
     * TCP_USER_TIMEOUT (milliseconds; 0 = the kernel's retransmission limits): 0, or the -errno of the first option
     * refused. {@code idleSeconds} 0 turns keepalive off.
     */
    public static int setKeepalive(
        final int fd, final int idleSeconds, final int intervalSeconds, final int count, final int userTimeoutMillis)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            int r = setIntOrErrno(v, fd, SOL_SOCKET, SO_KEEPALIVE, idleSeconds > 0 ? 1 : 0);
            if (r == 0 && idleSeconds > 0)
            {
                r = setIntOrErrno(v, fd, IPPROTO_TCP, TCP_KEEPIDLE, idleSeconds);
                r = r < 0 ? r : setIntOrErrno(v, fd, IPPROTO_TCP, TCP_KEEPINTVL, intervalSeconds);
                r = r < 0 ? r : setIntOrErrno(v, fd, IPPROTO_TCP, TCP_KEEPCNT, count);
            }
            return r < 0 ? r : setIntOrErrno(v, fd, IPPROTO_TCP, TCP_USER_TIMEOUT, userTimeoutMillis);
        }
    }

    /** An int socket option's value (getsockopt); setup paths and tests. */
    public static int intOption(final int fd, final int level, final int name)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            final MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int)v.byteSize());
            Libc.check(Libc.getsockopt(fd, level, name, v, len), "getsockopt(" + level + "," + name + ")");
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** A blocking client connection (tests, tools). */
    public static int connect(final String ip, final int port)
    {
        final byte[] address = parseIp(ip);
        final int fd = Libc.check(Libc.socket(family(address), SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sa = sockaddr(arena, address, port);
            Libc.check(Libc.connect(fd, sa, (int)sa.byteSize()), "connect(" + ip + ":" + port + ")");
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

    /**
     * TCP_CONGESTION: the congestion control algorithm of this socket's sends ("cubic", "bbr", "dctcp", ...) instead of
     * the host's net.ipv4.tcp_congestion_control. Returns 0 or -errno ({@code -ENOENT}: no such algorithm is loaded or
     * loadable here). Setup path.
     */
    public static int setCongestionControl(final int fd, final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment v = arena.allocate(bytes.length);
            v.copyFrom(MemorySegment.ofArray(bytes));
            return Libc.setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, v, bytes.length);
        }
    }

    /**
     * Whether this host can give a TCP socket that congestion control: 0, or -errno ({@code -ENOENT}: neither built
     * in nor loadable). Tried on an unbound socket of its own, closed again. Setup path.
     */
    public static int probeCongestionControl(final String name)
    {
        final int fd = Libc.socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            return fd;
        }
        try
        {
            return setCongestionControl(fd, name);
        }
        finally
        {
            Libc.close(fd);
        }
    }

    /** The kernel's TCP_CA_NAME_MAX (include/net/tcp.h, not in the UAPI headers): a name with its NUL. */
    private static final int TCP_CA_NAME_MAX = 16;

    /** The congestion control algorithm of this socket (TCP_CONGESTION); throws when the option cannot be read. */
    public static String congestionControl(final int fd)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment v = arena.allocate(TCP_CA_NAME_MAX);
            final MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, TCP_CA_NAME_MAX);
            Libc.check(Libc.getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, v, len), "getsockopt(TCP_CONGESTION)");
            return v.getString(0, StandardCharsets.US_ASCII);
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
            final MemorySegment sa = arena.allocate(SockaddrStorage.LAYOUT);
            final MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int)SockaddrStorage.SIZEOF);
            Libc.check(Libc.getsockname(fd, sa, len), "getsockname");
            // sin_port and sin6_port are at the same offset.
            return Short.toUnsignedInt(Short.reverseBytes(SockaddrIn.sin_port(sa)));
        }
    }

    private static int setIntOrErrno(final MemorySegment v, final int fd, final int level, final int name, final int value)
    {
        v.set(ValueLayout.JAVA_INT, 0, value);
        return Libc.setsockopt(fd, level, name, v, (int)v.byteSize());
    }

    private static void setInt(final Arena arena, final int fd, final int level, final int name, final int value, final String what)
    {
        final MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, value);
        Libc.check(Libc.setsockopt(fd, level, name, v, (int)v.byteSize()), what);
    }

    /** A sockaddr_in or sockaddr_in6, as long as its family's (the length bind and connect take). */
    private static MemorySegment sockaddr(final Arena arena, final byte[] address, final int port)
    {
        if (port < 0 || port > 0xFFFF)
        {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (address.length == 16)
        {
            final MemorySegment sa = arena.allocate(SockaddrIn6.LAYOUT);
            SockaddrIn6.sin6_family(sa, (short)AF_INET6);
            SockaddrIn6.sin6_port(sa, Short.reverseBytes((short)port));
            MemorySegment.copy(address, 0, SockaddrIn6.sin6_addr(sa), ValueLayout.JAVA_BYTE, 0, 16);
            return sa;
        }
        final MemorySegment sa = arena.allocate(SockaddrIn.LAYOUT);
        SockaddrIn.sin_family(sa, (short)AF_INET);
        SockaddrIn.sin_port(sa, Short.reverseBytes((short)port));
        SockaddrIn.sin_addr(sa, Integer.reverseBytes(parseIpv4(address)));
        return sa;
    }

    private static int family(final byte[] address)
    {
        return address.length == 16 ? AF_INET6 : AF_INET;
    }

    private static boolean isWildcard(final byte[] address)
    {
        for (final byte b : address)
        {
            if (b != 0)
            {
                return false;
            }
        }
        return true;
    }

    /** Why {@code ip} cannot be bound by these helpers (not an IPv4 or zone-less IPv6 literal), or null. */
    public static String addressProblem(final String ip)
    {
        try
        {
            parseIp(ip);
            return null;
        }
        catch (final IllegalArgumentException ex)
        {
            return ex.getMessage();
        }
    }

    /**
     * The bytes of an IP literal: 4 for IPv4 (dotted quad), 16 for IPv6 (without brackets or a zone: portals are
     * not link-local); no name resolution.
     */
    static byte[] parseIp(final String ip)
    {
        if (ip.indexOf(':') < 0)
        {
            final int a = parseIpv4(ip);
            return new byte[]{(byte)(a >>> 24), (byte)(a >>> 16), (byte)(a >>> 8), (byte)a};
        }
        if (ip.indexOf('%') >= 0)
        {
            throw new IllegalArgumentException("not an IPv6 address without a zone: " + ip);
        }
        final InetAddress address;
        try
        {
            address = InetAddress.ofLiteral(ip);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("not an IP address: " + ip, ex);
        }
        if (!(address instanceof Inet6Address))
        {
            // ::ffff:a.b.c.d comes back as IPv4; a portal names it as a.b.c.d.
            throw new IllegalArgumentException("not an IPv6 address without a zone: " + ip);
        }
        return address.getAddress();
    }

    private static int parseIpv4(final byte[] address)
    {
        return (address[0] & 0xff) << 24 | (address[1] & 0xff) << 16 | (address[2] & 0xff) << 8 | address[3] & 0xff;
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
