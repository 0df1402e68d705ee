package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct io_uring_buf} from {@code <linux/io_uring.h>}: One provided buffer in a buffer ring; the ring tail overlays resv of entry 0 (struct io_uring_buf_ring).
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class IoUringBuf
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_LONG.withName("addr"),
        ValueLayout.JAVA_INT.withName("len"),
        ValueLayout.JAVA_SHORT.withName("bid"),
        ValueLayout.JAVA_SHORT.withName("resv")
    ).withName("io_uring_buf");

    public static final long SIZEOF = 16;

    public static final long addr$OFFSET = 0;
    public static final long len$OFFSET = 8;
    public static final long bid$OFFSET = 12;
    public static final long resv$OFFSET = 14;
    /** Union alias of {@code resv}. */
    public static final long tail$OFFSET = resv$OFFSET;

    private IoUringBuf()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static long addr(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, addr$OFFSET);
    }

    public static void addr(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, addr$OFFSET, v);
    }

    public static int len(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, len$OFFSET);
    }

    public static void len(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, len$OFFSET, v);
    }

    public static short bid(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, bid$OFFSET);
    }

    public static void bid(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, bid$OFFSET, v);
    }

    public static short resv(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, resv$OFFSET);
    }

    public static void resv(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, resv$OFFSET, v);
    }

    public static short tail(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, tail$OFFSET);
    }

    public static void tail(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, tail$OFFSET, v);
    }

}
