package io.ringtarget.ring;

/**
 * Packs an SQE's 64-bit user_data as {@code ownerId:24 | op:8 | tag:32} (high to low), so that a completion finds
 * its owner through an array index and the owner its operation and slot without any lookup structure.
 * Inputs are masked to their widths: an ownerId above {@link #MAX_OWNER_ID} wraps.
 */
public final class UserData
{
    public static final int MAX_OWNER_ID = 0xFF_FFFF;
    public static final int MAX_OP = 0xFF;
    public static final int OWNER_SHIFT = 40;
    public static final int OP_SHIFT = 32;

    private UserData()
    {
    }

    public static long pack(final int ownerId, final int op, final int tag)
    {
        return ((long)(ownerId & MAX_OWNER_ID) << OWNER_SHIFT) | ((long)(op & MAX_OP) << OP_SHIFT) | (tag & 0xFFFF_FFFFL);
    }

    public static int ownerId(final long userData)
    {
        return (int)(userData >>> OWNER_SHIFT);
    }

    public static int op(final long userData)
    {
        return (int)(userData >>> OP_SHIFT) & MAX_OP;
    }

    public static int tag(final long userData)
    {
        return (int)userData;
    }
}
