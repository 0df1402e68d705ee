package io.ringtarget.pdu;

/**
 * iSCSI opcodes, the low six bits of BHS byte 0 (RFC 7143 section 11.2.1.2). Initiator opcodes are 0x00-0x1f,
 * target opcodes 0x20-0x3f.
 */
public final class Opcode
{
    /** Mask of the opcode bits in BHS byte 0. */
    public static final int MASK = 0x3f;

    public static final int NOP_OUT = 0x00;
    public static final int SCSI_COMMAND = 0x01;
    public static final int TASK_MANAGEMENT_REQUEST = 0x02;
    public static final int LOGIN_REQUEST = 0x03;
    public static final int TEXT_REQUEST = 0x04;
    public static final int SCSI_DATA_OUT = 0x05;
    public static final int LOGOUT_REQUEST = 0x06;
    public static final int SNACK_REQUEST = 0x10;

    public static final int NOP_IN = 0x20;
    public static final int SCSI_RESPONSE = 0x21;
    public static final int TASK_MANAGEMENT_RESPONSE = 0x22;
    public static final int LOGIN_RESPONSE = 0x23;
    public static final int TEXT_RESPONSE = 0x24;
    public static final int SCSI_DATA_IN = 0x25;
    public static final int LOGOUT_RESPONSE = 0x26;
    public static final int R2T = 0x31;
    public static final int ASYNC_MESSAGE = 0x32;
    public static final int REJECT = 0x3f;

    private Opcode()
    {
    }

    /**
     * Is the opcode one an initiator sends (RFC 7143 11.2.1.2: 0x00-0x1f)?
     *
     * @param opcode the six-bit opcode.
     * @return true for initiator opcodes.
     */
    public static boolean isInitiatorOpcode(final int opcode)
    {
        return (opcode & 0x20) == 0;
    }

    /**
     * The RFC name of an opcode, for logs; "UNKNOWN" for vendor-specific or undefined codes.
     *
     * @param opcode the six-bit opcode.
     * @return a constant string, never null.
     */
    public static String name(final int opcode)
    {
        return switch (opcode)
        {
            case NOP_OUT -> "NOP_OUT";
            case SCSI_COMMAND -> "SCSI_COMMAND";
            case TASK_MANAGEMENT_REQUEST -> "TASK_MANAGEMENT_REQUEST";
            case LOGIN_REQUEST -> "LOGIN_REQUEST";
            case TEXT_REQUEST -> "TEXT_REQUEST";
            case SCSI_DATA_OUT -> "SCSI_DATA_OUT";
            case LOGOUT_REQUEST -> "LOGOUT_REQUEST";
            case SNACK_REQUEST -> "SNACK_REQUEST";
            case NOP_IN -> "NOP_IN";
            case SCSI_RESPONSE -> "SCSI_RESPONSE";
            case TASK_MANAGEMENT_RESPONSE -> "TASK_MANAGEMENT_RESPONSE";
            case LOGIN_RESPONSE -> "LOGIN_RESPONSE";
            case TEXT_RESPONSE -> "TEXT_RESPONSE";
            case SCSI_DATA_IN -> "SCSI_DATA_IN";
            case LOGOUT_RESPONSE -> "LOGOUT_RESPONSE";
            case R2T -> "R2T";
            case ASYNC_MESSAGE -> "ASYNC_MESSAGE";
            case REJECT -> "REJECT";
            default -> "UNKNOWN";
        };
    }
}
