package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct io_uring_probe_op} from {@code <linux/io_uring.h>}: One opcode entry of a probe.
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class IoUringProbeOp
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_BYTE.withName("op"),
        ValueLayout.JAVA_BYTE.withName("resv"),
        ValueLayout.JAVA_SHORT.withName("flags"),
        ValueLayout.JAVA_INT.withName("resv2")
    ).withName("io_uring_probe_op");

    public static final long SIZEOF = 8;

    public static final long op$OFFSET = 0;
    public static final long resv$OFFSET = 1;
    public static final long flags$OFFSET = 2;
    public static final long resv2$OFFSET = 4;

    private IoUringProbeOp()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static byte op(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_BYTE, op$OFFSET);
    }

    public static void op(final MemorySegment s, final byte v)
    {
        s.set(ValueLayout.JAVA_BYTE, op$OFFSET, v);
    }

    public static byte resv(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_BYTE, resv$OFFSET);
    }

    public static void resv(final MemorySegment s, final byte v)
    {
        s.set(ValueLayout.JAVA_BYTE, resv$OFFSET, v);
    }

    public static short flags(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, flags$OFFSET);
    }

    public static void flags(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, flags$OFFSET, v);
    }

    public static int resv2(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, resv2$OFFSET);
    }

    public static void resv2(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, resv2$OFFSET, v);
    }

}
