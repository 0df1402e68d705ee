package io.ringtarget.pdu;

/**
 * Ready To Transfer (RFC 7143 section 11.8).
 * <pre>
 *   0|.|.| 0x31      |1| Reserved                                    |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| LUN                                                           |
 *  16| Initiator Task Tag                                            |
 *  20| Target Transfer Tag                                           |
 *  24| StatSN                                                        |
 *  28| ExpCmdSN                                                      |
 *  32| MaxCmdSN                                                      |
 *  36| R2TSN                                                         |
 *  40| Buffer Offset                                                 |
 *  44| Desired Data Transfer Length                                  |
 *  48| Header-Digest                                                 |
 * </pre>
 */
public final class R2tPdu extends PduHeader<R2tPdu>
{


    public static final int TARGET_TRANSFER_TAG_OFFSET = 20;
    public static final int STAT_SN_OFFSET = 24;
    public static final int EXP_CMD_SN_OFFSET = 28;
    public static final int MAX_CMD_SN_OFFSET = 32;
    public static final int R2T_SN_OFFSET = 36;
    public static final int BUFFER_OFFSET_OFFSET = 40;
    public static final int DESIRED_DATA_TRANSFER_LENGTH_OFFSET = 44;

    /** Zero the BHS and write the opcode and the bits the RFC fixes. */
    public R2tPdu reset()
    {
        reset(Opcode.R2T);
        u8(FLAGS_OFFSET, FINAL_FLAG);
        return this;
    }

    public int targetTransferTag()
    {
        return i32(TARGET_TRANSFER_TAG_OFFSET);
    }

    public R2tPdu targetTransferTag(final int value)
    {
        i32(TARGET_TRANSFER_TAG_OFFSET, value);
        return this;
    }

    public int statSn()
    {
        return i32(STAT_SN_OFFSET);
    }

    public R2tPdu statSn(final int value)
    {
        i32(STAT_SN_OFFSET, value);
        return this;
    }

    public int expCmdSn()
    {
        return i32(EXP_CMD_SN_OFFSET);
    }

    public R2tPdu expCmdSn(final int value)
    {
        i32(EXP_CMD_SN_OFFSET, value);
        return this;
    }

    public int maxCmdSn()
    {
        return i32(MAX_CMD_SN_OFFSET);
    }

    public R2tPdu maxCmdSn(final int value)
    {
        i32(MAX_CMD_SN_OFFSET, value);
        return this;
    }

    public int r2tSn()
    {
        return i32(R2T_SN_OFFSET);
    }

    public R2tPdu r2tSn(final int value)
    {
        i32(R2T_SN_OFFSET, value);
        return this;
    }

    public int bufferOffset()
    {
        return i32(BUFFER_OFFSET_OFFSET);
    }

    public R2tPdu bufferOffset(final int value)
    {
        i32(BUFFER_OFFSET_OFFSET, value);
        return this;
    }

    public int desiredDataTransferLength()
    {
        return i32(DESIRED_DATA_TRANSFER_LENGTH_OFFSET);
    }

    public R2tPdu desiredDataTransferLength(final int value)
    {
        i32(DESIRED_DATA_TRANSFER_LENGTH_OFFSET, value);
        return this;
    }
}
