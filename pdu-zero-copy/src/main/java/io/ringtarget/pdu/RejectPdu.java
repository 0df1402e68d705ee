package io.ringtarget.pdu;

/**
 * Reject (RFC 7143 section 11.17). The data segment carries the complete BHS of the rejected PDU; the Initiator
 * Task Tag is 0xffffffff.
 * <pre>
 *   0|.|.| 0x3f      |1| Reserved    | Reason        | Reserved      |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| Reserved                                                      |
 *  16| 0xffffffff                                                    |
 *  20| Reserved                                                      |
 *  24| StatSN                                                        |
 *  28| ExpCmdSN                                                      |
 *  32| MaxCmdSN                                                      |
 *  36| DataSN/R2TSN or Reserved                                      |
 *  40| Reserved                                                      |
 *  48| Header-Digest, DataSegment (complete header of bad PDU)       |
 * </pre>
 */
public final class RejectPdu extends PduHeader<RejectPdu>
{
    /** Reason codes (RFC 7143 11.17.1). */
    public static final int DATA_DIGEST_ERROR = 0x02;
    public static final int SNACK_REJECT = 0x03;
    public static final int PROTOCOL_ERROR = 0x04;
    public static final int COMMAND_NOT_SUPPORTED = 0x05;
    public static final int IMMEDIATE_COMMAND_REJECT = 0x06;
    public static final int TASK_IN_PROGRESS = 0x07;
    public static final int INVALID_DATA_ACK = 0x08;
    public static final int INVALID_PDU_FIELD = 0x09;
    public static final int LONG_OPERATION_REJECT = 0x0a;
    public static final int DEPRECATED_NEGOTIATION_RESET = 0x0b;
    public static final int WAITING_FOR_LOGOUT = 0x0c;

    public static final int REASON_OFFSET = 2;
    public static final int STAT_SN_OFFSET = 24;
    public static final int EXP_CMD_SN_OFFSET = 28;
    public static final int MAX_CMD_SN_OFFSET = 32;
    public static final int DATA_SN_OFFSET = 36;

    /** Zero the BHS and write the opcode and the bits the RFC fixes. */
    public RejectPdu reset()
    {
        reset(Opcode.REJECT);
        u8(FLAGS_OFFSET, FINAL_FLAG);
        return this;
    }

    public int reason()
    {
        return u8(REASON_OFFSET);
    }

    public RejectPdu reason(final int value)
    {
        u8(REASON_OFFSET, value);
        return this;
    }

    public int statSn()
    {
        return i32(STAT_SN_OFFSET);
    }

    public RejectPdu statSn(final int value)
    {
        i32(STAT_SN_OFFSET, value);
        return this;
    }

    public int expCmdSn()
    {
        return i32(EXP_CMD_SN_OFFSET);
    }

    public RejectPdu expCmdSn(final int value)
    {
        i32(EXP_CMD_SN_OFFSET, value);
        return this;
    }

    public int maxCmdSn()
    {
        return i32(MAX_CMD_SN_OFFSET);
    }

    public RejectPdu maxCmdSn(final int value)
    {
        i32(MAX_CMD_SN_OFFSET, value);
        return this;
    }

    /** DataSN or R2TSN (same field, RFC 7143 11.17.3). */
    public int dataSn()
    {
        return i32(DATA_SN_OFFSET);
    }

    public RejectPdu dataSn(final int value)
    {
        i32(DATA_SN_OFFSET, value);
        return this;
    }

    /** Same field as {@link #dataSn()}, for rejected R2T-driven Data-Out. */
    public int r2tSn()
    {
        return dataSn();
    }

    public RejectPdu r2tSn(final int value)
    {
        return dataSn(value);
    }

    /** Zero the BHS, write the opcode, the fixed bit, the reserved tag and DataSegmentLength 48 for the BHS. */
    public RejectPdu resetForRejectedHeader()
    {
        return reset().initiatorTaskTag(RESERVED_TAG).dataSegmentLength(LENGTH);
    }
}
