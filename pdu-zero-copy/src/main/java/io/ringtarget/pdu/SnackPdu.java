package io.ringtarget.pdu;

/**
 * SNACK Request (RFC 7143 section 11.16).
 * <pre>
 *   0|.|.| 0x10      |1|.|.|.| Type  | Reserved                      |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| LUN or Reserved                                               |
 *  16| Initiator Task Tag or 0xffffffff                              |
 *  20| Target Transfer Tag or SNACK Tag or 0xffffffff                |
 *  24| Reserved                                                      |
 *  28| ExpStatSN                                                     |
 *  32| Reserved                                                      |
 *  40| BegRun                                                        |
 *  44| RunLength                                                     |
 *  48| Header-Digest                                                 |
 * </pre>
 */
public final class SnackPdu extends PduHeader<SnackPdu>
{
    public static final int TYPE_MASK = 0x0f;

    /** SNACK types (RFC 7143 11.16.1). */
    public static final int TYPE_DATA_R2T = 0;
    public static final int TYPE_STATUS = 1;
    public static final int TYPE_DATA_ACK = 2;
    public static final int TYPE_R_DATA = 3;

    public static final int TARGET_TRANSFER_TAG_OFFSET = 20;
    public static final int EXP_STAT_SN_OFFSET = 28;
    public static final int BEG_RUN_OFFSET = 40;
    public static final int RUN_LENGTH_OFFSET = 44;

    /** Zero the BHS and write the opcode and the bits the RFC fixes. */
    public SnackPdu reset()
    {
        reset(Opcode.SNACK_REQUEST);
        u8(FLAGS_OFFSET, FINAL_FLAG);
        return this;
    }

    /** Target Transfer Tag or SNACK Tag (RFC 7143 11.16.2). */
    public int targetTransferTag()
    {
        return i32(TARGET_TRANSFER_TAG_OFFSET);
    }

    public SnackPdu targetTransferTag(final int value)
    {
        i32(TARGET_TRANSFER_TAG_OFFSET, value);
        return this;
    }

    public int expStatSn()
    {
        return i32(EXP_STAT_SN_OFFSET);
    }

    public SnackPdu expStatSn(final int value)
    {
        i32(EXP_STAT_SN_OFFSET, value);
        return this;
    }

    public int begRun()
    {
        return i32(BEG_RUN_OFFSET);
    }

    public SnackPdu begRun(final int value)
    {
        i32(BEG_RUN_OFFSET, value);
        return this;
    }

    public int runLength()
    {
        return i32(RUN_LENGTH_OFFSET);
    }

    public SnackPdu runLength(final int value)
    {
        i32(RUN_LENGTH_OFFSET, value);
        return this;
    }

    public int type()
    {
        return u8(FLAGS_OFFSET) & TYPE_MASK;
    }

    public SnackPdu type(final int type)
    {
        bits(FLAGS_OFFSET, TYPE_MASK, 0, type);
        return this;
    }

    /** Same field as {@link #targetTransferTag()}, for R-Data SNACKs. */
    public int snackTag()
    {
        return targetTransferTag();
    }

    public SnackPdu snackTag(final int value)
    {
        return targetTransferTag(value);
    }
}
