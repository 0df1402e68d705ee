package io.ringtarget.pdu;

/**
 * Task Management Function Response (RFC 7143 section 11.6).
 * <pre>
 *   0|.|.| 0x22      |1| Reserved    | Response      | Reserved      |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| Reserved                                                      |
 *  16| Initiator Task Tag                                            |
 *  20| Reserved                                                      |
 *  24| StatSN                                                        |
 *  28| ExpCmdSN                                                      |
 *  32| MaxCmdSN                                                      |
 *  36| Reserved                                                      |
 *  48| Header-Digest                                                 |
 * </pre>
 */
public final class TaskManagementResponsePdu extends PduHeader<TaskManagementResponsePdu>
{
    /** Response codes (RFC 7143 11.6.1). */
    public static final int FUNCTION_COMPLETE = 0;
    public static final int TASK_DOES_NOT_EXIST = 1;
    public static final int LUN_DOES_NOT_EXIST = 2;
    public static final int TASK_STILL_ALLEGIANT = 3;
    public static final int TASK_ALLEGIANCE_REASSIGNMENT_NOT_SUPPORTED = 4;
    public static final int TASK_MANAGEMENT_FUNCTION_NOT_SUPPORTED = 5;
    public static final int FUNCTION_AUTHORIZATION_FAILED = 6;
    public static final int FUNCTION_REJECTED = 255;

    public static final int RESPONSE_OFFSET = 2;
    public static final int STAT_SN_OFFSET = 24;
    public static final int EXP_CMD_SN_OFFSET = 28;
    public static final int MAX_CMD_SN_OFFSET = 32;

    /** Zero the BHS and write the opcode and the bits the RFC fixes. */
    public TaskManagementResponsePdu reset()
    {
        reset(Opcode.TASK_MANAGEMENT_RESPONSE);
        u8(FLAGS_OFFSET, FINAL_FLAG);
        return this;
    }

    public int response()
    {
        return u8(RESPONSE_OFFSET);
    }

    public TaskManagementResponsePdu response(final int value)
    {
        u8(RESPONSE_OFFSET, value);
        return this;
    }

    public int statSn()
    {
        return i32(STAT_SN_OFFSET);
    }

    public TaskManagementResponsePdu statSn(final int value)
    {
        i32(STAT_SN_OFFSET, value);
        return this;
    }

    public int expCmdSn()
    {
        return i32(EXP_CMD_SN_OFFSET);
    }

    public TaskManagementResponsePdu expCmdSn(final int value)
    {
        i32(EXP_CMD_SN_OFFSET, value);
        return this;
    }

    public int maxCmdSn()
    {
        return i32(MAX_CMD_SN_OFFSET);
    }

    public TaskManagementResponsePdu maxCmdSn(final int value)
    {
        i32(MAX_CMD_SN_OFFSET, value);
        return this;
    }
}
