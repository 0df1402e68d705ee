package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HexFormat;

import static io.ringtarget.scsi.OperationCodes.*;

/**
 * The one table of the commands a {@link LogicalUnit} executes: a row per operation code, and per service action
 * where the operation code has service actions (PERSISTENT RESERVE IN/OUT, SERVICE ACTION IN(16), MAINTENANCE
 * IN/OUT). Each row says
 * <ul>
 *     <li>the CDB length and the CDB usage data REPORT SUPPORTED OPERATION CODES returns (SPC-4 6.35.3: a one bit
 *     where the device server looks at that CDB bit; byte 0 is the opcode, control byte 0x04 because NACA is
 *     checked and refused),</li>
 *     <li>what another I_T nexus's reservation lets it do: under an SPC-2 RESERVE (SPC-2 5.5.1 table 10,
 *     {@link #RESERVE_ALLOWED}) and under a persistent reservation (SPC-4 5.12.1, {@code PR_*} classes),</li>
 *     <li>whether it runs while a unit attention is pending ({@link #UNIT_ATTENTION_EXEMPT}: SAM-5 5.14, SPC-4
 *     5.14) and through a target port group in the ALUA standby, unavailable or transitioning state
 *     ({@link #STANDBY_ALLOWED}, {@link #UNAVAILABLE_ALLOWED}, {@link #TRANSITIONING_ALLOWED}: SPC-4 5.15.2.4.4-6;
 *     the active states allow every command), and while a sanitize operation runs or after one failed
 *     ({@link #SANITIZE_ALLOWED}, {@link #SANITIZE_FAILURE_ALLOWED}: SBC-4 4.11; the first also while a
 *     foreground self-test runs, SPC-4 5.15.3.2),</li>
 *     <li>its handler: a {@link CommandHandlers} id.</li>
 * </ul>
 * Finding a command's row is an array index by opcode and, for opcodes with service actions, a second one by
 * service action. Service actions without a row of their own share their opcode's "other service action" row
 * (not reported), whose handler answers INVALID FIELD IN CDB. Built once; read-only after.
 */
final class OpcodeTable
{
    /** The row of an opcode the logical unit does not know: ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE. */
    static final int NO_ROW = -1;
    static final int NO_SERVICE_ACTION = -1;
    /** The service action of the row shared by the service actions of an opcode that have no row of their own. */
    static final int OTHER_SERVICE_ACTION = -2;

    // Persistent reservation classes: may another nexus run the command under a persistent reservation it
    // neither holds nor, for the registrants-only types, is registered for (SPC-4 5.12.1)?
    /** Allowed under every reservation type. */
    static final int PR_ALLOWED = 0;
    /** Allowed under the Write Exclusive types, conflicts under the Exclusive Access types (reads). */
    static final int PR_WRITE_EXCLUSIVE_ALLOWED = 1;
    /** Conflicts under every reservation type. */
    static final int PR_CONFLICT = 2;

    // Flags.
    /** Another nexus may run it while an SPC-2 RESERVE(6)/(10) reservation is held (SPC-2 5.5.1 table 10). */
    static final int RESERVE_ALLOWED = 0x01;
    /** Not stopped by a pending unit attention. */
    static final int UNIT_ATTENTION_EXEMPT = 0x02;
    /** Allowed through a target port group in the standby asymmetric access state (SPC-4 5.15.2.4.4). */
    static final int STANDBY_ALLOWED = 0x04;
    /** Allowed through a target port group in the unavailable asymmetric access state (SPC-4 5.15.2.4.5). */
    static final int UNAVAILABLE_ALLOWED = 0x08;
    /** Allowed through a target port group in the transitioning asymmetric access state (SPC-4 5.15.2.4.6). */
    static final int TRANSITIONING_ALLOWED = 0x10;
    /** Processed while a sanitize operation runs and in the sanitize failure mode (SBC-4 4.11.2). */
    static final int SANITIZE_ALLOWED = 0x20;
    /** Processed in the sanitize failure mode, not while one runs: SANITIZE itself (SBC-4 4.11.3). */
    static final int SANITIZE_FAILURE_ALLOWED = 0x40;
    /**
     * Processed after a format operation failed (MEDIUM FORMAT CORRUPTED), beside the sanitize failure mode's: FORMAT
     * UNIT itself (SBC-4 5.3.1); SANITIZE is too, since an operation that completes initializes every block.
     */
    static final int FORMAT_FAILURE_ALLOWED = 0x80;

    private static final int SERVICE_ACTIONS = 32;
    private static final int CAPACITY = 96;

    private static final int[] OPCODE = new int[CAPACITY];
    private static final int[] SERVICE_ACTION = new int[CAPACITY];
    private static final int[] CDB_LENGTH = new int[CAPACITY];
    private static final byte[][] USAGE = new byte[CAPACITY][];
    private static final int[] PR_CLASS = new int[CAPACITY];
    private static final int[] FLAGS = new int[CAPACITY];
    private static final int[] HANDLER = new int[CAPACITY];
    /** Row by opcode, for opcodes without service actions. */
    private static final int[] ROW_BY_OPCODE = new int[256];
    /** Row by service action, for the opcodes that have service actions; null for the others. */
    private static final int[][] ROW_BY_SERVICE_ACTION = new int[256][];
    private static int count;

    /** Rows [0, REPORTED_COUNT) are reported by REPORT SUPPORTED OPERATION CODES; the "other service action" rows
     * follow. */
    static final int REPORTED_COUNT;
    static final int COUNT;

    static
    {
        Arrays.fill(ROW_BY_OPCODE, NO_ROW);
        final int none = NO_SERVICE_ACTION;
        final int ua = UNIT_ATTENTION_EXEMPT;
        final int standby = STANDBY_ALLOWED;
        // SPC-4 5.15.2.4.5/6: what unavailable and transitioning still answer (every one of them standby allows).
        final int notAccessible = STANDBY_ALLOWED | UNAVAILABLE_ALLOWED | TRANSITIONING_ALLOWED;
        final int reserve = RESERVE_ALLOWED;
        final int prWe = PR_WRITE_EXCLUSIVE_ALLOWED;
        final int sanitizing = SANITIZE_ALLOWED;

        // Reported rows, in the order REPORT SUPPORTED OPERATION CODES lists them:
        // row(opcode, service action, CDB length, CDB usage data, persistent reservation class, flags, handler).
        row(TEST_UNIT_READY, none, 6, "000000000004", PR_ALLOWED, 0,
            CommandHandlers.TEST_UNIT_READY);
        row(REQUEST_SENSE, none, 6, "03010000ff04", PR_ALLOWED, reserve | ua | notAccessible | sanitizing,
            CommandHandlers.REQUEST_SENSE);
        // FORMAT UNIT: FMTPINFO (refused when set), LONGLIST, FMTDATA; CMPLST and DEFECT LIST FORMAT concern a defect
        // list, which is refused; FFMT in byte 4 (refused when set).
        row(FORMAT_UNIT, none, 6, "04f0000003" + "04", PR_CONFLICT, FORMAT_FAILURE_ALLOWED,
            CommandHandlers.FORMAT_UNIT);
        row(READ_6, none, 6, "081fffffff04", prWe, 0,
            CommandHandlers.READ_6);
        row(WRITE_6, none, 6, "0a1fffffff04", PR_CONFLICT, 0,
            CommandHandlers.WRITE_6);
        row(INQUIRY, none, 6, "1201ffffff04", PR_ALLOWED, reserve | ua | notAccessible | sanitizing,
            CommandHandlers.INQUIRY);
        row(MODE_SELECT_6, none, 6, "15110000ff04", PR_CONFLICT, standby,
            CommandHandlers.MODE_SELECT_6);
        row(RESERVE_6, none, 6, "160000000004", PR_CONFLICT, 0,
            CommandHandlers.RESERVE_6);
        row(RELEASE_6, none, 6, "170000000004", PR_CONFLICT, reserve,
            CommandHandlers.RELEASE_6);
        row(MODE_SENSE_6, none, 6, "1a08ffffff04", prWe, standby,
            CommandHandlers.MODE_SENSE_6);
        row(START_STOP_UNIT, none, 6, "1b01000ff704", PR_CONFLICT, 0,
            CommandHandlers.START_STOP_UNIT);
        // Diagnostics (SPC-4 5.14): RECEIVE DIAGNOSTIC RESULTS reads (as reads do under a persistent reservation),
        // SEND DIAGNOSTIC starts or aborts a self-test (conflicts); both through a standby port (SPC-4 5.15.2.4.4).
        row(RECEIVE_DIAGNOSTIC_RESULTS, none, 6, "1c01ffffff04", prWe, standby,
            CommandHandlers.RECEIVE_DIAGNOSTIC_RESULTS);
        row(SEND_DIAGNOSTIC, none, 6, "1df700ffff04", PR_CONFLICT, standby,
            CommandHandlers.SEND_DIAGNOSTIC);
        row(PREVENT_ALLOW_MEDIUM_REMOVAL, none, 6, "1e0000000304", PR_CONFLICT, 0,
            CommandHandlers.PREVENT_ALLOW_MEDIUM_REMOVAL);
        row(READ_CAPACITY_10, none, 10, "25000000000000000004", PR_ALLOWED, standby,
            CommandHandlers.READ_CAPACITY_10);
        row(READ_10, none, 10, "2818ffffffff1fffff04", prWe, 0,
            CommandHandlers.READ_10);
        row(WRITE_10, none, 10, "2a18ffffffff1fffff04", PR_CONFLICT, 0,
            CommandHandlers.WRITE_10);
        row(WRITE_AND_VERIFY_10, none, 10, "2e16ffffffff1fffff04", PR_CONFLICT, 0,
            CommandHandlers.WRITE_AND_VERIFY_10);
        row(VERIFY_10, none, 10, "2f16ffffffff1fffff04", prWe, 0,
            CommandHandlers.VERIFY_10);
        row(PRE_FETCH_10, none, 10, "3402ffffffff1fffff04", prWe, 0,
            CommandHandlers.PRE_FETCH_10);
        row(SYNCHRONIZE_CACHE_10, none, 10, "3502ffffffff1fffff04", PR_CONFLICT, 0,
            CommandHandlers.SYNCHRONIZE_CACHE_10);
        // Buffer 0 and the echo buffer (ReadWriteBuffer): WRITE BUFFER changes what every nexus reads.
        row(WRITE_BUFFER, none, 10, "3b1fffffffffffffff04", PR_CONFLICT, 0,
            CommandHandlers.WRITE_BUFFER);
        row(READ_BUFFER_10, none, 10, "3c1fffffffffffffff04", prWe, 0,
            CommandHandlers.READ_BUFFER_10);
        row(WRITE_SAME_10, none, 10, "4108ffffffff1fffff04", PR_CONFLICT, 0,
            CommandHandlers.WRITE_SAME_10);
        row(UNMAP, none, 10, "4200000000001fffff04", PR_CONFLICT, 0,
            CommandHandlers.UNMAP);
        // SANITIZE: IMMED and AUSE used beside the service action (ZNR and bytes 2-6 are reserved here: refused when
        // set); BLOCK ERASE reported only by a logical unit whose deallocated blocks read zeros
        // (SupportedOperationCodes).
        final int sanitizeFailure = SANITIZE_FAILURE_ALLOWED;
        row(SANITIZE, SA_OVERWRITE, 10, "48a10000000000ffff04", PR_CONFLICT, sanitizeFailure,
            CommandHandlers.SANITIZE);
        row(SANITIZE, SA_BLOCK_ERASE, 10, "48a20000000000ffff04", PR_CONFLICT, sanitizeFailure,
            CommandHandlers.SANITIZE);
        row(SANITIZE, SA_EXIT_FAILURE_MODE, 10, "489f0000000000ffff04", PR_CONFLICT, sanitizeFailure,
            CommandHandlers.SANITIZE);
        // LOG SELECT changes what every initiator reads (a reset of the counters); LOG SENSE only reads (SPC-4
        // 5.12.1, SPC-2 table 10). Both answer through a standby port (SPC-4 5.15.2.4.4).
        row(LOG_SELECT, none, 10, "4c03ffff000000ffff04", PR_CONFLICT, standby,
            CommandHandlers.LOG_SELECT);
        row(LOG_SENSE, none, 10, "4d03ffff00ffffffff04", PR_ALLOWED, reserve | standby,
            CommandHandlers.LOG_SENSE);
        row(MODE_SELECT_10, none, 10, "55110000000000ffff04", PR_CONFLICT, standby,
            CommandHandlers.MODE_SELECT_10);
        row(RESERVE_10, none, 10, "56000000000000000004", PR_CONFLICT, 0,
            CommandHandlers.RESERVE_10);
        row(RELEASE_10, none, 10, "57000000000000000004", PR_CONFLICT, reserve,
            CommandHandlers.RELEASE_10);
        row(MODE_SENSE_10, none, 10, "5a18ffff000000ffff04", prWe, standby,
            CommandHandlers.MODE_SENSE_10);
        row(PERSISTENT_RESERVE_IN, SA_READ_KEYS, 10, "5e000000000000ffff04", PR_ALLOWED, standby,
            CommandHandlers.PERSISTENT_RESERVE_IN);
        row(PERSISTENT_RESERVE_IN, SA_READ_RESERVATION, 10, "5e010000000000ffff04", PR_ALLOWED, standby,
            CommandHandlers.PERSISTENT_RESERVE_IN);
        row(PERSISTENT_RESERVE_IN, SA_REPORT_CAPABILITIES, 10, "5e020000000000ffff04", PR_ALLOWED, standby,
            CommandHandlers.PERSISTENT_RESERVE_IN);
        row(PERSISTENT_RESERVE_IN, SA_READ_FULL_STATUS, 10, "5e030000000000ffff04", PR_ALLOWED, standby,
            CommandHandlers.PERSISTENT_RESERVE_IN);
        row(PERSISTENT_RESERVE_OUT, SA_REGISTER, 10, "5f00ff0000ffffffff04", PR_ALLOWED, standby,
            CommandHandlers.PERSISTENT_RESERVE_OUT);
        row(PERSISTENT_RESERVE_OUT, SA_RESERVE, 10, "5f01ff0000ffffffff04", PR_ALLOWED, standby,
            CommandHandlers.PERSISTENT_RESERVE_OUT);
        row(PERSISTENT_RESERVE_OUT, SA_RELEASE, 10, "5f02ff0000ffffffff04", PR_ALLOWED, standby,
            CommandHandlers.PERSISTENT_RESERVE_OUT);
        row(PERSISTENT_RESERVE_OUT, SA_CLEAR, 10, "5f03ff0000ffffffff04", PR_ALLOWED, standby,
            CommandHandlers.PERSISTENT_RESERVE_OUT);
        row(PERSISTENT_RESERVE_OUT, SA_PREEMPT, 10, "5f04ff0000ffffffff04", PR_ALLOWED, standby,
            CommandHandlers.PERSISTENT_RESERVE_OUT);
        row(PERSISTENT_RESERVE_OUT, SA_PREEMPT_AND_ABORT, 10, "5f05ff0000ffffffff04", PR_ALLOWED, standby,
            CommandHandlers.PERSISTENT_RESERVE_OUT);
        row(PERSISTENT_RESERVE_OUT, SA_REGISTER_AND_IGNORE_EXISTING_KEY, 10, "5f06ff0000ffffffff04", PR_ALLOWED,
            standby, CommandHandlers.PERSISTENT_RESERVE_OUT);
        row(PERSISTENT_RESERVE_OUT, SA_REGISTER_AND_MOVE, 10, "5f07000000ffffffff04", PR_ALLOWED,
            standby, CommandHandlers.PERSISTENT_RESERVE_OUT);
        row(READ_DEFECT_DATA_10, none, 10, "37001f00000000ffff04", PR_CONFLICT, 0,
            CommandHandlers.READ_DEFECT_DATA_10);
        row(READ_DEFECT_DATA_12, none, 12, "b71f00000000ffffffff0004", PR_CONFLICT, 0,
            CommandHandlers.READ_DEFECT_DATA_12);
        row(ORWRITE_16, none, 16, "8b18ffffffffffffffffffffffff1f04", PR_CONFLICT, 0,
            CommandHandlers.ORWRITE_16);
        // EXTENDED COPY writes whichever logical units its segments name; RECEIVE COPY RESULTS reads held status.
        row(EXTENDED_COPY, SA_EXTENDED_COPY_LID1, 16, "83000000000000000000ffffffff0004", PR_CONFLICT, 0,
            CommandHandlers.EXTENDED_COPY);
        row(RECEIVE_COPY_RESULTS, SA_COPY_STATUS_LID1, 16, "8400ff00000000000000ffffffff0004", PR_ALLOWED, 0,
            CommandHandlers.RECEIVE_COPY_RESULTS);
        row(RECEIVE_COPY_RESULTS, SA_OPERATING_PARAMETERS, 16, "84030000000000000000ffffffff0004", PR_ALLOWED, 0,
            CommandHandlers.RECEIVE_COPY_RESULTS);
        row(READ_16, none, 16, "8818ffffffffffffffffffffffff1f04", prWe, 0,
            CommandHandlers.READ_16);
        row(COMPARE_AND_WRITE, none, 16, "8918ffffffffffffffff000000ff1f04", PR_CONFLICT, 0,
            CommandHandlers.COMPARE_AND_WRITE);
        row(WRITE_16, none, 16, "8a18ffffffffffffffffffffffff1f04", PR_CONFLICT, 0,
            CommandHandlers.WRITE_16);
        row(WRITE_AND_VERIFY_16, none, 16, "8e16ffffffffffffffffffffffff1f04", PR_CONFLICT, 0,
            CommandHandlers.WRITE_AND_VERIFY_16);
        row(VERIFY_16, none, 16, "8f16ffffffffffffffffffffffff1f04", prWe, 0,
            CommandHandlers.VERIFY_16);
        row(PRE_FETCH_16, none, 16, "9002ffffffffffffffffffffffff1f04", prWe, 0,
            CommandHandlers.PRE_FETCH_16);
        row(SYNCHRONIZE_CACHE_16, none, 16, "9102ffffffffffffffffffffffff1f04", PR_CONFLICT, 0,
            CommandHandlers.SYNCHRONIZE_CACHE_16);
        row(WRITE_SAME_16, none, 16, "9309ffffffffffffffffffffffff1f04", PR_CONFLICT, 0,
            CommandHandlers.WRITE_SAME_16);
        row(READ_BUFFER_16, none, 16, "9b1fffffffffffffffffffffffffff04", prWe, 0,
            CommandHandlers.READ_BUFFER_16);
        // Reported, and run, only by a logical unit whose backstore makes atomic writes (LogicalUnit#atomicWrites).
        row(WRITE_ATOMIC_16, none, 16, "9c18ffffffffffffffffffffffff1f04", PR_CONFLICT, 0,
            CommandHandlers.WRITE_ATOMIC_16);
        row(SERVICE_ACTION_IN_16, SA_READ_CAPACITY_16, 16, "9e100000000000000000ffffffff0004", PR_ALLOWED, standby,
            CommandHandlers.READ_CAPACITY_16);
        row(SERVICE_ACTION_IN_16, SA_GET_LBA_STATUS, 16, "9e12ffffffffffffffffffffffff0004", prWe, 0,
            CommandHandlers.GET_LBA_STATUS);
        row(REPORT_LUNS, none, 12, "a000ff000000ffffffff0004", PR_ALLOWED,
            reserve | ua | notAccessible | sanitizing,
            CommandHandlers.REPORT_LUNS);
        row(MAINTENANCE_IN, SA_REPORT_TARGET_PORT_GROUPS, 12, "a3ea00000000ffffffff0004", PR_ALLOWED,
            reserve | notAccessible, CommandHandlers.REPORT_TARGET_PORT_GROUPS);
        row(MAINTENANCE_IN, SA_REPORT_SUPPORTED_OPERATION_CODES, 12, "a30c87ffffffffffffff0004", PR_ALLOWED,
            reserve, CommandHandlers.REPORT_SUPPORTED_OPERATION_CODES);
        row(MAINTENANCE_IN, SA_REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS, 12, "a30d00000000ffffffff0004",
            PR_ALLOWED, reserve, CommandHandlers.REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS);
        // SET TARGET PORT GROUPS changes the device for every initiator: a non-holder conflicts (SPC-4 5.12.1).
        row(MAINTENANCE_OUT, SA_SET_TARGET_PORT_GROUPS, 12, "a40a00000000ffffffff0004", PR_CONFLICT,
            standby | UNAVAILABLE_ALLOWED, CommandHandlers.SET_TARGET_PORT_GROUPS);
        row(READ_12, none, 12, "a818ffffffffffffffff1f04", prWe, 0,
            CommandHandlers.READ_12);
        row(WRITE_12, none, 12, "aa18ffffffffffffffff1f04", PR_CONFLICT, 0,
            CommandHandlers.WRITE_12);
        row(WRITE_AND_VERIFY_12, none, 12, "ae16ffffffffffffffff1f04", PR_CONFLICT, 0,
            CommandHandlers.WRITE_AND_VERIFY_12);
        row(VERIFY_12, none, 12, "af16ffffffffffffffff1f04", prWe, 0,
            CommandHandlers.VERIFY_12);
        REPORTED_COUNT = count;

        // The other service actions of each opcode that has some: PERSISTENT RESERVE IN/OUT check their service
        // action themselves; the others answer INVALID FIELD IN CDB at the SERVICE ACTION field.
        final int other = OTHER_SERVICE_ACTION;
        row(PERSISTENT_RESERVE_IN, other, 10, null, PR_ALLOWED, standby,
            CommandHandlers.PERSISTENT_RESERVE_IN);
        row(PERSISTENT_RESERVE_OUT, other, 10, null, PR_ALLOWED, standby,
            CommandHandlers.PERSISTENT_RESERVE_OUT);
        row(SERVICE_ACTION_IN_16, other, 16, null, prWe, 0,
            CommandHandlers.UNSUPPORTED_SERVICE_ACTION);
        row(EXTENDED_COPY, other, 16, null, PR_CONFLICT, 0,
            CommandHandlers.UNSUPPORTED_SERVICE_ACTION);
        row(RECEIVE_COPY_RESULTS, other, 16, null, PR_ALLOWED, 0,
            CommandHandlers.UNSUPPORTED_SERVICE_ACTION);
        row(MAINTENANCE_IN, other, 12, null, PR_ALLOWED, reserve,
            CommandHandlers.UNSUPPORTED_SERVICE_ACTION);
        row(MAINTENANCE_OUT, other, 12, null, PR_CONFLICT, 0,
            CommandHandlers.UNSUPPORTED_SERVICE_ACTION);
        // CRYPTOGRAPHIC ERASE and the reserved codes: SANITIZE answers INVALID FIELD IN CDB itself.
        row(SANITIZE, other, 10, null, PR_CONFLICT, SANITIZE_FAILURE_ALLOWED,
            CommandHandlers.SANITIZE);
        COUNT = count;
    }

    private OpcodeTable()
    {
    }

    private static void row(
        final int opcode,
        final int serviceAction,
        final int cdbLength,
        final String usageData,
        final int persistentReservationClass,
        final int flags,
        final int handler)
    {
        final int row = count++;
        OPCODE[row] = opcode;
        SERVICE_ACTION[row] = serviceAction;
        CDB_LENGTH[row] = cdbLength;
        USAGE[row] = usageData == null ? null : HexFormat.of().parseHex(usageData);
        PR_CLASS[row] = persistentReservationClass;
        FLAGS[row] = flags;
        HANDLER[row] = handler;
        if (serviceAction == NO_SERVICE_ACTION)
        {
            ROW_BY_OPCODE[opcode] = row;
            return;
        }
        int[] byServiceAction = ROW_BY_SERVICE_ACTION[opcode];
        if (byServiceAction == null)
        {
            byServiceAction = new int[SERVICE_ACTIONS];
            Arrays.fill(byServiceAction, NO_ROW);
            ROW_BY_SERVICE_ACTION[opcode] = byServiceAction;
        }
        if (serviceAction != OTHER_SERVICE_ACTION)
        {
            byServiceAction[serviceAction] = row;
            return;
        }
        for (int i = 0; i < SERVICE_ACTIONS; i++)
        {
            if (byServiceAction[i] == NO_ROW)
            {
                byServiceAction[i] = row;
            }
        }
    }

    /**
     * @return the row of the command in the CDB, or {@link #NO_ROW}.
     */
    static int row(final MemorySegment cdb)
    {
        final int opcode = Bytes.u8(cdb, 0);
        final int[] byServiceAction = ROW_BY_SERVICE_ACTION[opcode];
        return byServiceAction == null ? ROW_BY_OPCODE[opcode] : byServiceAction[CdbFields.serviceAction(cdb)];
    }

    /**
     * @return the reported row of (opcode, service action or {@link #NO_SERVICE_ACTION}), or {@link #NO_ROW}.
     */
    static int reportedRow(final int opcode, final int serviceAction)
    {
        for (int row = 0; row < REPORTED_COUNT; row++)
        {
            if (OPCODE[row] == opcode && SERVICE_ACTION[row] == serviceAction)
            {
                return row;
            }
        }
        return NO_ROW;
    }

    static boolean hasServiceActions(final int opcode)
    {
        return ROW_BY_SERVICE_ACTION[opcode & 0xFF] != null;
    }

    static int opcode(final int row)
    {
        return OPCODE[row];
    }

    /** @return the service action, {@link #NO_SERVICE_ACTION} or {@link #OTHER_SERVICE_ACTION}. */
    static int serviceAction(final int row)
    {
        return SERVICE_ACTION[row];
    }

    /**
     * @return the CDB length; for {@link #NO_ROW}, the one the group code gives (0 when it gives none).
     */
    static int cdbLength(final int row, final int opcode)
    {
        return row == NO_ROW ? CdbFields.groupCdbLength(opcode) : CDB_LENGTH[row];
    }

    /** The CDB usage data; null for the rows that are not reported. */
    static byte[] usageData(final int row)
    {
        return USAGE[row];
    }

    static int handler(final int row)
    {
        return HANDLER[row];
    }

    /** @return one of the {@code PR_*} classes; an unknown opcode conflicts. */
    static int persistentReservationClass(final int row)
    {
        return row == NO_ROW ? PR_CONFLICT : PR_CLASS[row];
    }

    static boolean allowedUnderReserve(final int row)
    {
        return row != NO_ROW && (FLAGS[row] & RESERVE_ALLOWED) != 0;
    }

    static boolean unitAttentionExempt(final int row)
    {
        return row != NO_ROW && (FLAGS[row] & UNIT_ATTENTION_EXEMPT) != 0;
    }

    static boolean allowedInStandby(final int row)
    {
        return row != NO_ROW && (FLAGS[row] & STANDBY_ALLOWED) != 0;
    }

    static boolean allowedWhenUnavailable(final int row)
    {
        return row != NO_ROW && (FLAGS[row] & UNAVAILABLE_ALLOWED) != 0;
    }

    /**
     * Whether the command is processed in this state of the logical unit's medium operation ({@link Sanitize}):
     * while one runs, in the sanitize failure mode (SBC-4 4.11.3), or with the medium format corrupted.
     */
    static boolean allowedWhileSanitizing(final int row, final int state)
    {
        final int allowed = switch (state)
        {
            case Sanitize.FAILED -> SANITIZE_ALLOWED | SANITIZE_FAILURE_ALLOWED;
            case Sanitize.FORMAT_CORRUPTED -> SANITIZE_ALLOWED | SANITIZE_FAILURE_ALLOWED | FORMAT_FAILURE_ALLOWED;
            default -> SANITIZE_ALLOWED;
        };
        return row != NO_ROW && (FLAGS[row] & allowed) != 0;
    }

    /**
     * Whether the command is processed while a foreground self-test runs: INQUIRY, REPORT LUNS and REQUEST SENSE
     * (SPC-4 5.15.3.2), the same three a sanitize operation lets through.
     */
    static boolean allowedDuringForegroundSelfTest(final int row)
    {
        return row != NO_ROW && (FLAGS[row] & SANITIZE_ALLOWED) != 0;
    }

    static boolean allowedWhileTransitioning(final int row)
    {
        return row != NO_ROW && (FLAGS[row] & TRANSITIONING_ALLOWED) != 0;
    }
}
