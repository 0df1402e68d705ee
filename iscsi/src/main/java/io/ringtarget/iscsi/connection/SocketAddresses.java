package io.ringtarget.iscsi.connection;

import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.SockaddrIn;
import io.ringtarget.ffi.SockaddrIn6;
import io.ringtarget.ffi.SockaddrStorage;
import io.ringtarget.iscsi.node.IpAddresses;
import io.ringtarget.iscsi.node.Portal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static io.ringtarget.ffi.LibcConstants.AF_INET;
import static io.ringtarget.ffi.LibcConstants.AF_INET6;

/**
 * Local and peer addresses of an accepted connection (IPv4 or IPv6, {@link IpAddresses} text: an IPv4 peer of a
 * dual-stack socket is its IPv4 address), for login (which TPG a portal reaches, SendTargets answers for wildcard
 * portals), the connection limits and the log. Once per connection, off the I/O path.
 */
final class SocketAddresses
{
    @SuppressWarnings("restricted")
    private static final MethodHandle GETPEERNAME = Linker.nativeLinker().downcallHandle(
        Linker.nativeLinker().defaultLookup().find("getpeername").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    private static final String UNKNOWN = "0.0.0.0";

    /** The peer's address and port as {@code ip:port} ({@code [ip]:port} for IPv6), and its address alone. */
    record Peer(String ip, String hostPort)
    {
    }

    private SocketAddresses()
    {
    }

    static String localAddress(final int fd)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sa = arena.allocate(SockaddrStorage.LAYOUT);
            final MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int)SockaddrStorage.SIZEOF);
            if (Libc.getsockname(fd, sa, len) < 0)
            {
                return UNKNOWN;
            }
            final String ip = ip(sa);
            return ip == null ? UNKNOWN : ip;
        }
    }

    static Peer peer(final int fd)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sa = arena.allocate(SockaddrStorage.LAYOUT);
            final MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int)SockaddrStorage.SIZEOF);
            final int rc = (int)GETPEERNAME.invokeExact(fd, sa, len);
            final String ip = rc < 0 ? null : ip(sa);
            if (ip == null)
            {
                return new Peer("fd " + fd, "fd " + fd);
            }
            // sin_port and sin6_port are at the same offset.
            return new Peer(ip, Portal.format(ip, Short.toUnsignedInt(Short.reverseBytes(SockaddrIn.sin_port(sa)))));
        }
        catch (final Throwable t)
        {
            return new Peer("fd " + fd, "fd " + fd);
        }
    }

    /** The address of a sockaddr_in or sockaddr_in6, or null for another family. */
    private static String ip(final MemorySegment sa)
    {
        final int family = SockaddrStorage.ss_family(sa);
        if (family == AF_INET)
        {
            return IpAddresses.format(sa.asSlice(SockaddrIn.sin_addr$OFFSET, 4).toArray(ValueLayout.JAVA_BYTE));
        }
        if (family == AF_INET6)
        {
            return IpAddresses.format(SockaddrIn6.sin6_addr(sa).toArray(ValueLayout.JAVA_BYTE));
        }
        return null;
    }
}
