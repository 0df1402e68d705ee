package io.ringtarget.scsi;

/**
 * Additional sense code and qualifier pairs (SPC-4 4.5.6, table "ASC and ASCQ assignments"), each packed as
 * {@code (asc << 8) | ascq} so one int carries both.
 */
public final class Asc
{
    public static final int NO_ADDITIONAL_SENSE = 0x0000;
    /** LOGICAL UNIT NOT ACCESSIBLE, ASYMMETRIC ACCESS STATE TRANSITION (SPC-4 5.15.2.4.6). */
    public static final int ASYMMETRIC_ACCESS_STATE_TRANSITION = 0x040A;
    /** LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN STANDBY STATE (SPC-4 5.15.2.4.4). */
    public static final int TARGET_PORT_IN_STANDBY_STATE = 0x040B;
    /** LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN UNAVAILABLE STATE (SPC-4 5.15.2.4.5). */
    public static final int TARGET_PORT_IN_UNAVAILABLE_STATE = 0x040C;
    /** LOGICAL UNIT NOT READY, SANITIZE IN PROGRESS (SBC-4 4.11.2). */
    public static final int SANITIZE_IN_PROGRESS = 0x041B;
    public static final int SELF_TEST_IN_PROGRESS = 0x0409;
    public static final int WRITE_ERROR = 0x0C00;
    public static final int UNRECOVERED_READ_ERROR = 0x1100;
    public static final int PARAMETER_LIST_LENGTH_ERROR = 0x1A00;
    public static final int MISCOMPARE_DURING_VERIFY = 0x1D00;
    public static final int INVALID_COMMAND_OPERATION_CODE = 0x2000;
    public static final int LBA_OUT_OF_RANGE = 0x2100;
    public static final int INVALID_FIELD_IN_CDB = 0x2400;
    public static final int LOGICAL_UNIT_NOT_SUPPORTED = 0x2500;
    public static final int INVALID_FIELD_IN_PARAMETER_LIST = 0x2600;
    /** INVALID RELEASE OF PERSISTENT RESERVATION (SPC-4 5.12.11.2.2). */
    public static final int INVALID_RELEASE_OF_PERSISTENT_RESERVATION = 0x2604;
    public static final int WRITE_PROTECTED = 0x2700;
    public static final int SPACE_ALLOCATION_FAILED_WRITE_PROTECT = 0x2707;
    /** SBC-4 4.7.3.8.3: a soft threshold of a thin logical unit's provisioning was crossed. */
    public static final int THIN_PROVISIONING_SOFT_THRESHOLD_REACHED = 0x3807;
    public static final int POWER_ON_RESET = 0x2900;
    public static final int MODE_PARAMETERS_CHANGED = 0x2A01;
    public static final int LOG_PARAMETERS_CHANGED = 0x2A02;
    /** An informational exception (SPC-4 7.5.11): the device predicts its own failure. */
    public static final int FAILURE_PREDICTION_THRESHOLD_EXCEEDED = 0x5D00;
    public static final int RESERVATIONS_PREEMPTED = 0x2A03;
    public static final int RESERVATIONS_RELEASED = 0x2A04;
    public static final int REGISTRATIONS_PREEMPTED = 0x2A05;
    public static final int ASYMMETRIC_ACCESS_STATE_CHANGED = 0x2A06;
    public static final int CAPACITY_DATA_HAS_CHANGED = 0x2A09;
    public static final int COMMAND_SEQUENCE_ERROR = 0x2C00;
    public static final int COMMANDS_CLEARED_BY_ANOTHER_INITIATOR = 0x2F00;
    public static final int SAVING_PARAMETERS_NOT_SUPPORTED = 0x3900;
    public static final int REPORTED_LUNS_DATA_HAS_CHANGED = 0x3F0E;
    public static final int MEDIUM_NOT_PRESENT = 0x3A00;
    public static final int ECHO_BUFFER_OVERWRITTEN = 0x3F0F;
    public static final int INTERNAL_TARGET_FAILURE = 0x4400;
    /** SET TARGET PORT GROUPS COMMAND FAILED (SPC-4 6.45: a group unable to make the transition). */
    public static final int SET_TARGET_PORT_GROUPS_COMMAND_FAILED = 0x670A;
    public static final int LOGICAL_UNIT_FAILED_SELF_TEST = 0x3E03;
    /** MEDIUM FORMAT CORRUPTED, SANITIZE COMMAND FAILED (SBC-4 4.11.3). */
    public static final int SANITIZE_COMMAND_FAILED = 0x3103;
    /** LOGICAL UNIT NOT READY, FORMAT IN PROGRESS (SBC-4 5.3). */
    public static final int FORMAT_IN_PROGRESS = 0x0404;
    /** MEDIUM FORMAT CORRUPTED: a format operation failed (SBC-4 5.3.1). */
    public static final int MEDIUM_FORMAT_CORRUPTED = 0x3100;
    public static final int FORMAT_COMMAND_FAILED = 0x3101;
    public static final int INSUFFICIENT_REGISTRATION_RESOURCES = 0x5504;
    public static final int INVALID_FIELD_IN_INFORMATION_UNIT = 0x0E03;
    public static final int LOGICAL_UNIT_COMMUNICATION_FAILURE = 0x0800;

    private Asc()
    {
    }

    public static int asc(final int ascAscq)
    {
        return (ascAscq >>> 8) & 0xFF;
    }

    public static int ascq(final int ascAscq)
    {
        return ascAscq & 0xFF;
    }
}
