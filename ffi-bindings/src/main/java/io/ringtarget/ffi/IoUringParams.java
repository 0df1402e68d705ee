package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct io_uring_params} from {@code <linux/io_uring.h>}: Argument and result of io_uring_setup(2).
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class IoUringParams
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("sq_entries"),
        ValueLayout.JAVA_INT.withName("cq_entries"),
        ValueLayout.JAVA_INT.withName("flags"),
        ValueLayout.JAVA_INT.withName("sq_thread_cpu"),
        ValueLayout.JAVA_INT.withName("sq_thread_idle"),
        ValueLayout.JAVA_INT.withName("features"),
        ValueLayout.JAVA_INT.withName("wq_fd"),
        MemoryLayout.paddingLayout(12),
        IoSqringOffsets.LAYOUT.withName("sq_off"),
        IoCqringOffsets.LAYOUT.withName("cq_off")
    ).withName("io_uring_params");

    public static final long SIZEOF = 120;

    public static final long sq_entries$OFFSET = 0;
    public static final long cq_entries$OFFSET = 4;
    public static final long flags$OFFSET = 8;
    public static final long sq_thread_cpu$OFFSET = 12;
    public static final long sq_thread_idle$OFFSET = 16;
    public static final long features$OFFSET = 20;
    public static final long wq_fd$OFFSET = 24;
    public static final long resv$OFFSET = 28;
    public static final long sq_off$OFFSET = 40;
    public static final long cq_off$OFFSET = 80;

    private IoUringParams()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static int sq_entries(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, sq_entries$OFFSET);
    }

    public static void sq_entries(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, sq_entries$OFFSET, v);
    }

    public static int cq_entries(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, cq_entries$OFFSET);
    }

    public static void cq_entries(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, cq_entries$OFFSET, v);
    }

    public static int flags(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, flags$OFFSET);
    }

    public static void flags(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, flags$OFFSET, v);
    }

    public static int sq_thread_cpu(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, sq_thread_cpu$OFFSET);
    }

    public static void sq_thread_cpu(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, sq_thread_cpu$OFFSET, v);
    }

    public static int sq_thread_idle(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, sq_thread_idle$OFFSET);
    }

    public static void sq_thread_idle(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, sq_thread_idle$OFFSET, v);
    }

    public static int features(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, features$OFFSET);
    }

    public static void features(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, features$OFFSET, v);
    }

    public static int wq_fd(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, wq_fd$OFFSET);
    }

    public static void wq_fd(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, wq_fd$OFFSET, v);
    }

    public static MemorySegment sq_off(final MemorySegment s)
    {
        return s.asSlice(sq_off$OFFSET, IoSqringOffsets.SIZEOF);
    }

    public static MemorySegment cq_off(final MemorySegment s)
    {
        return s.asSlice(cq_off$OFFSET, IoCqringOffsets.SIZEOF);
    }

}
