package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct io_cqring_offsets} from {@code <linux/io_uring.h>}: Offsets of the completion ring fields inside the CQ ring mapping.
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class IoCqringOffsets
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("head"),
        ValueLayout.JAVA_INT.withName("tail"),
        ValueLayout.JAVA_INT.withName("ring_mask"),
        ValueLayout.JAVA_INT.withName("ring_entries"),
        ValueLayout.JAVA_INT.withName("overflow"),
        ValueLayout.JAVA_INT.withName("cqes"),
        ValueLayout.JAVA_INT.withName("flags"),
        ValueLayout.JAVA_INT.withName("resv1"),
        ValueLayout.JAVA_LONG.withName("resv2")
    ).withName("io_cqring_offsets");

    public static final long SIZEOF = 40;

    public static final long head$OFFSET = 0;
    public static final long tail$OFFSET = 4;
    public static final long ring_mask$OFFSET = 8;
    public static final long ring_entries$OFFSET = 12;
    public static final long overflow$OFFSET = 16;
    public static final long cqes$OFFSET = 20;
    public static final long flags$OFFSET = 24;
    public static final long resv1$OFFSET = 28;
    public static final long resv2$OFFSET = 32;

    private IoCqringOffsets()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static int head(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, head$OFFSET);
    }

    public static void head(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, head$OFFSET, v);
    }

    public static int tail(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, tail$OFFSET);
    }

    public static void tail(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, tail$OFFSET, v);
    }

    public static int ring_mask(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, ring_mask$OFFSET);
    }

    public static void ring_mask(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, ring_mask$OFFSET, v);
    }

    public static int ring_entries(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, ring_entries$OFFSET);
    }

    public static void ring_entries(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, ring_entries$OFFSET, v);
    }

    public static int overflow(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, overflow$OFFSET);
    }

    public static void overflow(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, overflow$OFFSET, v);
    }

    public static int cqes(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, cqes$OFFSET);
    }

    public static void cqes(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, cqes$OFFSET, v);
    }

    public static int flags(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, flags$OFFSET);
    }

    public static void flags(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, flags$OFFSET, v);
    }

    public static int resv1(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, resv1$OFFSET);
    }

    public static void resv1(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, resv1$OFFSET, v);
    }

    public static long resv2(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, resv2$OFFSET);
    }

    public static void resv2(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, resv2$OFFSET, v);
    }

}
