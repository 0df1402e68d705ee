package io.ringtarget.iscsi.stats;

import io.ringtarget.pdu.RejectPdu;
import io.ringtarget.pdu.TaskManagementResponsePdu;

/**
 * Label values of the protocol counters: Reject reasons (RFC 7143 11.17.1) and task management functions and
 * responses (11.5.1, 11.6.1), each as a small index so that a loop counts them in a fixed array.
 */
public final class ProtocolLabels
{
    /** Reject reason codes 0..15 by index; codes not defined by RFC 7143 count as "other". */
    public static final int REJECT_REASONS = 16;
    /** Task management functions 1..8 by index; 0 = any other code. */
    public static final int TMF_FUNCTIONS = 9;
    /** Task management responses 0..6 by index, 7 = Function rejected (255) or any other code. */
    public static final int TMF_RESPONSES = 8;

    private static final String[] REJECT = new String[REJECT_REASONS];
    private static final boolean[] REJECT_DEFINED = new boolean[REJECT_REASONS];
    private static final String[] FUNCTIONS = {
        "other", "abort_task", "abort_task_set", "clear_aca", "clear_task_set", "logical_unit_reset",
        "target_warm_reset", "target_cold_reset", "task_reassign" };
    private static final String[] RESPONSES = {
        "function_complete", "task_does_not_exist", "lun_does_not_exist", "task_still_allegiant",
        "reassignment_not_supported", "function_not_supported", "authorization_failed", "function_rejected" };

    static
    {
        java.util.Arrays.fill(REJECT, "other");
        REJECT[RejectPdu.DATA_DIGEST_ERROR] = "data_digest_error";
        REJECT[RejectPdu.SNACK_REJECT] = "snack_reject";
        REJECT[RejectPdu.PROTOCOL_ERROR] = "protocol_error";
        REJECT[RejectPdu.COMMAND_NOT_SUPPORTED] = "command_not_supported";
        REJECT[RejectPdu.IMMEDIATE_COMMAND_REJECT] = "immediate_command_reject";
        REJECT[RejectPdu.TASK_IN_PROGRESS] = "task_in_progress";
        REJECT[RejectPdu.INVALID_DATA_ACK] = "invalid_data_ack";
        REJECT[RejectPdu.INVALID_PDU_FIELD] = "invalid_pdu_field";
        REJECT[RejectPdu.LONG_OPERATION_REJECT] = "long_operation_reject";
        REJECT[RejectPdu.DEPRECATED_NEGOTIATION_RESET] = "negotiation_reset";
        REJECT[RejectPdu.WAITING_FOR_LOGOUT] = "waiting_for_logout";
        for (int i = 0; i < REJECT_REASONS; i++)
        {
            REJECT_DEFINED[i] = i == 0 || !"other".equals(REJECT[i]);
        }
    }

    private ProtocolLabels()
    {
    }

    /** The index of a Reject reason code; every undefined code shares index 0 ("other"). */
    public static int rejectIndex(final int reason)
    {
        return reason > 0 && reason < REJECT_REASONS && REJECT_DEFINED[reason] ? reason : 0;
    }

    /** The distinct reject labels and their indexes: every defined reason, and "other" at index 0. */
    public static String rejectLabel(final int index)
    {
        return REJECT[index];
    }

    public static boolean rejectIndexUsed(final int index)
    {
        return REJECT_DEFINED[index];
    }

    public static int functionIndex(final int function)
    {
        return function >= 1 && function < TMF_FUNCTIONS ? function : 0;
    }

    public static String functionLabel(final int index)
    {
        return FUNCTIONS[index];
    }

    public static int responseIndex(final int response)
    {
        return response >= TaskManagementResponsePdu.FUNCTION_COMPLETE &&
            response <= TaskManagementResponsePdu.FUNCTION_AUTHORIZATION_FAILED ? response : TMF_RESPONSES - 1;
    }

    public static String responseLabel(final int index)
    {
        return RESPONSES[index];
    }
}
