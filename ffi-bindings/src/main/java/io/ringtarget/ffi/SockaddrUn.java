package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct sockaddr_un} from {@code <sys/un.h>}: a Unix domain socket address. A {@code sun_path} that starts
 * with a NUL byte names a socket in the abstract namespace (unix(7)): no file, per network namespace, gone when
 * the last descriptor of the socket closes.
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class SockaddrUn
{
    /** Bytes of {@code sun_path}. */
    public static final int SUN_PATH_LENGTH = 108;

    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_SHORT.withName("sun_family"),
        MemoryLayout.sequenceLayout(SUN_PATH_LENGTH, ValueLayout.JAVA_BYTE).withName("sun_path")
    ).withName("sockaddr_un");

    public static final long SIZEOF = 110;

    public static final long sun_family$OFFSET = 0;
    public static final long sun_path$OFFSET = 2;

    private SockaddrUn()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static short sun_family(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, sun_family$OFFSET);
    }

    public static void sun_family(final MemorySegment s, final short v)
    {
        s.set(ValueLayout.JAVA_SHORT, sun_family$OFFSET, v);
    }

    /** The {@code sun_path} bytes as a slice of {@code s}. */
    public static MemorySegment sun_path(final MemorySegment s)
    {
        return s.asSlice(sun_path$OFFSET, SUN_PATH_LENGTH);
    }
}
