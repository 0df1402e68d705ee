package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct sockaddr_in} from {@code <netinet/in.h>}: IPv4 socket address; sin_port and sin_addr are in network byte order.
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class SockaddrIn
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_SHORT.withName("sin_family"),
        ValueLayout.JAVA_SHORT.withName("sin_port"),
        ValueLayout.JAVA_INT.withName("sin_addr"),
        MemoryLayout.paddingLayout(8)
    ).withName("sockaddr_in");

    public static final long SIZEOF = 16;

    public static final long sin_family$OFFSET = 0;
    public static final long sin_port$OFFSET = 2;
    public static final long sin_addr$OFFSET = 4;
    public static final long sin_zero$OFFSET = 8;

    private SockaddrIn()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static short sin_family(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, sin_family$OFFSET);
    }

    public static void sin_family(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, sin_family$OFFSET, v);
    }

    public static short sin_port(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, sin_port$OFFSET);
    }

    public static void sin_port(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, sin_port$OFFSET, v);
    }

    public static int sin_addr(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, sin_addr$OFFSET);
    }

    public static void sin_addr(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, sin_addr$OFFSET, v);
    }

}
