package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct statx} from {@code <linux/stat.h>} as of Linux 6.11, and the constants ringtarget asks it with: only
 * the fields ringtarget reads are named (the mask, the attributes and the atomic write limits).
 * <p>
 * Written in the shape jextract generates. Unlike the other bindings it is not checked by {@code LayoutCheckTest}:
 * Debian 12's headers (linux-libc-dev 6.1) predate the atomic write fields and {@link #STATX_WRITE_ATOMIC}, so
 * the offsets follow the 6.11 UAPI header and are checked against the kernel itself (an XFS file's limits, in the
 * backstores' tests). A kernel older than 6.11 leaves {@link #STATX_WRITE_ATOMIC} out of {@link #stx_mask}.
 */
public final class Statx
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_INT.withName("stx_mask"),
        MemoryLayout.paddingLayout(4),
        ValueLayout.JAVA_LONG.withName("stx_attributes"),
        MemoryLayout.paddingLayout(152),
        ValueLayout.JAVA_INT.withName("stx_atomic_write_unit_min"),
        ValueLayout.JAVA_INT.withName("stx_atomic_write_unit_max"),
        ValueLayout.JAVA_INT.withName("stx_atomic_write_segments_max"),
        MemoryLayout.paddingLayout(76)
    ).withName("statx");

    public static final long SIZEOF = 256;

    public static final long stx_mask$OFFSET = 0;
    public static final long stx_attributes$OFFSET = 8;
    public static final long stx_atomic_write_unit_min$OFFSET = 0xA8;
    public static final long stx_atomic_write_unit_max$OFFSET = 0xAC;
    public static final long stx_atomic_write_segments_max$OFFSET = 0xB0;

    /** Ask for (and, in stx_mask, the kernel filled in) the atomic write limits: Linux 6.11. */
    public static final int STATX_WRITE_ATOMIC = 0x0001_0000;
    /** stx_attributes: the file takes RWF_ATOMIC writes within the limits. */
    public static final long STATX_ATTR_WRITE_ATOMIC = 0x0040_0000L;
    /** statx of the file descriptor itself (an empty path). */
    public static final int AT_EMPTY_PATH = 0x1000;
    /**
     * pwritev2 / io_uring rw_flags: write all of it or none of it, also across a power loss (Linux 6.11). The length
     * must be a power of two within the file's unit min and max, the offset a multiple of it, the file opened
     * O_DIRECT, the source one user buffer (not a registered one).
     */
    public static final int RWF_ATOMIC = 0x40;

    private Statx()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static int stx_mask(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, stx_mask$OFFSET);
    }

    public static long stx_attributes(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, stx_attributes$OFFSET);
    }

    public static int stx_atomic_write_unit_min(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, stx_atomic_write_unit_min$OFFSET);
    }

    public static int stx_atomic_write_unit_max(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, stx_atomic_write_unit_max$OFFSET);
    }

    public static int stx_atomic_write_segments_max(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, stx_atomic_write_segments_max$OFFSET);
    }
}
