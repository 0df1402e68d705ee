package io.ringtarget.pdu;

/**
 * Task Management Function Request (RFC 7143 section 11.5).
 * <pre>
 *   0|.|I| 0x02      |1| Function    | Reserved                      |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| Logical Unit Number (LUN) or Reserved                         |
 *  16| Initiator Task Tag                                            |
 *  20| Referenced Task Tag or 0xffffffff                             |
 *  24| CmdSN                                                         |
 *  28| ExpStatSN                                                     |
 *  32| RefCmdSN or Reserved                                          |
 *  36| ExpDataSN or Reserved                                         |
 *  40| Reserved                                                      |
 *  48| Header-Digest                                                 |
 * </pre>
 */
public final class TaskManagementRequestPdu extends PduHeader<TaskManagementRequestPdu>
{
    public static final int FUNCTION_MASK = 0x7f;

    /** Function codes (RFC 7143 11.5.1). */
    public static final int ABORT_TASK = 1;
    public static final int ABORT_TASK_SET = 2;
    public static final int CLEAR_ACA = 3;
    public static final int CLEAR_TASK_SET = 4;
    public static final int LOGICAL_UNIT_RESET = 5;
    public static final int TARGET_WARM_RESET = 6;
    public static final int TARGET_COLD_RESET = 7;
    public static final int TASK_REASSIGN = 8;

    public static final int REFERENCED_TASK_TAG_OFFSET = 20;
    public static final int CMD_SN_OFFSET = 24;
    public static final int EXP_STAT_SN_OFFSET = 28;
    public static final int REF_CMD_SN_OFFSET = 32;
    public static final int EXP_DATA_SN_OFFSET = 36;

    /** Zero the BHS and write the opcode and the bits the RFC fixes. */
    public TaskManagementRequestPdu reset()
    {
        reset(Opcode.TASK_MANAGEMENT_REQUEST);
        u8(FLAGS_OFFSET, FINAL_FLAG);
        return this;
    }

    public int referencedTaskTag()
    {
        return i32(REFERENCED_TASK_TAG_OFFSET);
    }

    public TaskManagementRequestPdu referencedTaskTag(final int value)
    {
        i32(REFERENCED_TASK_TAG_OFFSET, value);
        return this;
    }

    public int cmdSn()
    {
        return i32(CMD_SN_OFFSET);
    }

    public TaskManagementRequestPdu cmdSn(final int value)
    {
        i32(CMD_SN_OFFSET, value);
        return this;
    }

    public int expStatSn()
    {
        return i32(EXP_STAT_SN_OFFSET);
    }

    public TaskManagementRequestPdu expStatSn(final int value)
    {
        i32(EXP_STAT_SN_OFFSET, value);
        return this;
    }

    public int refCmdSn()
    {
        return i32(REF_CMD_SN_OFFSET);
    }

    public TaskManagementRequestPdu refCmdSn(final int value)
    {
        i32(REF_CMD_SN_OFFSET, value);
        return this;
    }

    public int expDataSn()
    {
        return i32(EXP_DATA_SN_OFFSET);
    }

    public TaskManagementRequestPdu expDataSn(final int value)
    {
        i32(EXP_DATA_SN_OFFSET, value);
        return this;
    }

    /** @return the Function field, the low 7 bits of byte 1. */
    public int function()
    {
        return u8(FLAGS_OFFSET) & FUNCTION_MASK;
    }

    public TaskManagementRequestPdu function(final int function)
    {
        bits(FLAGS_OFFSET, FUNCTION_MASK, 0, function);
        return this;
    }
}
