package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * REPORT SUPPORTED OPERATION CODES (SPC-4 6.35): the reported rows of {@link OpcodeTable}, with their CDB usage
 * data and, when asked (RCTD), command timeouts descriptors; WRITE ATOMIC(16) only for a logical unit that makes
 * atomic writes, SANITIZE BLOCK ERASE only for one whose deallocated blocks read back as zeros. Reporting only
 * copies.
 */
final class SupportedOperationCodes
{
    private static final int ALL_COMMANDS = 0;
    private static final int ONE_COMMAND_WITHOUT_SERVICE_ACTION = 1;
    private static final int ONE_COMMAND_WITH_SERVICE_ACTION = 2;
    private static final int ONE_COMMAND_EITHER = 3;
    private static final int COMMAND_DESCRIPTOR_LENGTH = 8;
    private static final int TIMEOUTS_DESCRIPTOR_LENGTH = 12;

    private SupportedOperationCodes()
    {
    }

    /** @return the commands the all-commands form reports: WRITE ATOMIC(16) and BLOCK ERASE only where supported. */
    static int count(final boolean atomicWrites, final boolean blockErase)
    {
        return OpcodeTable.REPORTED_COUNT - (atomicWrites ? 0 : 1) - (blockErase ? 0 : 1);
    }

    /**
     * @param atomicWrites the logical unit runs WRITE ATOMIC(16) ({@link AtomicWriteLimits#supported}).
     * @param blockErase   the logical unit runs SANITIZE BLOCK ERASE ({@link Sanitize#blockErase}).
     */
    static void report(
        final ScsiTask t, final MemorySegment cdb, final boolean atomicWrites, final boolean blockErase)
    {
        final boolean timeouts = (Bytes.u8(cdb, 2) & 0x80) != 0; // RCTD
        final int options = Bytes.u8(cdb, 2) & 0x07;
        final int opcode = Bytes.u8(cdb, 3);
        final int serviceAction = Bytes.u16(cdb, 4);
        final long allocationLength = Bytes.u32(cdb, 6);
        final boolean hasServiceActions = OpcodeTable.hasServiceActions(opcode);
        final MemorySegment out = t.scratch();
        final int length;
        switch (options)
        {
            case ALL_COMMANDS:
                length = encodeAll(out, timeouts, atomicWrites, blockErase);
                break;
            case ONE_COMMAND_WITHOUT_SERVICE_ACTION:
                if (hasServiceActions)
                {
                    Responses.invalidCdb(t, 2, 2);
                    return;
                }
                length = encodeOne(out, supported(OpcodeTable.reportedRow(opcode, OpcodeTable.NO_SERVICE_ACTION),
                    atomicWrites, blockErase), timeouts);
                break;
            case ONE_COMMAND_WITH_SERVICE_ACTION:
                if (!hasServiceActions)
                {
                    Responses.invalidCdb(t, 2, 2);
                    return;
                }
                length = encodeOne(out, supported(OpcodeTable.reportedRow(opcode, serviceAction), atomicWrites,
                    blockErase), timeouts);
                break;
            case ONE_COMMAND_EITHER:
            {
                // A service action asked of an opcode without service actions is "not supported".
                final int row = hasServiceActions ? OpcodeTable.reportedRow(opcode, serviceAction) :
                    serviceAction == 0 ? OpcodeTable.reportedRow(opcode, OpcodeTable.NO_SERVICE_ACTION) :
                    OpcodeTable.NO_ROW;
                length = encodeOne(out, supported(row, atomicWrites, blockErase), timeouts);
                break;
            }
            default:
                Responses.invalidCdb(t, 2, 2);
                return;
        }
        Responses.dataIn(t, length, allocationLength);
    }

    /**
     * All commands (reporting options 000b): SPC-4 6.35.2 command descriptors.
     *
     * @return the number of bytes written.
     */
    static int encodeAll(
        final MemorySegment out, final boolean timeouts, final boolean atomicWrites, final boolean blockErase)
    {
        final int descriptorLength = COMMAND_DESCRIPTOR_LENGTH + (timeouts ? TIMEOUTS_DESCRIPTOR_LENGTH : 0);
        int o = 4;
        for (int row = 0; row < OpcodeTable.REPORTED_COUNT; row++)
        {
            if (supported(row, atomicWrites, blockErase) == OpcodeTable.NO_ROW)
            {
                continue;
            }
            final int serviceAction = OpcodeTable.serviceAction(row);
            final boolean sa = serviceAction != OpcodeTable.NO_SERVICE_ACTION;
            Bytes.zero(out, o, descriptorLength);
            Bytes.put8(out, o, OpcodeTable.opcode(row));
            Bytes.put16(out, o + 2, sa ? serviceAction : 0);
            Bytes.put8(out, o + 5, (timeouts ? 0x02 : 0) | (sa ? 0x01 : 0)); // CTDP, SERVACTV
            Bytes.put16(out, o + 6, OpcodeTable.cdbLength(row, OpcodeTable.opcode(row)));
            if (timeouts)
            {
                encodeTimeouts(out, o + COMMAND_DESCRIPTOR_LENGTH);
            }
            o += descriptorLength;
        }
        Bytes.put32(out, 0, o - 4);
        return o;
    }

    /**
     * One command (reporting options 001b..011b): SPC-4 6.35.3 one_command parameter data.
     *
     * @param row the reported row or {@link OpcodeTable#NO_ROW} for an unsupported command.
     * @return the number of bytes written.
     */
    static int encodeOne(final MemorySegment out, final int row, final boolean timeouts)
    {
        Bytes.zero(out, 0, 4);
        if (row == OpcodeTable.NO_ROW)
        {
            Bytes.put8(out, 1, 0x01); // SUPPORT 001b: not supported
            return 4;
        }
        final byte[] usage = OpcodeTable.usageData(row);
        Bytes.put8(out, 1, (timeouts ? 0x80 : 0) | 0x03); // CTDP, SUPPORT 011b: supported per standard
        Bytes.put16(out, 2, usage.length);
        MemorySegment.copy(usage, 0, out, ValueLayout.JAVA_BYTE, 4, usage.length);
        int o = 4 + usage.length;
        if (timeouts)
        {
            encodeTimeouts(out, o);
            o += TIMEOUTS_DESCRIPTOR_LENGTH;
        }
        return o;
    }

    /**
     * @return the row, or {@link OpcodeTable#NO_ROW} for WRITE ATOMIC(16) on a logical unit without atomic writes and
     * for SANITIZE BLOCK ERASE on one without block erase.
     */
    static int supported(final int row, final boolean atomicWrites, final boolean blockErase)
    {
        if (row == OpcodeTable.NO_ROW)
        {
            return row;
        }
        final int opcode = OpcodeTable.opcode(row);
        final boolean isBlockErase =
            opcode == OperationCodes.SANITIZE && OpcodeTable.serviceAction(row) == OperationCodes.SA_BLOCK_ERASE;
        if (!atomicWrites && opcode == OperationCodes.WRITE_ATOMIC_16 || !blockErase && isBlockErase)
        {
            return OpcodeTable.NO_ROW;
        }
        return row;
    }

    private static void encodeTimeouts(final MemorySegment out, final int o)
    {
        // SPC-4 6.35.4 command timeouts descriptor; 0 = no timeout indicated.
        Bytes.zero(out, o, TIMEOUTS_DESCRIPTOR_LENGTH);
        Bytes.put16(out, o, 0x0A);
    }
}
