package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct io_uring_probe} from {@code <linux/io_uring.h>}: Header of the IORING_REGISTER_PROBE result; ops[] (IoUringProbeOp) follow at ops$OFFSET.
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class IoUringProbe
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_BYTE.withName("last_op"),
        ValueLayout.JAVA_BYTE.withName("ops_len"),
        ValueLayout.JAVA_SHORT.withName("resv"),
        MemoryLayout.paddingLayout(12)
    ).withName("io_uring_probe");

    public static final long SIZEOF = 16;

    public static final long last_op$OFFSET = 0;
    public static final long ops_len$OFFSET = 1;
    public static final long resv$OFFSET = 2;
    public static final long resv2$OFFSET = 4;
    public static final long ops$OFFSET = 16;

    private IoUringProbe()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static byte last_op(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_BYTE, last_op$OFFSET);
    }

    public static void last_op(final MemorySegment s, final byte v)
    {
        s.set(ValueLayout.JAVA_BYTE, last_op$OFFSET, v);
    }

    public static byte ops_len(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_BYTE, ops_len$OFFSET);
    }

    public static void ops_len(final MemorySegment s, final byte v)
    {
        s.set(ValueLayout.JAVA_BYTE, ops_len$OFFSET, v);
    }

    public static short resv(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, resv$OFFSET);
    }

    public static void resv(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, resv$OFFSET, v);
    }

}
