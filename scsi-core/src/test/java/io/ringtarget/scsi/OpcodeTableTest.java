package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command table against itself, the handlers and REPORT SUPPORTED OPERATION CODES.
 */
class OpcodeTableTest
{
    /** With atomic writes, so that every row (WRITE ATOMIC(16)'s too) is reported and runs. */
    private final LuHarness h = new LuHarness().ready();

    {
        h.lu.atomicWrites(512, 65536, false);
    }

    private static String name(final int row)
    {
        return String.format("row %d (opcode %02x, service action %d)", row, OpcodeTable.opcode(row),
            OpcodeTable.serviceAction(row));
    }

    /** A CDB of the row's length with its opcode and service action, every other field zero. */
    private static int[] cdbOf(final int row, final int serviceAction)
    {
        final int opcode = OpcodeTable.opcode(row);
        final int[] cdb = new int[OpcodeTable.cdbLength(row, opcode)];
        cdb[0] = opcode;
        if (serviceAction >= 0)
        {
            cdb[1] = serviceAction;
        }
        return cdb;
    }

    private boolean answeredInvalidOperationCode()
    {
        return h.task.status() == ScsiStatus.CHECK_CONDITION && (h.sense(2) & 0x0F) == SenseKey.ILLEGAL_REQUEST &&
            ((h.sense(12) << 8) | h.sense(13)) == Asc.INVALID_COMMAND_OPERATION_CODE;
    }

    private boolean answeredInternalTargetFailure()
    {
        return h.task.status() == ScsiStatus.CHECK_CONDITION && (h.sense(2) & 0x0F) == SenseKey.HARDWARE_ERROR;
    }

    @Test
    void usageDataStartsWithTheOpcodeAndServiceActionAndHasTheCdbLength()
    {
        for (int row = 0; row < OpcodeTable.REPORTED_COUNT; row++)
        {
            final byte[] usage = OpcodeTable.usageData(row);
            final int opcode = OpcodeTable.opcode(row);
            final int serviceAction = OpcodeTable.serviceAction(row);
            assertNotNull(usage, name(row));
            assertEquals(opcode, usage[0] & 0xFF, name(row));
            assertEquals(OpcodeTable.cdbLength(row, opcode), usage.length, name(row));
            assertEquals(CdbFields.groupCdbLength(opcode), usage.length, name(row) + ": the group code's length");
            assertEquals(0x04, usage[usage.length - 1] & 0xFF, name(row) + ": control byte, NACA checked");
            assertEquals(serviceAction != OpcodeTable.NO_SERVICE_ACTION, OpcodeTable.hasServiceActions(opcode));
            if (serviceAction != OpcodeTable.NO_SERVICE_ACTION)
            {
                assertEquals(serviceAction, usage[1] & 0x1F, name(row));
            }
        }
        for (int row = OpcodeTable.REPORTED_COUNT; row < OpcodeTable.COUNT; row++)
        {
            assertEquals(OpcodeTable.OTHER_SERVICE_ACTION, OpcodeTable.serviceAction(row), name(row));
            assertNull(OpcodeTable.usageData(row), name(row));
            assertTrue(OpcodeTable.hasServiceActions(OpcodeTable.opcode(row)), name(row));
        }
    }

    @Test
    void eachCommandHasOneRowAndLookupFindsIt()
    {
        final Set<Integer> keys = new HashSet<>();
        for (int row = 0; row < OpcodeTable.COUNT; row++)
        {
            final int serviceAction = OpcodeTable.serviceAction(row);
            assertTrue(keys.add(OpcodeTable.opcode(row) << 8 | (serviceAction & 0xFF)), "duplicate " + name(row));
            if (row < OpcodeTable.REPORTED_COUNT)
            {
                assertEquals(row, OpcodeTable.row(MemorySegment.ofArray(cdbBytes(cdbOf(row, serviceAction)))));
                assertEquals(row, OpcodeTable.reportedRow(OpcodeTable.opcode(row), serviceAction), name(row));
            }
        }
    }

    private static byte[] cdbBytes(final int[] cdb)
    {
        final byte[] bytes = new byte[cdb.length];
        for (int i = 0; i < cdb.length; i++)
        {
            bytes[i] = (byte)cdb[i];
        }
        return bytes;
    }

    @Test
    void everyRowDispatchesToItsHandler()
    {
        final TreeSet<Integer> handlers = new TreeSet<>();
        for (int row = 0; row < OpcodeTable.REPORTED_COUNT; row++)
        {
            h.run(h.nexus, 4096, cdbOf(row, OpcodeTable.serviceAction(row)));
            assertFalse(answeredInvalidOperationCode(), name(row) + " answered INVALID COMMAND OPERATION CODE");
            assertFalse(answeredInternalTargetFailure(), name(row) + " failed: " + h.senseString());
            assertNotEquals(ScsiStatus.RESERVATION_CONFLICT, h.task.status(), name(row));
            handlers.add(OpcodeTable.handler(row));
        }
        // The other service actions of each opcode that has service actions: INVALID FIELD IN CDB at the field.
        for (int row = OpcodeTable.REPORTED_COUNT; row < OpcodeTable.COUNT; row++)
        {
            final int unassigned = 0x1E; // no opcode assigns it (0x1F is SANITIZE's EXIT FAILURE MODE)
            assertEquals(row, OpcodeTable.row(MemorySegment.ofArray(cdbBytes(cdbOf(row, unassigned)))), name(row));
            h.run(h.nexus, 4096, cdbOf(row, unassigned));
            h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB);
            h.assertFieldPointer(true, 1, 4);
            handlers.add(OpcodeTable.handler(row));
        }
        assertEquals(CommandHandlers.READ_BUFFER_16 + 1, handlers.size(), "every handler id is used");
        assertEquals(0, handlers.first());
    }

    @Test
    void everyOpcodeWithoutARowIsAnInvalidOperationCode()
    {
        int without = 0;
        for (int opcode = 0; opcode < 256; opcode++)
        {
            final int[] cdb = new int[16];
            cdb[0] = opcode;
            if (OpcodeTable.row(MemorySegment.ofArray(cdbBytes(cdb))) != OpcodeTable.NO_ROW)
            {
                continue;
            }
            without++;
            assertFalse(OpcodeTable.hasServiceActions(opcode));
            h.run(h.nexus, 0, cdb);
            h.assertSense(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_COMMAND_OPERATION_CODE);
        }
        // Eight opcodes have service actions: PERSISTENT RESERVE IN/OUT, SERVICE ACTION IN(16), MAINTENANCE IN/OUT,
        // THIRD-PARTY COPY OUT/IN (EXTENDED COPY, RECEIVE COPY RESULTS), SANITIZE.
        assertEquals(256 - (OpcodeTable.REPORTED_COUNT - servicedRows()) - 8, without);
    }

    /** Reported rows that belong to an opcode with service actions. */
    private static int servicedRows()
    {
        int n = 0;
        for (int row = 0; row < OpcodeTable.REPORTED_COUNT; row++)
        {
            n += OpcodeTable.serviceAction(row) == OpcodeTable.NO_SERVICE_ACTION ? 0 : 1;
        }
        return n;
    }

    @Test
    void reportSupportedOperationCodesListsExactlyTheReportedRows()
    {
        h.run(8192, 0xA3, 0x0C, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0);
        h.assertGood();
        final int length = (int)Bytes.u32(h.buffer, 0);
        assertEquals(OpcodeTable.REPORTED_COUNT * 8, length);
        final Set<String> listed = new HashSet<>();
        for (int o = 4; o < 4 + length; o += 8)
        {
            final boolean servactv = (h.in(o + 5) & 0x01) != 0;
            final int serviceAction = servactv ? (h.in(o + 2) << 8 | h.in(o + 3)) : OpcodeTable.NO_SERVICE_ACTION;
            assertTrue(listed.add(h.in(o) + "/" + serviceAction + "/" + (h.in(o + 6) << 8 | h.in(o + 7))));
        }
        final Set<String> table = new HashSet<>();
        for (int row = 0; row < OpcodeTable.REPORTED_COUNT; row++)
        {
            final int opcode = OpcodeTable.opcode(row);
            table.add(opcode + "/" + OpcodeTable.serviceAction(row) + "/" + OpcodeTable.cdbLength(row, opcode));
        }
        assertEquals(table, listed);

        // One command each: the row's usage data.
        for (int row = 0; row < OpcodeTable.REPORTED_COUNT; row++)
        {
            final int opcode = OpcodeTable.opcode(row);
            final int serviceAction = Math.max(0, OpcodeTable.serviceAction(row));
            h.run(4096, 0xA3, 0x0C, 0x03, opcode, serviceAction >> 8, serviceAction & 0xFF, 0, 0, 0x10, 0, 0, 0);
            h.assertGood();
            assertEquals(0x03, h.in(1) & 0x07, name(row) + " supported");
            final byte[] usage = OpcodeTable.usageData(row);
            assertEquals(usage.length, h.in(2) << 8 | h.in(3), name(row));
            for (int i = 0; i < usage.length; i++)
            {
                assertEquals(usage[i] & 0xFF, h.in(4 + i), name(row) + " usage byte " + i);
            }
        }
    }

    @Test
    void standbyAllowsWhatSpc4Lists()
    {
        // SPC-4 5.15.2.4.4, as far as this LU implements those commands.
        final Set<String> expected = Set.of("12", "a0", "a3/10", "a4/10", "03", "5e/0", "5e/1", "5e/2", "5e/3",
            "5f/0", "5f/1", "5f/2", "5f/3", "5f/4", "5f/5", "5f/6", "5f/7", "25", "9e/16", "1a", "5a", "15", "55", "4c",
            "4d", "1c", "1d");
        final Set<String> allowed = new HashSet<>();
        for (int row = 0; row < OpcodeTable.REPORTED_COUNT; row++)
        {
            if (OpcodeTable.allowedInStandby(row))
            {
                final int serviceAction = OpcodeTable.serviceAction(row);
                allowed.add(String.format("%02x", OpcodeTable.opcode(row)) +
                    (serviceAction == OpcodeTable.NO_SERVICE_ACTION ? "" : "/" + serviceAction));
            }
        }
        assertEquals(expected, allowed);
        assertFalse(OpcodeTable.allowedInStandby(OpcodeTable.NO_ROW));
    }

    @Test
    void unitAttentionExemptionsAreInquiryReportLunsAndRequestSense()
    {
        final Set<Integer> exempt = new HashSet<>();
        for (int row = 0; row < OpcodeTable.COUNT; row++)
        {
            if (OpcodeTable.unitAttentionExempt(row))
            {
                exempt.add(OpcodeTable.opcode(row));
            }
        }
        assertEquals(Set.of(OperationCodes.INQUIRY, OperationCodes.REPORT_LUNS, OperationCodes.REQUEST_SENSE), exempt);
    }
}
