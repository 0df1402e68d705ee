package io.ringtarget.pdu;

/**
 * Login Response (RFC 7143 section 11.13).
 * <pre>
 *   0|.|.| 0x23      |T|C|.|.|CSG|NSG| Version-max   | Version-active|
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| ISID                                                          |
 *  12|                               | TSIH                          |
 *  16| Initiator Task Tag                                            |
 *  20| Reserved                                                      |
 *  24| StatSN                                                        |
 *  28| ExpCmdSN                                                      |
 *  32| MaxCmdSN                                                      |
 *  36| Status-Class  | Status-Detail | Reserved                      |
 *  40| Reserved                                                      |
 *  48| DataSegment - Login Parameters in Text Request Format         |
 * </pre>
 */
public final class LoginResponsePdu extends PduHeader<LoginResponsePdu>
{
    public static final int TRANSIT_FLAG = 0x80;
    public static final int CONTINUE_FLAG = 0x40;
    public static final int CSG_MASK = 0x0c;
    public static final int NSG_MASK = 0x03;

    /** Stage codes for CSG and NSG (RFC 7143 11.12.3). */
    public static final int SECURITY_NEGOTIATION = 0;
    public static final int LOGIN_OPERATIONAL_NEGOTIATION = 1;
    public static final int FULL_FEATURE_PHASE = 3;

    /** The only iSCSI version defined (RFC 7143 11.12.4). */
    public static final int VERSION = 0;

    /** Status-Class values (RFC 7143 11.13.5). */
    public static final int CLASS_SUCCESS = 0;
    public static final int CLASS_REDIRECTION = 1;
    public static final int CLASS_INITIATOR_ERROR = 2;
    public static final int CLASS_TARGET_ERROR = 3;

    /** Status (Status-Class &lt;&lt; 8 | Status-Detail) values (RFC 7143 11.13.5). */
    public static final int SUCCESS = 0x0000;
    public static final int TARGET_MOVED_TEMPORARILY = 0x0101;
    public static final int TARGET_MOVED_PERMANENTLY = 0x0102;
    public static final int INITIATOR_ERROR = 0x0200;
    public static final int AUTHENTICATION_FAILURE = 0x0201;
    public static final int AUTHORIZATION_FAILURE = 0x0202;
    public static final int NOT_FOUND = 0x0203;
    public static final int TARGET_REMOVED = 0x0204;
    public static final int UNSUPPORTED_VERSION = 0x0205;
    public static final int TOO_MANY_CONNECTIONS = 0x0206;
    public static final int MISSING_PARAMETER = 0x0207;
    public static final int CANT_INCLUDE_IN_SESSION = 0x0208;
    public static final int SESSION_TYPE_NOT_SUPPORTED = 0x0209;
    public static final int SESSION_DOES_NOT_EXIST = 0x020a;
    public static final int INVALID_DURING_LOGIN = 0x020b;
    public static final int TARGET_ERROR = 0x0300;
    public static final int SERVICE_UNAVAILABLE = 0x0301;
    public static final int OUT_OF_RESOURCES = 0x0302;

    public static final int VERSION_MAX_OFFSET = 2;
    public static final int VERSION_ACTIVE_OFFSET = 3;
    public static final int ISID_OFFSET = 8;
    public static final int TSIH_OFFSET = 14;
    public static final int STAT_SN_OFFSET = 24;
    public static final int EXP_CMD_SN_OFFSET = 28;
    public static final int MAX_CMD_SN_OFFSET = 32;
    public static final int STATUS_CLASS_OFFSET = 36;
    public static final int STATUS_DETAIL_OFFSET = 37;

    /** Zero the BHS and write the opcode. */
    public LoginResponsePdu reset()
    {
        reset(Opcode.LOGIN_RESPONSE);
        return this;
    }

    public int versionMax()
    {
        return u8(VERSION_MAX_OFFSET);
    }

    public LoginResponsePdu versionMax(final int value)
    {
        u8(VERSION_MAX_OFFSET, value);
        return this;
    }

    public int versionActive()
    {
        return u8(VERSION_ACTIVE_OFFSET);
    }

    public LoginResponsePdu versionActive(final int value)
    {
        u8(VERSION_ACTIVE_OFFSET, value);
        return this;
    }

    /** ISID, 6 bytes as an unsigned 48-bit number (RFC 7143 11.12.5). */
    public long isid()
    {
        return u48(ISID_OFFSET);
    }

    public LoginResponsePdu isid(final long value)
    {
        u48(ISID_OFFSET, value);
        return this;
    }

    public int tsih()
    {
        return u16(TSIH_OFFSET);
    }

    public LoginResponsePdu tsih(final int value)
    {
        u16(TSIH_OFFSET, value);
        return this;
    }

    public int statSn()
    {
        return i32(STAT_SN_OFFSET);
    }

    public LoginResponsePdu statSn(final int value)
    {
        i32(STAT_SN_OFFSET, value);
        return this;
    }

    public int expCmdSn()
    {
        return i32(EXP_CMD_SN_OFFSET);
    }

    public LoginResponsePdu expCmdSn(final int value)
    {
        i32(EXP_CMD_SN_OFFSET, value);
        return this;
    }

    public int maxCmdSn()
    {
        return i32(MAX_CMD_SN_OFFSET);
    }

    public LoginResponsePdu maxCmdSn(final int value)
    {
        i32(MAX_CMD_SN_OFFSET, value);
        return this;
    }

    public int statusClass()
    {
        return u8(STATUS_CLASS_OFFSET);
    }

    public LoginResponsePdu statusClass(final int value)
    {
        u8(STATUS_CLASS_OFFSET, value);
        return this;
    }

    public int statusDetail()
    {
        return u8(STATUS_DETAIL_OFFSET);
    }

    public LoginResponsePdu statusDetail(final int value)
    {
        u8(STATUS_DETAIL_OFFSET, value);
        return this;
    }

    /** The T bit: the initiator/target is ready to transit to NSG (RFC 7143 11.12.2). */
    public boolean transit()
    {
        return flag(TRANSIT_FLAG);
    }

    public LoginResponsePdu transit(final boolean value)
    {
        flag(TRANSIT_FLAG, value);
        return this;
    }

    /** The C bit: the text is continued in the next PDU (RFC 7143 11.12.3). */
    public boolean continueBit()
    {
        return flag(CONTINUE_FLAG);
    }

    public LoginResponsePdu continueBit(final boolean value)
    {
        flag(CONTINUE_FLAG, value);
        return this;
    }

    /** @return CSG, the current stage (RFC 7143 11.12.3): SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION. */
    public int currentStage()
    {
        return bits(FLAGS_OFFSET, CSG_MASK, 2);
    }

    public LoginResponsePdu currentStage(final int stage)
    {
        bits(FLAGS_OFFSET, CSG_MASK, 2, stage);
        return this;
    }

    /** @return NSG, the next stage; valid only with T set (RFC 7143 11.12.3). */
    public int nextStage()
    {
        return bits(FLAGS_OFFSET, NSG_MASK, 0);
    }

    public LoginResponsePdu nextStage(final int stage)
    {
        bits(FLAGS_OFFSET, NSG_MASK, 0, stage);
        return this;
    }

    /** Same as {@link #currentStage()}, by the RFC's abbreviation. */
    public int csg()
    {
        return currentStage();
    }

    public LoginResponsePdu csg(final int stage)
    {
        return currentStage(stage);
    }

    /** Same as {@link #nextStage()}, by the RFC's abbreviation. */
    public int nsg()
    {
        return nextStage();
    }

    public LoginResponsePdu nsg(final int stage)
    {
        return nextStage(stage);
    }

    /** @return Status-Class &lt;&lt; 8 | Status-Detail, comparable with the status constants. */
    public int status()
    {
        return u16(STATUS_CLASS_OFFSET);
    }

    /**
     * Write Status-Class and Status-Detail at once.
     *
     * @param status one of the status constants, e.g. {@link #AUTHENTICATION_FAILURE}.
     * @return this.
     */
    public LoginResponsePdu status(final int status)
    {
        u16(STATUS_CLASS_OFFSET, status);
        return this;
    }
}
