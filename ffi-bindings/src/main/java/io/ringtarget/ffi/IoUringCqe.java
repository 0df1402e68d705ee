package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct io_uring_cqe} from {@code <linux/io_uring.h>}: One completion queue entry (16 bytes, rings set up without IORING_SETUP_CQE32).
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class IoUringCqe
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_LONG.withName("user_data"),
        ValueLayout.JAVA_INT.withName("res"),
        ValueLayout.JAVA_INT.withName("flags")
    ).withName("io_uring_cqe");

    public static final long SIZEOF = 16;

    public static final long user_data$OFFSET = 0;
    public static final long res$OFFSET = 8;
    public static final long flags$OFFSET = 12;

    private IoUringCqe()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static long user_data(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, user_data$OFFSET);
    }

    public static void user_data(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, user_data$OFFSET, v);
    }

    public static int res(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, res$OFFSET);
    }

    public static void res(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, res$OFFSET, v);
    }

    public static int flags(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, flags$OFFSET);
    }

    public static void flags(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, flags$OFFSET, v);
    }

}
