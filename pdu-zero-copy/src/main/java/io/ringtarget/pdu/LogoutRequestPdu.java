package io.ringtarget.pdu;

/**
 * Logout Request (RFC 7143 section 11.14).
 * <pre>
 *   0|.|I| 0x06      |1| Reason Code | Reserved                      |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| Reserved                                                      |
 *  16| Initiator Task Tag                                            |
 *  20| CID or Reserved               | Reserved                      |
 *  24| CmdSN                                                         |
 *  28| ExpStatSN                                                     |
 *  32| Reserved                                                      |
 *  48| Header-Digest                                                 |
 * </pre>
 */
public final class LogoutRequestPdu extends PduHeader<LogoutRequestPdu>
{
    public static final int REASON_CODE_MASK = 0x7f;

    /** Reason codes (RFC 7143 11.14.1). */
    public static final int CLOSE_SESSION = 0;
    public static final int CLOSE_CONNECTION = 1;
    public static final int REMOVE_CONNECTION_FOR_RECOVERY = 2;

    public static final int CID_OFFSET = 20;
    public static final int CMD_SN_OFFSET = 24;
    public static final int EXP_STAT_SN_OFFSET = 28;

    /** Zero the BHS and write the opcode and the bits the RFC fixes. */
    public LogoutRequestPdu reset()
    {
        reset(Opcode.LOGOUT_REQUEST);
        u8(FLAGS_OFFSET, FINAL_FLAG);
        return this;
    }

    public int cid()
    {
        return u16(CID_OFFSET);
    }

    public LogoutRequestPdu cid(final int value)
    {
        u16(CID_OFFSET, value);
        return this;
    }

    public int cmdSn()
    {
        return i32(CMD_SN_OFFSET);
    }

    public LogoutRequestPdu cmdSn(final int value)
    {
        i32(CMD_SN_OFFSET, value);
        return this;
    }

    public int expStatSn()
    {
        return i32(EXP_STAT_SN_OFFSET);
    }

    public LogoutRequestPdu expStatSn(final int value)
    {
        i32(EXP_STAT_SN_OFFSET, value);
        return this;
    }

    public int reasonCode()
    {
        return u8(FLAGS_OFFSET) & REASON_CODE_MASK;
    }

    public LogoutRequestPdu reasonCode(final int reasonCode)
    {
        bits(FLAGS_OFFSET, REASON_CODE_MASK, 0, reasonCode);
        return this;
    }
}
