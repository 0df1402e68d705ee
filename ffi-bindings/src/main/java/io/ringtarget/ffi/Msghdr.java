package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct msghdr} from {@code <sys/socket.h>}: Message header of sendmsg/recvmsg.
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class Msghdr
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.ADDRESS.withName("msg_name"),
        ValueLayout.JAVA_INT.withName("msg_namelen"),
        MemoryLayout.paddingLayout(4),
        ValueLayout.ADDRESS.withName("msg_iov"),
        ValueLayout.JAVA_LONG.withName("msg_iovlen"),
        ValueLayout.ADDRESS.withName("msg_control"),
        ValueLayout.JAVA_LONG.withName("msg_controllen"),
        ValueLayout.JAVA_INT.withName("msg_flags"),
        MemoryLayout.paddingLayout(4)
    ).withName("msghdr");

    public static final long SIZEOF = 56;

    public static final long msg_name$OFFSET = 0;
    public static final long msg_namelen$OFFSET = 8;
    public static final long msg_iov$OFFSET = 16;
    public static final long msg_iovlen$OFFSET = 24;
    public static final long msg_control$OFFSET = 32;
    public static final long msg_controllen$OFFSET = 40;
    public static final long msg_flags$OFFSET = 48;

    private Msghdr()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static MemorySegment msg_name(final MemorySegment s)
    {
        return s.get(ValueLayout.ADDRESS, msg_name$OFFSET);
    }

    public static void msg_name(final MemorySegment s, final MemorySegment v)
    {
        s.set(ValueLayout.ADDRESS, msg_name$OFFSET, v);
    }

    public static int msg_namelen(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, msg_namelen$OFFSET);
    }

    public static void msg_namelen(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, msg_namelen$OFFSET, v);
    }

    public static MemorySegment msg_iov(final MemorySegment s)
    {
        return s.get(ValueLayout.ADDRESS, msg_iov$OFFSET);
    }

    public static void msg_iov(final MemorySegment s, final MemorySegment v)
    {
        s.set(ValueLayout.ADDRESS, msg_iov$OFFSET, v);
    }

    public static long msg_iovlen(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, msg_iovlen$OFFSET);
    }

    public static void msg_iovlen(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, msg_iovlen$OFFSET, v);
    }

    public static MemorySegment msg_control(final MemorySegment s)
    {
        return s.get(ValueLayout.ADDRESS, msg_control$OFFSET);
    }

    public static void msg_control(final MemorySegment s, final MemorySegment v)
    {
        s.set(ValueLayout.ADDRESS, msg_control$OFFSET, v);
    }

    public static long msg_controllen(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, msg_controllen$OFFSET);
    }

    public static void msg_controllen(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, msg_controllen$OFFSET, v);
    }

    public static int msg_flags(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, msg_flags$OFFSET);
    }

    public static void msg_flags(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, msg_flags$OFFSET, v);
    }

}
