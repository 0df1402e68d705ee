package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct __kernel_timespec} from {@code <linux/time_types.h>}: Timeout of IORING_OP_TIMEOUT and of IORING_ENTER_EXT_ARG waits.
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class KernelTimespec
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_LONG.withName("tv_sec"),
        ValueLayout.JAVA_LONG.withName("tv_nsec")
    ).withName("__kernel_timespec");

    public static final long SIZEOF = 16;

    public static final long tv_sec$OFFSET = 0;
    public static final long tv_nsec$OFFSET = 8;

    private KernelTimespec()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static long tv_sec(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, tv_sec$OFFSET);
    }

    public static void tv_sec(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, tv_sec$OFFSET, v);
    }

    public static long tv_nsec(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, tv_nsec$OFFSET);
    }

    public static void tv_nsec(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, tv_nsec$OFFSET, v);
    }

}
