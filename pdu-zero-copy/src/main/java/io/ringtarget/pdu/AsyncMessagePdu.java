package io.ringtarget.pdu;

/**
 * Asynchronous Message (RFC 7143 section 11.9). The Initiator Task Tag is 0xffffffff.
 * <pre>
 *   0|.|.| 0x32      |1| Reserved                                    |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| LUN or Reserved                                               |
 *  16| 0xffffffff                                                    |
 *  20| Reserved                                                      |
 *  24| StatSN                                                        |
 *  28| ExpCmdSN                                                      |
 *  32| MaxCmdSN                                                      |
 *  36| AsyncEvent    | AsyncVCode    | Parameter1 or Reserved        |
 *  40| Parameter2 or Reserved        | Parameter3 or Reserved        |
 *  44| Reserved                                                      |
 *  48| Header-Digest, DataSegment (sense data and iSCSI event data)  |
 * </pre>
 */
public final class AsyncMessagePdu extends PduHeader<AsyncMessagePdu>
{
    /** AsyncEvent codes (RFC 7143 11.9.1). */
    public static final int SCSI_ASYNC_EVENT = 0;
    public static final int LOGOUT_REQUEST = 1;
    public static final int CONNECTION_DROP = 2;
    public static final int SESSION_DROP = 3;
    public static final int NEGOTIATION_REQUEST = 4;
    public static final int TASK_TERMINATION = 5;
    public static final int VENDOR_SPECIFIC = 255;

    public static final int STAT_SN_OFFSET = 24;
    public static final int EXP_CMD_SN_OFFSET = 28;
    public static final int MAX_CMD_SN_OFFSET = 32;
    public static final int ASYNC_EVENT_OFFSET = 36;
    public static final int ASYNC_VCODE_OFFSET = 37;
    public static final int PARAMETER1_OFFSET = 38;
    public static final int PARAMETER2_OFFSET = 40;
    public static final int PARAMETER3_OFFSET = 42;

    /** Zero the BHS and write the opcode and the bits the RFC fixes. */
    public AsyncMessagePdu reset()
    {
        reset(Opcode.ASYNC_MESSAGE);
        u8(FLAGS_OFFSET, FINAL_FLAG);
        return this;
    }

    public int statSn()
    {
        return i32(STAT_SN_OFFSET);
    }

    public AsyncMessagePdu statSn(final int value)
    {
        i32(STAT_SN_OFFSET, value);
        return this;
    }

    public int expCmdSn()
    {
        return i32(EXP_CMD_SN_OFFSET);
    }

    public AsyncMessagePdu expCmdSn(final int value)
    {
        i32(EXP_CMD_SN_OFFSET, value);
        return this;
    }

    public int maxCmdSn()
    {
        return i32(MAX_CMD_SN_OFFSET);
    }

    public AsyncMessagePdu maxCmdSn(final int value)
    {
        i32(MAX_CMD_SN_OFFSET, value);
        return this;
    }

    public int asyncEvent()
    {
        return u8(ASYNC_EVENT_OFFSET);
    }

    public AsyncMessagePdu asyncEvent(final int value)
    {
        u8(ASYNC_EVENT_OFFSET, value);
        return this;
    }

    public int asyncVcode()
    {
        return u8(ASYNC_VCODE_OFFSET);
    }

    public AsyncMessagePdu asyncVcode(final int value)
    {
        u8(ASYNC_VCODE_OFFSET, value);
        return this;
    }

    public int parameter1()
    {
        return u16(PARAMETER1_OFFSET);
    }

    public AsyncMessagePdu parameter1(final int value)
    {
        u16(PARAMETER1_OFFSET, value);
        return this;
    }

    public int parameter2()
    {
        return u16(PARAMETER2_OFFSET);
    }

    public AsyncMessagePdu parameter2(final int value)
    {
        u16(PARAMETER2_OFFSET, value);
        return this;
    }

    public int parameter3()
    {
        return u16(PARAMETER3_OFFSET);
    }

    public AsyncMessagePdu parameter3(final int value)
    {
        u16(PARAMETER3_OFFSET, value);
        return this;
    }

    /** Zero the BHS, write the opcode, the fixed bit and the reserved Initiator Task Tag 0xffffffff. */
    public AsyncMessagePdu resetWithReservedTag()
    {
        return reset().initiatorTaskTag(RESERVED_TAG);
    }
}
