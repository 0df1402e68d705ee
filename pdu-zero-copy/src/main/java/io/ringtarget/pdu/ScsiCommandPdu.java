package io.ringtarget.pdu;

/**
 * SCSI Command (RFC 7143 section 11.3).
 * <pre>
 *   0|.|I| 0x01      |F|R|W|. .|ATTR | Reserved                      |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| Logical Unit Number (LUN)                                     |
 *  16| Initiator Task Tag                                            |
 *  20| Expected Data Transfer Length                                 |
 *  24| CmdSN                                                         |
 *  28| ExpStatSN                                                     |
 *  32/ SCSI Command Descriptor Block (CDB), 16 bytes                 /
 *  48| AHS (optional), Header-Digest, DataSegment (immediate data)   |
 * </pre>
 */
public final class ScsiCommandPdu extends PduHeader<ScsiCommandPdu>
{
    public static final int READ_FLAG = 0x40;
    public static final int WRITE_FLAG = 0x20;
    public static final int ATTR_MASK = 0x07;

    /** Task attributes (RFC 7143 11.3.1.2, SAM). */
    public static final int ATTR_UNTAGGED = 0;
    public static final int ATTR_SIMPLE = 1;
    public static final int ATTR_ORDERED = 2;
    public static final int ATTR_HEAD_OF_QUEUE = 3;
    public static final int ATTR_ACA = 4;

    public static final int EXPECTED_DATA_TRANSFER_LENGTH_OFFSET = 20;
    public static final int CMD_SN_OFFSET = 24;
    public static final int EXP_STAT_SN_OFFSET = 28;
    public static final int CDB_OFFSET = 32;
    public static final int CDB_LENGTH = 16;

    /** Zero the BHS and write the opcode. */
    public ScsiCommandPdu reset()
    {
        return reset(Opcode.SCSI_COMMAND);
    }

    public boolean readBit()
    {
        return flag(READ_FLAG);
    }

    public ScsiCommandPdu readBit(final boolean value)
    {
        flag(READ_FLAG, value);
        return this;
    }

    public boolean writeBit()
    {
        return flag(WRITE_FLAG);
    }

    public ScsiCommandPdu writeBit(final boolean value)
    {
        flag(WRITE_FLAG, value);
        return this;
    }

    public int attributes()
    {
        return u8(FLAGS_OFFSET) & ATTR_MASK;
    }

    public ScsiCommandPdu attributes(final int attr)
    {
        bits(FLAGS_OFFSET, ATTR_MASK, 0, attr);
        return this;
    }

    public int expectedDataTransferLength()
    {
        return i32(EXPECTED_DATA_TRANSFER_LENGTH_OFFSET);
    }

    public ScsiCommandPdu expectedDataTransferLength(final int value)
    {
        i32(EXPECTED_DATA_TRANSFER_LENGTH_OFFSET, value);
        return this;
    }

    public int cmdSn()
    {
        return i32(CMD_SN_OFFSET);
    }

    public ScsiCommandPdu cmdSn(final int value)
    {
        i32(CMD_SN_OFFSET, value);
        return this;
    }

    public int expStatSn()
    {
        return i32(EXP_STAT_SN_OFFSET);
    }

    public ScsiCommandPdu expStatSn(final int value)
    {
        i32(EXP_STAT_SN_OFFSET, value);
        return this;
    }

    /** @return the first CDB byte, the SCSI operation code. */
    public int cdbOperationCode()
    {
        return u8(CDB_OFFSET);
    }

    /**
     * @param index 0-15.
     * @return CDB byte at index, unsigned.
     */
    public int cdb(final int index)
    {
        return u8(CDB_OFFSET + index);
    }

    public ScsiCommandPdu cdb(final int index, final int value)
    {
        u8(CDB_OFFSET + index, value);
        return this;
    }

    /** @return absolute offset of the CDB in {@link #segment()}. */
    public long cdbOffset()
    {
        return offset + CDB_OFFSET;
    }
}
