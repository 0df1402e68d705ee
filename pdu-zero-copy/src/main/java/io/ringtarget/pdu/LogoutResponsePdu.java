package io.ringtarget.pdu;

/**
 * Logout Response (RFC 7143 section 11.15).
 * <pre>
 *   0|.|.| 0x26      |1| Reserved    | Response      | Reserved      |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| Reserved                                                      |
 *  16| Initiator Task Tag                                            |
 *  20| Reserved                                                      |
 *  24| StatSN                                                        |
 *  28| ExpCmdSN                                                      |
 *  32| MaxCmdSN                                                      |
 *  36| Reserved                                                      |
 *  40| Time2Wait                     | Time2Retain                   |
 *  44| Reserved                                                      |
 *  48| Header-Digest                                                 |
 * </pre>
 */
public final class LogoutResponsePdu extends PduHeader<LogoutResponsePdu>
{
    /** Response codes (RFC 7143 11.15.1). */
    public static final int CONNECTION_OR_SESSION_CLOSED_SUCCESSFULLY = 0;
    public static final int CID_NOT_FOUND = 1;
    public static final int CONNECTION_RECOVERY_NOT_SUPPORTED = 2;
    public static final int CLEANUP_FAILED = 3;

    public static final int RESPONSE_OFFSET = 2;
    public static final int STAT_SN_OFFSET = 24;
    public static final int EXP_CMD_SN_OFFSET = 28;
    public static final int MAX_CMD_SN_OFFSET = 32;
    public static final int TIME2_WAIT_OFFSET = 40;
    public static final int TIME2_RETAIN_OFFSET = 42;

    /** Zero the BHS and write the opcode and the bits the RFC fixes. */
    public LogoutResponsePdu reset()
    {
        reset(Opcode.LOGOUT_RESPONSE);
        u8(FLAGS_OFFSET, FINAL_FLAG);
        return this;
    }

    public int response()
    {
        return u8(RESPONSE_OFFSET);
    }

    public LogoutResponsePdu response(final int value)
    {
        u8(RESPONSE_OFFSET, value);
        return this;
    }

    public int statSn()
    {
        return i32(STAT_SN_OFFSET);
    }

    public LogoutResponsePdu statSn(final int value)
    {
        i32(STAT_SN_OFFSET, value);
        return this;
    }

    public int expCmdSn()
    {
        return i32(EXP_CMD_SN_OFFSET);
    }

    public LogoutResponsePdu expCmdSn(final int value)
    {
        i32(EXP_CMD_SN_OFFSET, value);
        return this;
    }

    public int maxCmdSn()
    {
        return i32(MAX_CMD_SN_OFFSET);
    }

    public LogoutResponsePdu maxCmdSn(final int value)
    {
        i32(MAX_CMD_SN_OFFSET, value);
        return this;
    }

    public int time2Wait()
    {
        return u16(TIME2_WAIT_OFFSET);
    }

    public LogoutResponsePdu time2Wait(final int value)
    {
        u16(TIME2_WAIT_OFFSET, value);
        return this;
    }

    public int time2Retain()
    {
        return u16(TIME2_RETAIN_OFFSET);
    }

    public LogoutResponsePdu time2Retain(final int value)
    {
        u16(TIME2_RETAIN_OFFSET, value);
        return this;
    }
}
