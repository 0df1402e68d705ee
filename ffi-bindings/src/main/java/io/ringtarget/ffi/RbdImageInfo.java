package io.ringtarget.ffi;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code rbd_image_info_t} from {@code <rbd/librbd.h>} (what rbd_stat fills in); the deprecated name fields are
 * padding here.
 * <p>
 * Written in the shape jextract generates (see {@code ffi-bindings/jextract/regenerate.sh}); sizes and offsets
 * are checked against the C headers by {@code LayoutCheckTest}.
 */
public final class RbdImageInfo
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        ValueLayout.JAVA_LONG.withName("size"),
        ValueLayout.JAVA_LONG.withName("obj_size"),
        ValueLayout.JAVA_LONG.withName("num_objs"),
        ValueLayout.JAVA_INT.withName("order"),
        MemoryLayout.sequenceLayout(LibrbdConstants.RBD_MAX_BLOCK_NAME_SIZE, ValueLayout.JAVA_BYTE)
            .withName("block_name_prefix"),
        MemoryLayout.paddingLayout(4),
        ValueLayout.JAVA_LONG.withName("parent_pool"),
        MemoryLayout.sequenceLayout(LibrbdConstants.RBD_MAX_IMAGE_NAME_SIZE, ValueLayout.JAVA_BYTE)
            .withName("parent_name")
    ).withName("rbd_image_info_t");

    public static final long SIZEOF = 160;

    public static final long size$OFFSET = 0;
    public static final long obj_size$OFFSET = 8;
    public static final long num_objs$OFFSET = 16;
    public static final long order$OFFSET = 24;
    public static final long block_name_prefix$OFFSET = 28;
    public static final long parent_pool$OFFSET = 56;
    public static final long parent_name$OFFSET = 64;

    private RbdImageInfo()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    /** The image's size in bytes. */
    public static long size(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, size$OFFSET);
    }

    /** The size of one RADOS object of the image (1 << order, 4 MiB by default). */
    public static long obj_size(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, obj_size$OFFSET);
    }

    public static long num_objs(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_LONG, num_objs$OFFSET);
    }

    public static int order(final MemorySegment s)
    {
        return s.get(ValueLayout.JAVA_INT, order$OFFSET);
    }
}
