package io.ringtarget.pdu;

/**
 * SCSI Response (RFC 7143 section 11.4).
 * <pre>
 *   0|.|.| 0x21      |1|. .|o|u|O|U|.| Response      | Status        |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| Reserved                                                      |
 *  16| Initiator Task Tag                                            |
 *  20| SNACK Tag                                                     |
 *  24| StatSN                                                        |
 *  28| ExpCmdSN                                                      |
 *  32| MaxCmdSN                                                      |
 *  36| ExpDataSN                                                     |
 *  40| Bidirectional Read Residual Count                             |
 *  44| Residual Count                                                |
 *  48| Header-Digest, Data Segment (sense data)                      |
 * </pre>
 */
public final class ScsiResponsePdu extends PduHeader<ScsiResponsePdu>
{
    public static final int BIDI_READ_RESIDUAL_OVERFLOW_FLAG = 0x10;
    public static final int BIDI_READ_RESIDUAL_UNDERFLOW_FLAG = 0x08;
    public static final int RESIDUAL_OVERFLOW_FLAG = 0x04;
    public static final int RESIDUAL_UNDERFLOW_FLAG = 0x02;

    /** iSCSI Response codes (RFC 7143 11.4.3). */
    public static final int RESPONSE_COMMAND_COMPLETED_AT_TARGET = 0x00;
    public static final int RESPONSE_TARGET_FAILURE = 0x01;

    /** SCSI status codes (SAM) most used here. */
    public static final int STATUS_GOOD = 0x00;
    public static final int STATUS_CHECK_CONDITION = 0x02;
    public static final int STATUS_BUSY = 0x08;
    public static final int STATUS_RESERVATION_CONFLICT = 0x18;
    public static final int STATUS_TASK_SET_FULL = 0x28;
    public static final int STATUS_TASK_ABORTED = 0x40;

    public static final int RESPONSE_OFFSET = 2;
    public static final int STATUS_OFFSET = 3;
    public static final int SNACK_TAG_OFFSET = 20;
    public static final int STAT_SN_OFFSET = 24;
    public static final int EXP_CMD_SN_OFFSET = 28;
    public static final int MAX_CMD_SN_OFFSET = 32;
    public static final int EXP_DATA_SN_OFFSET = 36;
    public static final int BIDIRECTIONAL_READ_RESIDUAL_COUNT_OFFSET = 40;
    public static final int RESIDUAL_COUNT_OFFSET = 44;

    /** Zero the BHS, write the opcode and the always-1 bit of byte 1. */
    public ScsiResponsePdu reset()
    {
        reset(Opcode.SCSI_RESPONSE);
        u8(FLAGS_OFFSET, FINAL_FLAG);
        return this;
    }

    public boolean bidiReadResidualOverflow()
    {
        return flag(BIDI_READ_RESIDUAL_OVERFLOW_FLAG);
    }

    public ScsiResponsePdu bidiReadResidualOverflow(final boolean value)
    {
        flag(BIDI_READ_RESIDUAL_OVERFLOW_FLAG, value);
        return this;
    }

    public boolean bidiReadResidualUnderflow()
    {
        return flag(BIDI_READ_RESIDUAL_UNDERFLOW_FLAG);
    }

    public ScsiResponsePdu bidiReadResidualUnderflow(final boolean value)
    {
        flag(BIDI_READ_RESIDUAL_UNDERFLOW_FLAG, value);
        return this;
    }

    public boolean residualOverflow()
    {
        return flag(RESIDUAL_OVERFLOW_FLAG);
    }

    public ScsiResponsePdu residualOverflow(final boolean value)
    {
        flag(RESIDUAL_OVERFLOW_FLAG, value);
        return this;
    }

    public boolean residualUnderflow()
    {
        return flag(RESIDUAL_UNDERFLOW_FLAG);
    }

    public ScsiResponsePdu residualUnderflow(final boolean value)
    {
        flag(RESIDUAL_UNDERFLOW_FLAG, value);
        return this;
    }

    public int response()
    {
        return u8(RESPONSE_OFFSET);
    }

    public ScsiResponsePdu response(final int value)
    {
        u8(RESPONSE_OFFSET, value);
        return this;
    }

    public int status()
    {
        return u8(STATUS_OFFSET);
    }

    public ScsiResponsePdu status(final int value)
    {
        u8(STATUS_OFFSET, value);
        return this;
    }

    public int snackTag()
    {
        return i32(SNACK_TAG_OFFSET);
    }

    public ScsiResponsePdu snackTag(final int value)
    {
        i32(SNACK_TAG_OFFSET, value);
        return this;
    }

    public int statSn()
    {
        return i32(STAT_SN_OFFSET);
    }

    public ScsiResponsePdu statSn(final int value)
    {
        i32(STAT_SN_OFFSET, value);
        return this;
    }

    public int expCmdSn()
    {
        return i32(EXP_CMD_SN_OFFSET);
    }

    public ScsiResponsePdu expCmdSn(final int value)
    {
        i32(EXP_CMD_SN_OFFSET, value);
        return this;
    }

    public int maxCmdSn()
    {
        return i32(MAX_CMD_SN_OFFSET);
    }

    public ScsiResponsePdu maxCmdSn(final int value)
    {
        i32(MAX_CMD_SN_OFFSET, value);
        return this;
    }

    public int expDataSn()
    {
        return i32(EXP_DATA_SN_OFFSET);
    }

    public ScsiResponsePdu expDataSn(final int value)
    {
        i32(EXP_DATA_SN_OFFSET, value);
        return this;
    }

    public int bidirectionalReadResidualCount()
    {
        return i32(BIDIRECTIONAL_READ_RESIDUAL_COUNT_OFFSET);
    }

    public ScsiResponsePdu bidirectionalReadResidualCount(final int value)
    {
        i32(BIDIRECTIONAL_READ_RESIDUAL_COUNT_OFFSET, value);
        return this;
    }

    public int residualCount()
    {
        return i32(RESIDUAL_COUNT_OFFSET);
    }

    public ScsiResponsePdu residualCount(final int value)
    {
        i32(RESIDUAL_COUNT_OFFSET, value);
        return this;
    }
}
