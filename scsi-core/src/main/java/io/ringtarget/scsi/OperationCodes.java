package io.ringtarget.scsi;

/**
 * Operation codes and service actions of the commands a {@link LogicalUnit} knows (SPC-4 and SBC-3 command
 * tables). What the logical unit does with each is in {@link OpcodeTable}.
 */
public final class OperationCodes
{
    public static final int TEST_UNIT_READY = 0x00;
    public static final int REQUEST_SENSE = 0x03;
    public static final int FORMAT_UNIT = 0x04;
    public static final int READ_6 = 0x08;
    public static final int WRITE_6 = 0x0A;
    public static final int INQUIRY = 0x12;
    public static final int MODE_SELECT_6 = 0x15;
    public static final int RESERVE_6 = 0x16;
    public static final int RELEASE_6 = 0x17;
    public static final int MODE_SENSE_6 = 0x1A;
    public static final int START_STOP_UNIT = 0x1B;
    public static final int RECEIVE_DIAGNOSTIC_RESULTS = 0x1C;
    public static final int SEND_DIAGNOSTIC = 0x1D;
    public static final int PREVENT_ALLOW_MEDIUM_REMOVAL = 0x1E;
    public static final int READ_CAPACITY_10 = 0x25;
    public static final int READ_10 = 0x28;
    public static final int WRITE_10 = 0x2A;
    public static final int WRITE_AND_VERIFY_10 = 0x2E;
    public static final int VERIFY_10 = 0x2F;
    public static final int PRE_FETCH_10 = 0x34;
    public static final int SYNCHRONIZE_CACHE_10 = 0x35;
    public static final int READ_DEFECT_DATA_10 = 0x37;
    public static final int WRITE_BUFFER = 0x3B;
    public static final int READ_BUFFER_10 = 0x3C;
    public static final int READ_BUFFER_16 = 0x9B;
    public static final int WRITE_SAME_10 = 0x41;
    public static final int UNMAP = 0x42;
    /** SANITIZE (SBC-4, the SANITIZE command; sanitize operations 4.11): its service actions below. */
    public static final int SANITIZE = 0x48;
    public static final int LOG_SELECT = 0x4C;
    public static final int LOG_SENSE = 0x4D;
    public static final int MODE_SELECT_10 = 0x55;
    public static final int RESERVE_10 = 0x56;
    public static final int RELEASE_10 = 0x57;
    public static final int MODE_SENSE_10 = 0x5A;
    public static final int PERSISTENT_RESERVE_IN = 0x5E;
    public static final int PERSISTENT_RESERVE_OUT = 0x5F;
    /** THIRD-PARTY COPY OUT: EXTENDED COPY (LID1) is its service action 00h (SPC-4 6.4). */
    public static final int EXTENDED_COPY = 0x83;
    /** THIRD-PARTY COPY IN: RECEIVE COPY RESULTS (LID1) service actions (SPC-4 6.18). */
    public static final int RECEIVE_COPY_RESULTS = 0x84;
    public static final int READ_16 = 0x88;
    public static final int COMPARE_AND_WRITE = 0x89;
    public static final int WRITE_16 = 0x8A;
    public static final int ORWRITE_16 = 0x8B;
    public static final int WRITE_AND_VERIFY_16 = 0x8E;
    public static final int VERIFY_16 = 0x8F;
    public static final int PRE_FETCH_16 = 0x90;
    public static final int SYNCHRONIZE_CACHE_16 = 0x91;
    public static final int WRITE_SAME_16 = 0x93;
    public static final int WRITE_ATOMIC_16 = 0x9C;
    public static final int SERVICE_ACTION_IN_16 = 0x9E;
    public static final int REPORT_LUNS = 0xA0;
    public static final int MAINTENANCE_IN = 0xA3;
    public static final int MAINTENANCE_OUT = 0xA4;
    public static final int READ_12 = 0xA8;
    public static final int WRITE_12 = 0xAA;
    public static final int WRITE_AND_VERIFY_12 = 0xAE;
    public static final int VERIFY_12 = 0xAF;
    public static final int READ_DEFECT_DATA_12 = 0xB7;

    // SERVICE ACTION IN(16) service actions (SBC-3).
    public static final int SA_EXTENDED_COPY_LID1 = 0x00;
    public static final int SA_COPY_STATUS_LID1 = 0x00;
    public static final int SA_OPERATING_PARAMETERS = 0x03;
    public static final int SA_READ_CAPACITY_16 = 0x10;
    public static final int SA_GET_LBA_STATUS = 0x12;

    // SANITIZE service actions (SBC-4, table "SANITIZE service action codes").
    public static final int SA_OVERWRITE = 0x01;
    public static final int SA_BLOCK_ERASE = 0x02;
    public static final int SA_CRYPTOGRAPHIC_ERASE = 0x03;
    public static final int SA_EXIT_FAILURE_MODE = 0x1F;

    // MAINTENANCE IN service actions (SPC-4).
    public static final int SA_REPORT_TARGET_PORT_GROUPS = 0x0A;
    public static final int SA_REPORT_SUPPORTED_OPERATION_CODES = 0x0C;
    public static final int SA_REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS = 0x0D;

    // MAINTENANCE OUT service actions (SPC-4).
    public static final int SA_SET_TARGET_PORT_GROUPS = 0x0A;

    // PERSISTENT RESERVE IN service actions (SPC-4 6.13).
    public static final int SA_READ_KEYS = 0x00;
    public static final int SA_READ_RESERVATION = 0x01;
    public static final int SA_REPORT_CAPABILITIES = 0x02;
    public static final int SA_READ_FULL_STATUS = 0x03;

    // PERSISTENT RESERVE OUT service actions (SPC-4 6.14).
    public static final int SA_REGISTER = 0x00;
    public static final int SA_RESERVE = 0x01;
    public static final int SA_RELEASE = 0x02;
    public static final int SA_CLEAR = 0x03;
    public static final int SA_PREEMPT = 0x04;
    public static final int SA_PREEMPT_AND_ABORT = 0x05;
    public static final int SA_REGISTER_AND_IGNORE_EXISTING_KEY = 0x06;
    public static final int SA_REGISTER_AND_MOVE = 0x07;

    private OperationCodes()
    {
    }

    /** WRITE(6), (10), (12) or (16): the commands whose data goes to the medium and nowhere else. */
    public static boolean isWrite(final int opcode)
    {
        return opcode == WRITE_10 || opcode == WRITE_16 || opcode == WRITE_6 || opcode == WRITE_12;
    }
}
