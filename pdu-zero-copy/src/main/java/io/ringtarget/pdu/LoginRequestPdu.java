package io.ringtarget.pdu;

/**
 * Login Request (RFC 7143 section 11.12). The I bit is always 1.
 * <pre>
 *   0|.|1| 0x03      |T|C|.|.|CSG|NSG| Version-max   | Version-min   |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| ISID                                                          |
 *  12|                               | TSIH                          |
 *  16| Initiator Task Tag                                            |
 *  20| CID                           | Reserved                      |
 *  24| CmdSN                                                         |
 *  28| ExpStatSN or Reserved                                         |
 *  32| Reserved                                                      |
 *  48| DataSegment - Login Parameters in Text Request Format         |
 * </pre>
 */
public final class LoginRequestPdu extends PduHeader<LoginRequestPdu>
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

    public static final int VERSION_MAX_OFFSET = 2;
    public static final int VERSION_MIN_OFFSET = 3;
    public static final int ISID_OFFSET = 8;
    public static final int TSIH_OFFSET = 14;
    public static final int CID_OFFSET = 20;
    public static final int CMD_SN_OFFSET = 24;
    public static final int EXP_STAT_SN_OFFSET = 28;

    /** Zero the BHS and write the opcode and the bits the RFC fixes. */
    public LoginRequestPdu reset()
    {
        reset(Opcode.LOGIN_REQUEST);
        immediate(true);
        return this;
    }

    public int versionMax()
    {
        return u8(VERSION_MAX_OFFSET);
    }

    public LoginRequestPdu versionMax(final int value)
    {
        u8(VERSION_MAX_OFFSET, value);
        return this;
    }

    public int versionMin()
    {
        return u8(VERSION_MIN_OFFSET);
    }

    public LoginRequestPdu versionMin(final int value)
    {
        u8(VERSION_MIN_OFFSET, value);
        return this;
    }

    /** ISID, 6 bytes as an unsigned 48-bit number (RFC 7143 11.12.5). */
    public long isid()
    {
        return u48(ISID_OFFSET);
    }

    public LoginRequestPdu isid(final long value)
    {
        u48(ISID_OFFSET, value);
        return this;
    }

    public int tsih()
    {
        return u16(TSIH_OFFSET);
    }

    public LoginRequestPdu tsih(final int value)
    {
        u16(TSIH_OFFSET, value);
        return this;
    }

    public int cid()
    {
        return u16(CID_OFFSET);
    }

    public LoginRequestPdu cid(final int value)
    {
        u16(CID_OFFSET, value);
        return this;
    }

    public int cmdSn()
    {
        return i32(CMD_SN_OFFSET);
    }

    public LoginRequestPdu cmdSn(final int value)
    {
        i32(CMD_SN_OFFSET, value);
        return this;
    }

    public int expStatSn()
    {
        return i32(EXP_STAT_SN_OFFSET);
    }

    public LoginRequestPdu expStatSn(final int value)
    {
        i32(EXP_STAT_SN_OFFSET, value);
        return this;
    }

    /** The T bit: the initiator/target is ready to transit to NSG (RFC 7143 11.12.2). */
    public boolean transit()
    {
        return flag(TRANSIT_FLAG);
    }

    public LoginRequestPdu transit(final boolean value)
    {
        flag(TRANSIT_FLAG, value);
        return this;
    }

    /** The C bit: the text is continued in the next PDU (RFC 7143 11.12.3). */
    public boolean continueBit()
    {
        return flag(CONTINUE_FLAG);
    }

    public LoginRequestPdu continueBit(final boolean value)
    {
        flag(CONTINUE_FLAG, value);
        return this;
    }

    /** @return CSG, the current stage (RFC 7143 11.12.3): SECURITY_NEGOTIATION, LOGIN_OPERATIONAL_NEGOTIATION. */
    public int currentStage()
    {
        return bits(FLAGS_OFFSET, CSG_MASK, 2);
    }

    public LoginRequestPdu currentStage(final int stage)
    {
        bits(FLAGS_OFFSET, CSG_MASK, 2, stage);
        return this;
    }

    /** @return NSG, the next stage; valid only with T set (RFC 7143 11.12.3). */
    public int nextStage()
    {
        return bits(FLAGS_OFFSET, NSG_MASK, 0);
    }

    public LoginRequestPdu nextStage(final int stage)
    {
        bits(FLAGS_OFFSET, NSG_MASK, 0, stage);
        return this;
    }

    /** Same as {@link #currentStage()}, by the RFC's abbreviation. */
    public int csg()
    {
        return currentStage();
    }

    public LoginRequestPdu csg(final int stage)
    {
        return currentStage(stage);
    }

    /** Same as {@link #nextStage()}, by the RFC's abbreviation. */
    public int nsg()
    {
        return nextStage();
    }

    public LoginRequestPdu nsg(final int stage)
    {
        return nextStage(stage);
    }
}
