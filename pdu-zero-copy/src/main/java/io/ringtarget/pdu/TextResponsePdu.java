package io.ringtarget.pdu;

/**
 * Text Response (RFC 7143 section 11.11).
 * <pre>
 *   0|.|.| 0x24      |F|C| Reserved                                  |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| LUN or Reserved                                               |
 *  16| Initiator Task Tag                                            |
 *  20| Target Transfer Tag or 0xffffffff                             |
 *  24| StatSN                                                        |
 *  28| ExpCmdSN                                                      |
 *  32| MaxCmdSN                                                      |
 *  36| Reserved                                                      |
 *  48| Header-Digest, DataSegment (text)                             |
 * </pre>
 */
public final class TextResponsePdu extends PduHeader<TextResponsePdu>
{
    public static final int CONTINUE_FLAG = 0x40;

    public static final int TARGET_TRANSFER_TAG_OFFSET = 20;
    public static final int STAT_SN_OFFSET = 24;
    public static final int EXP_CMD_SN_OFFSET = 28;
    public static final int MAX_CMD_SN_OFFSET = 32;

    /** Zero the BHS and write the opcode. */
    public TextResponsePdu reset()
    {
        reset(Opcode.TEXT_RESPONSE);
        return this;
    }

    public int targetTransferTag()
    {
        return i32(TARGET_TRANSFER_TAG_OFFSET);
    }

    public TextResponsePdu targetTransferTag(final int value)
    {
        i32(TARGET_TRANSFER_TAG_OFFSET, value);
        return this;
    }

    public int statSn()
    {
        return i32(STAT_SN_OFFSET);
    }

    public TextResponsePdu statSn(final int value)
    {
        i32(STAT_SN_OFFSET, value);
        return this;
    }

    public int expCmdSn()
    {
        return i32(EXP_CMD_SN_OFFSET);
    }

    public TextResponsePdu expCmdSn(final int value)
    {
        i32(EXP_CMD_SN_OFFSET, value);
        return this;
    }

    public int maxCmdSn()
    {
        return i32(MAX_CMD_SN_OFFSET);
    }

    public TextResponsePdu maxCmdSn(final int value)
    {
        i32(MAX_CMD_SN_OFFSET, value);
        return this;
    }

    /** The C bit: the text is continued in the next PDU (RFC 7143 11.10.2). */
    public boolean continueBit()
    {
        return flag(CONTINUE_FLAG);
    }

    public TextResponsePdu continueBit(final boolean value)
    {
        flag(CONTINUE_FLAG, value);
        return this;
    }
}
