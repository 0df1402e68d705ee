package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct sockaddr_storage} from {@code <sys/socket.h>}: room for any socket address, for getsockname and
 * getpeername when the family is not known beforehand ({@code ss_family} tells it).
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class SockaddrStorage
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_SHORT.withName("ss_family"),
        MemoryLayout.paddingLayout(6),
        MemoryLayout.sequenceLayout(15, ValueLayout.JAVA_LONG).withName("__ss_align")
    ).withName("sockaddr_storage");

    public static final long SIZEOF = 128;

    public static final long ss_family$OFFSET = 0;

    private SockaddrStorage()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    public static short ss_family(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_SHORT, ss_family$OFFSET);
    }
}
