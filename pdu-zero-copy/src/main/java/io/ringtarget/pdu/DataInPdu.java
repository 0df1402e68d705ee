package io.ringtarget.pdu;

/**
 * SCSI Data-In (RFC 7143 section 11.7.1).
 * <pre>
 *   0|.|.| 0x25      |F|A|0 0 0|O|U|S| Reserved      |Status or Rsvd |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| LUN or Reserved                                               |
 *  16| Initiator Task Tag                                            |
 *  20| Target Transfer Tag or 0xffffffff                             |
 *  24| StatSN or Reserved                                            |
 *  28| ExpCmdSN                                                      |
 *  32| MaxCmdSN                                                      |
 *  36| DataSN                                                        |
 *  40| Buffer Offset                                                 |
 *  44| Residual Count                                                |
 *  48| Header-Digest, DataSegment                                    |
 * </pre>
 * Status, StatSN and the O/U bits are valid only with the S bit (RFC 7143 11.7.3, 11.7.4).
 */
public final class DataInPdu extends PduHeader<DataInPdu>
{


    public static final int ACKNOWLEDGE_FLAG = 0x40;
    public static final int RESIDUAL_OVERFLOW_FLAG = 0x04;
    public static final int RESIDUAL_UNDERFLOW_FLAG = 0x02;
    public static final int STATUS_BIT_FLAG = 0x01;
    public static final int STATUS_OFFSET = 3;
    public static final int TARGET_TRANSFER_TAG_OFFSET = 20;
    public static final int STAT_SN_OFFSET = 24;
    public static final int EXP_CMD_SN_OFFSET = 28;
    public static final int MAX_CMD_SN_OFFSET = 32;
    public static final int DATA_SN_OFFSET = 36;
    public static final int BUFFER_OFFSET_OFFSET = 40;
    public static final int RESIDUAL_COUNT_OFFSET = 44;

    /** Zero the BHS and write the opcode. */
    public DataInPdu reset()
    {
        reset(Opcode.SCSI_DATA_IN);
        return this;
    }

    /** The A bit: the target asks for a DataACK SNACK (ErrorRecoveryLevel > 0, RFC 7143 11.7.2). */
    public boolean acknowledge()
    {
        return flag(ACKNOWLEDGE_FLAG);
    }

    public DataInPdu acknowledge(final boolean value)
    {
        flag(ACKNOWLEDGE_FLAG, value);
        return this;
    }

    public boolean residualOverflow()
    {
        return flag(RESIDUAL_OVERFLOW_FLAG);
    }

    public DataInPdu residualOverflow(final boolean value)
    {
        flag(RESIDUAL_OVERFLOW_FLAG, value);
        return this;
    }

    public boolean residualUnderflow()
    {
        return flag(RESIDUAL_UNDERFLOW_FLAG);
    }

    public DataInPdu residualUnderflow(final boolean value)
    {
        flag(RESIDUAL_UNDERFLOW_FLAG, value);
        return this;
    }

    /** The S bit: this PDU carries the command status (phase-collapse, RFC 7143 11.7.3). */
    public boolean statusBit()
    {
        return flag(STATUS_BIT_FLAG);
    }

    public DataInPdu statusBit(final boolean value)
    {
        flag(STATUS_BIT_FLAG, value);
        return this;
    }

    public int status()
    {
        return u8(STATUS_OFFSET);
    }

    public DataInPdu status(final int value)
    {
        u8(STATUS_OFFSET, value);
        return this;
    }

    public int targetTransferTag()
    {
        return i32(TARGET_TRANSFER_TAG_OFFSET);
    }

    public DataInPdu targetTransferTag(final int value)
    {
        i32(TARGET_TRANSFER_TAG_OFFSET, value);
        return this;
    }

    public int statSn()
    {
        return i32(STAT_SN_OFFSET);
    }

    public DataInPdu statSn(final int value)
    {
        i32(STAT_SN_OFFSET, value);
        return this;
    }

    public int expCmdSn()
    {
        return i32(EXP_CMD_SN_OFFSET);
    }

    public DataInPdu expCmdSn(final int value)
    {
        i32(EXP_CMD_SN_OFFSET, value);
        return this;
    }

    public int maxCmdSn()
    {
        return i32(MAX_CMD_SN_OFFSET);
    }

    public DataInPdu maxCmdSn(final int value)
    {
        i32(MAX_CMD_SN_OFFSET, value);
        return this;
    }

    public int dataSn()
    {
        return i32(DATA_SN_OFFSET);
    }

    public DataInPdu dataSn(final int value)
    {
        i32(DATA_SN_OFFSET, value);
        return this;
    }

    public int bufferOffset()
    {
        return i32(BUFFER_OFFSET_OFFSET);
    }

    public DataInPdu bufferOffset(final int value)
    {
        i32(BUFFER_OFFSET_OFFSET, value);
        return this;
    }

    public int residualCount()
    {
        return i32(RESIDUAL_COUNT_OFFSET);
    }

    public DataInPdu residualCount(final int value)
    {
        i32(RESIDUAL_COUNT_OFFSET, value);
        return this;
    }
}
