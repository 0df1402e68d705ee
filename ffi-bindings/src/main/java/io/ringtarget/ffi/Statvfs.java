package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct statvfs} from {@code <sys/statvfs.h>}: struct statvfs of x86_64 glibc; only the fields ringtarget
 * reads are named (a file system's free space, for the Logical Block Provisioning log page of a fileio LUN).
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class Statvfs
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_LONG.withName("f_bsize"),
        ValueLayout.JAVA_LONG.withName("f_frsize"),
        ValueLayout.JAVA_LONG.withName("f_blocks"),
        ValueLayout.JAVA_LONG.withName("f_bfree"),
        ValueLayout.JAVA_LONG.withName("f_bavail"),
        MemoryLayout.paddingLayout(72)
    ).withName("statvfs");

    public static final long SIZEOF = 112;

    public static final long f_bsize$OFFSET = 0;
    public static final long f_frsize$OFFSET = 8;
    public static final long f_blocks$OFFSET = 16;
    public static final long f_bfree$OFFSET = 24;
    public static final long f_bavail$OFFSET = 32;

    private Statvfs()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    /** The unit of the block counts. */
    public static long f_frsize(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, f_frsize$OFFSET);
    }

    public static long f_blocks(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, f_blocks$OFFSET);
    }

    /** Free blocks an unprivileged writer may use (root's reserve excluded). */
    public static long f_bavail(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, f_bavail$OFFSET);
    }
}
