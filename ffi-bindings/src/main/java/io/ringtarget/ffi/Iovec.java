package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct iovec} from {@code <sys/uio.h>}: Scatter/gather element (readv/writev, registered buffers, msghdr).
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class Iovec
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.ADDRESS.withName("iov_base"),
        ValueLayout.JAVA_LONG.withName("iov_len")
    ).withName("iovec");

    public static final long SIZEOF = 16;

    public static final long iov_base$OFFSET = 0;
    public static final long iov_len$OFFSET = 8;

    private Iovec()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static MemorySegment iov_base(final MemorySegment s)
    {
        return s.get(ValueLayout.ADDRESS, iov_base$OFFSET);
    }

    public static void iov_base(final MemorySegment s, final MemorySegment v)
    {
        s.set(ValueLayout.ADDRESS, iov_base$OFFSET, v);
    }

    public static long iov_len(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, iov_len$OFFSET);
    }

    public static void iov_len(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, iov_len$OFFSET, v);
    }

}
