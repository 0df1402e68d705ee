package io.ringtarget.iscsi.connection;

import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.SockaddrIn;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Local and peer IPv4 addresses of an accepted connection, for login (which TPG a portal reaches, SendTargets
 * answers for wildcard portals) and for the log. Once per connection, off the I/O path.
 */
final class SocketAddresses
{
    @SuppressWarnings("restricted")
    private static final MethodHandle GETPEERNAME = Linker.nativeLinker().downcallHandle(
        Linker.nativeLinker().defaultLookup().find("getpeername").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    private SocketAddresses()
    {
    }

    static String localAddress(final int fd)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sa = arena.allocate(SockaddrIn.LAYOUT);
            final MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int)SockaddrIn.SIZEOF);
            return Libc.getsockname(fd, sa, len) < 0 ? "0.0.0.0" : ip(sa);
        }
    }

    static String peerAddress(final int fd)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment sa = arena.allocate(SockaddrIn.LAYOUT);
            final MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int)SockaddrIn.SIZEOF);
            final int rc = (int)GETPEERNAME.invokeExact(fd, sa, len);
            if (rc < 0)
            {
                return "fd " + fd;
            }
            return ip(sa) + ":" + Short.toUnsignedInt(Short.reverseBytes(SockaddrIn.sin_port(sa)));
        }
        catch (final Throwable t)
        {
            return "fd " + fd;
        }
    }

    private static String ip(final MemorySegment sa)
    {
        final long base = SockaddrIn.sin_addr$OFFSET;
        return Byte.toUnsignedInt(sa.get(ValueLayout.JAVA_BYTE, base)) + "." +
            Byte.toUnsignedInt(sa.get(ValueLayout.JAVA_BYTE, base + 1)) + "." +
            Byte.toUnsignedInt(sa.get(ValueLayout.JAVA_BYTE, base + 2)) + "." +
            Byte.toUnsignedInt(sa.get(ValueLayout.JAVA_BYTE, base + 3));
    }
}
