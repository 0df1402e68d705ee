package io.ringtarget.ffi;

/**
 * Constants of librbd ({@code <rbd/librbd.h>}, {@code <rbd/features.h>}) and librados ({@code <rados/librados.h>})
 * from Debian 12's librbd-dev and librados-dev 16.2.15; every value is compared with the C headers by
 * {@code LayoutCheckTest}.
 */
public final class LibrbdConstants
{
    // enum rbd_image_notification_type (rbd_set_image_notification)
    public static final int EVENT_TYPE_PIPE = 1;
    /** Each completion adds 1 to the eventfd; the completions themselves are taken with rbd_poll_io_events. */
    public static final int EVENT_TYPE_EVENTFD = 2;

    // rbd_lock_mode_t
    public static final int RBD_LOCK_MODE_EXCLUSIVE = 0;
    public static final int RBD_LOCK_MODE_SHARED = 1;

    // <rbd/features.h>
    public static final long RBD_FEATURE_LAYERING = 1L;
    public static final long RBD_FEATURE_STRIPINGV2 = 1L << 1;
    /** One client writes at a time; a takeover breaks (and blocklists) the holder: what fences two gateways. */
    public static final long RBD_FEATURE_EXCLUSIVE_LOCK = 1L << 2;
    public static final long RBD_FEATURE_OBJECT_MAP = 1L << 3;
    public static final long RBD_FEATURE_FAST_DIFF = 1L << 4;
    public static final long RBD_FEATURE_DEEP_FLATTEN = 1L << 5;
    public static final long RBD_FEATURE_JOURNALING = 1L << 6;

    // <rbd/librbd.h>
    public static final int RBD_MAX_IMAGE_NAME_SIZE = 96;
    public static final int RBD_MAX_BLOCK_NAME_SIZE = 24;

    private LibrbdConstants()
    {
    }
}
