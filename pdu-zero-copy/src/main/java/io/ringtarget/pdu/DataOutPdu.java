package io.ringtarget.pdu;

/**
 * SCSI Data-Out (RFC 7143 section 11.7.1).
 * <pre>
 *   0|.|.| 0x05      |F| Reserved                                    |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| LUN or Reserved                                               |
 *  16| Initiator Task Tag                                            |
 *  20| Target Transfer Tag or 0xffffffff                             |
 *  24| Reserved                                                      |
 *  28| ExpStatSN                                                     |
 *  32| Reserved                                                      |
 *  36| DataSN                                                        |
 *  40| Buffer Offset                                                 |
 *  44| Reserved                                                      |
 *  48| Header-Digest, DataSegment                                    |
 * </pre>
 */
public final class DataOutPdu extends PduHeader<DataOutPdu>
{


    public static final int TARGET_TRANSFER_TAG_OFFSET = 20;
    public static final int EXP_STAT_SN_OFFSET = 28;
    public static final int DATA_SN_OFFSET = 36;
    public static final int BUFFER_OFFSET_OFFSET = 40;

    /** Zero the BHS and write the opcode. */
    public DataOutPdu reset()
    {
        reset(Opcode.SCSI_DATA_OUT);
        return this;
    }

    public int targetTransferTag()
    {
        return i32(TARGET_TRANSFER_TAG_OFFSET);
    }

    public DataOutPdu targetTransferTag(final int value)
    {
        i32(TARGET_TRANSFER_TAG_OFFSET, value);
        return this;
    }

    public int expStatSn()
    {
        return i32(EXP_STAT_SN_OFFSET);
    }

    public DataOutPdu expStatSn(final int value)
    {
        i32(EXP_STAT_SN_OFFSET, value);
        return this;
    }

    public int dataSn()
    {
        return i32(DATA_SN_OFFSET);
    }

    public DataOutPdu dataSn(final int value)
    {
        i32(DATA_SN_OFFSET, value);
        return this;
    }

    public int bufferOffset()
    {
        return i32(BUFFER_OFFSET_OFFSET);
    }

    public DataOutPdu bufferOffset(final int value)
    {
        i32(BUFFER_OFFSET_OFFSET, value);
        return this;
    }
}
