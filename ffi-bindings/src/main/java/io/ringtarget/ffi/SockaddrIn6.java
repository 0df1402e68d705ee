package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct sockaddr_in6} from {@code <netinet/in.h>}: IPv6 socket address; sin6_port, sin6_flowinfo and
 * sin6_addr are in network byte order, sin6_scope_id (the interface of a link-local address) in host order.
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class SockaddrIn6
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_SHORT.withName("sin6_family"),
        ValueLayout.JAVA_SHORT.withName("sin6_port"),
        ValueLayout.JAVA_INT.withName("sin6_flowinfo"),
        MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("sin6_addr"),
        ValueLayout.JAVA_INT.withName("sin6_scope_id")
    ).withName("sockaddr_in6");

    public static final long SIZEOF = 28;
    public static final long ADDR_LENGTH = 16;

    public static final long sin6_family$OFFSET = 0;
    public static final long sin6_port$OFFSET = 2;
    public static final long sin6_flowinfo$OFFSET = 4;
    public static final long sin6_addr$OFFSET = 8;
    public static final long sin6_scope_id$OFFSET = 24;

    private SockaddrIn6()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static short sin6_family(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, sin6_family$OFFSET);
    }

    public static void sin6_family(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, sin6_family$OFFSET, v);
    }

    public static short sin6_port(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, sin6_port$OFFSET);
    }

    public static void sin6_port(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, sin6_port$OFFSET, v);
    }

    /** The 16 address bytes, a slice of {@code s}. */
    public static MemorySegment sin6_addr(final MemorySegment s)
    {
        return s.asSlice(sin6_addr$OFFSET, ADDR_LENGTH);
    }

    public static int sin6_scope_id(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, sin6_scope_id$OFFSET);
    }

    public static void sin6_scope_id(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, sin6_scope_id$OFFSET, v);
    }
}
