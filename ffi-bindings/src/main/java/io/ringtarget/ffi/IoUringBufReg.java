package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct io_uring_buf_reg} from {@code <linux/io_uring.h>}: Argument of IORING_REGISTER_PBUF_RING.
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class IoUringBufReg
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_LONG.withName("ring_addr"),
        ValueLayout.JAVA_INT.withName("ring_entries"),
        ValueLayout.JAVA_SHORT.withName("bgid"),
        ValueLayout.JAVA_SHORT.withName("pad"),
        MemoryLayout.paddingLayout(24)
    ).withName("io_uring_buf_reg");

    public static final long SIZEOF = 40;

    public static final long ring_addr$OFFSET = 0;
    public static final long ring_entries$OFFSET = 8;
    public static final long bgid$OFFSET = 12;
    public static final long pad$OFFSET = 14;
    public static final long resv$OFFSET = 16;

    private IoUringBufReg()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static long ring_addr(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, ring_addr$OFFSET);
    }

    public static void ring_addr(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, ring_addr$OFFSET, v);
    }

    public static int ring_entries(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, ring_entries$OFFSET);
    }

    public static void ring_entries(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, ring_entries$OFFSET, v);
    }

    public static short bgid(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, bgid$OFFSET);
    }

    public static void bgid(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, bgid$OFFSET, v);
    }

    public static short pad(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, pad$OFFSET);
    }

    public static void pad(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, pad$OFFSET, v);
    }

}
