package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct stat} from {@code <sys/stat.h>}: struct stat of x86_64 glibc; only the fields ringtarget reads are named.
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class Stat
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_LONG.withName("st_dev"),
        ValueLayout.JAVA_LONG.withName("st_ino"),
        MemoryLayout.paddingLayout(8),
        ValueLayout.JAVA_INT.withName("st_mode"),
        MemoryLayout.paddingLayout(20),
        ValueLayout.JAVA_LONG.withName("st_size"),
        MemoryLayout.paddingLayout(8),
        ValueLayout.JAVA_LONG.withName("st_blocks"),
        MemoryLayout.paddingLayout(72)
    ).withName("stat");

    public static final long SIZEOF = 144;

    public static final long st_dev$OFFSET = 0;
    public static final long st_ino$OFFSET = 8;
    public static final long st_mode$OFFSET = 24;
    public static final long st_size$OFFSET = 48;
    public static final long st_blocks$OFFSET = 64;

    private Stat()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    /** The device of the file system holding the file (with {@link #st_ino}: which file it is). */
    public static long st_dev(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, st_dev$OFFSET);
    }

    public static long st_ino(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, st_ino$OFFSET);
    }

    public static int st_mode(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, st_mode$OFFSET);
    }

    public static void st_mode(final MemorySegment s, final int v)
    {
        s.set(ValueLayout.JAVA_INT, st_mode$OFFSET, v);
    }

    public static long st_size(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, st_size$OFFSET);
    }

    public static void st_size(final MemorySegment s, final long v)
    {
        s.set(ValueLayout.JAVA_LONG, st_size$OFFSET, v);
    }

    /** 512-byte units allocated to the file (what a sparse file really takes). */
    public static long st_blocks(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, st_blocks$OFFSET);
    }

}
