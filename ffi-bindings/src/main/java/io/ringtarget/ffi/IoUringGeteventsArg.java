package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct io_uring_getevents_arg} from {@code <linux/io_uring.h>}: Argument of io_uring_enter(2) with IORING_ENTER_EXT_ARG.
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class IoUringGeteventsArg
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_LONG.withName("sigmask"),
        ValueLayout.JAVA_INT.withName("sigmask_sz"),
        ValueLayout.JAVA_INT.withName("pad"),
        ValueLayout.JAVA_LONG.withName("ts")
    ).withName("io_uring_getevents_arg");

    public static final long SIZEOF = 24;

    public static final long sigmask$OFFSET = 0;
    public static final long sigmask_sz$OFFSET = 8;
    public static final long pad$OFFSET = 12;
    public static final long ts$OFFSET = 16;

    private IoUringGeteventsArg()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static long sigmask(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, sigmask$OFFSET);
    }

    public static void sigmask(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, sigmask$OFFSET, v);
    }

    public static int sigmask_sz(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, sigmask_sz$OFFSET);
    }

    public static void sigmask_sz(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, sigmask_sz$OFFSET, v);
    }

    public static int pad(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, pad$OFFSET);
    }

    public static void pad(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, pad$OFFSET, v);
    }

    public static long ts(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, ts$OFFSET);
    }

    public static void ts(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, ts$OFFSET, v);
    }

}
