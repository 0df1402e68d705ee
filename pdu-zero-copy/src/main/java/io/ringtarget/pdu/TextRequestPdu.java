package io.ringtarget.pdu;

/**
 * Text Request (RFC 7143 section 11.10).
 * <pre>
 *   0|.|I| 0x04      |F|C| Reserved                                  |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| LUN or Reserved                                               |
 *  16| Initiator Task Tag                                            |
 *  20| Target Transfer Tag or 0xffffffff                             |
 *  24| CmdSN                                                         |
 *  28| ExpStatSN                                                     |
 *  32| Reserved                                                      |
 *  48| Header-Digest, DataSegment (text)                             |
 * </pre>
 */
public final class TextRequestPdu extends PduHeader<TextRequestPdu>
{
    public static final int CONTINUE_FLAG = 0x40;

    public static final int TARGET_TRANSFER_TAG_OFFSET = 20;
    public static final int CMD_SN_OFFSET = 24;
    public static final int EXP_STAT_SN_OFFSET = 28;

    /** Zero the BHS and write the opcode. */
    public TextRequestPdu reset()
    {
        reset(Opcode.TEXT_REQUEST);
        return this;
    }

    public int targetTransferTag()
    {
        return i32(TARGET_TRANSFER_TAG_OFFSET);
    }

    public TextRequestPdu targetTransferTag(final int value)
    {
        i32(TARGET_TRANSFER_TAG_OFFSET, value);
        return this;
    }

    public int cmdSn()
    {
        return i32(CMD_SN_OFFSET);
    }

    public TextRequestPdu cmdSn(final int value)
    {
        i32(CMD_SN_OFFSET, value);
        return this;
    }

    public int expStatSn()
    {
        return i32(EXP_STAT_SN_OFFSET);
    }

    public TextRequestPdu expStatSn(final int value)
    {
        i32(EXP_STAT_SN_OFFSET, value);
        return this;
    }

    /** The C bit: the text is continued in the next PDU (RFC 7143 11.10.2). */
    public boolean continueBit()
    {
        return flag(CONTINUE_FLAG);
    }

    public TextRequestPdu continueBit(final boolean value)
    {
        flag(CONTINUE_FLAG, value);
        return this;
    }
}
