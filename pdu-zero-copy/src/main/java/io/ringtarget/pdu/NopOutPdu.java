package io.ringtarget.pdu;

/**
 * NOP-Out (RFC 7143 section 11.18).
 * <pre>
 *   0|.|I| 0x00      |1| Reserved                                    |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| LUN or Reserved                                               |
 *  16| Initiator Task Tag                                            |
 *  20| Target Transfer Tag or 0xffffffff                             |
 *  24| CmdSN                                                         |
 *  28| ExpStatSN                                                     |
 *  32| Reserved                                                      |
 *  48| Header-Digest, DataSegment (ping data)                        |
 * </pre>
 */
public final class NopOutPdu extends PduHeader<NopOutPdu>
{


    public static final int TARGET_TRANSFER_TAG_OFFSET = 20;
    public static final int CMD_SN_OFFSET = 24;
    public static final int EXP_STAT_SN_OFFSET = 28;

    /** Zero the BHS and write the opcode and the bits the RFC fixes. */
    public NopOutPdu reset()
    {
        reset(Opcode.NOP_OUT);
        u8(FLAGS_OFFSET, FINAL_FLAG);
        return this;
    }

    public int targetTransferTag()
    {
        return i32(TARGET_TRANSFER_TAG_OFFSET);
    }

    public NopOutPdu targetTransferTag(final int value)
    {
        i32(TARGET_TRANSFER_TAG_OFFSET, value);
        return this;
    }

    public int cmdSn()
    {
        return i32(CMD_SN_OFFSET);
    }

    public NopOutPdu cmdSn(final int value)
    {
        i32(CMD_SN_OFFSET, value);
        return this;
    }

    public int expStatSn()
    {
        return i32(EXP_STAT_SN_OFFSET);
    }

    public NopOutPdu expStatSn(final int value)
    {
        i32(EXP_STAT_SN_OFFSET, value);
        return this;
    }
}
