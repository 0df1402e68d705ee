package io.ringtarget.pdu;

/**
 * NOP-In (RFC 7143 section 11.19).
 * <pre>
 *   0|.|.| 0x20      |1| Reserved                                    |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| LUN or Reserved                                               |
 *  16| Initiator Task Tag or 0xffffffff                              |
 *  20| Target Transfer Tag or 0xffffffff                             |
 *  24| StatSN                                                        |
 *  28| ExpCmdSN                                                      |
 *  32| MaxCmdSN                                                      |
 *  36| Reserved                                                      |
 *  48| Header-Digest, DataSegment (return ping data)                 |
 * </pre>
 */
public final class NopInPdu extends PduHeader<NopInPdu>
{


    public static final int TARGET_TRANSFER_TAG_OFFSET = 20;
    public static final int STAT_SN_OFFSET = 24;
    public static final int EXP_CMD_SN_OFFSET = 28;
    public static final int MAX_CMD_SN_OFFSET = 32;

    /** Zero the BHS and write the opcode and the bits the RFC fixes. */
    public NopInPdu reset()
    {
        reset(Opcode.NOP_IN);
        u8(FLAGS_OFFSET, FINAL_FLAG);
        return this;
    }

    public int targetTransferTag()
    {
        return i32(TARGET_TRANSFER_TAG_OFFSET);
    }

    public NopInPdu targetTransferTag(final int value)
    {
        i32(TARGET_TRANSFER_TAG_OFFSET, value);
        return this;
    }

    public int statSn()
    {
        return i32(STAT_SN_OFFSET);
    }

    public NopInPdu statSn(final int value)
    {
        i32(STAT_SN_OFFSET, value);
        return this;
    }

    public int expCmdSn()
    {
        return i32(EXP_CMD_SN_OFFSET);
    }

    public NopInPdu expCmdSn(final int value)
    {
        i32(EXP_CMD_SN_OFFSET, value);
        return this;
    }

    public int maxCmdSn()
    {
        return i32(MAX_CMD_SN_OFFSET);
    }

    public NopInPdu maxCmdSn(final int value)
    {
        i32(MAX_CMD_SN_OFFSET, value);
        return this;
    }
}
