package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

/**
 * The commands a {@link LogicalUnit} executes, with their CDB usage data, for REPORT SUPPORTED OPERATION CODES
 * (SPC-4 6.35). A usage bit is one where the device server looks at that CDB bit; byte 0 is the opcode.
 * Built once; reporting only copies.
 */
final class SupportedOperationCodes
{
    static final int NO_SERVICE_ACTION = -1;

    private static final String[][] TABLE =
        {
            // opcode/sa, usage data (control byte 0x04: NACA is checked and rejected since ACA is unsupported)
            {"00", "000000000004"}, // TEST UNIT READY
            {"03", "03010000ff04"}, // REQUEST SENSE
            {"08", "081fffffff04"}, // READ(6)
            {"0a", "0a1fffffff04"}, // WRITE(6)
            {"12", "1201ffffff04"}, // INQUIRY
            {"15", "15110000ff04"}, // MODE SELECT(6)
            {"16", "160000000004"}, // RESERVE(6)
            {"17", "170000000004"}, // RELEASE(6)
            {"1a", "1a08ffffff04"}, // MODE SENSE(6)
            {"1b", "1b01000ff704"}, // START STOP UNIT
            {"1e", "1e0000000304"}, // PREVENT ALLOW MEDIUM REMOVAL
            {"25", "25000000000000000004"}, // READ CAPACITY(10)
            {"28", "2818ffffffff1fffff04"}, // READ(10)
            {"2a", "2a18ffffffff1fffff04"}, // WRITE(10)
            {"2e", "2e16ffffffff1fffff04"}, // WRITE AND VERIFY(10)
            {"2f", "2f16ffffffff1fffff04"}, // VERIFY(10)
            {"34", "3402ffffffff1fffff04"}, // PRE-FETCH(10)
            {"35", "3502ffffffff1fffff04"}, // SYNCHRONIZE CACHE(10)
            {"41", "4108ffffffff1fffff04"}, // WRITE SAME(10)
            {"42", "4200000000001fffff04"}, // UNMAP
            {"55", "55110000000000ffff04"}, // MODE SELECT(10)
            {"56", "56000000000000000004"}, // RESERVE(10)
            {"57", "57000000000000000004"}, // RELEASE(10)
            {"5a", "5a18ffff000000ffff04"}, // MODE SENSE(10)
            {"5e00", "5e000000000000ffff04"}, // PERSISTENT RESERVE IN
            {"5e01", "5e010000000000ffff04"}, // PERSISTENT RESERVE IN
            {"5e02", "5e020000000000ffff04"}, // PERSISTENT RESERVE IN
            {"5e03", "5e030000000000ffff04"}, // PERSISTENT RESERVE IN
            {"5f00", "5f00ff0000ffffffff04"}, // PERSISTENT RESERVE OUT
            {"5f01", "5f01ff0000ffffffff04"}, // PERSISTENT RESERVE OUT
            {"5f02", "5f02ff0000ffffffff04"}, // PERSISTENT RESERVE OUT
            {"5f03", "5f03ff0000ffffffff04"}, // PERSISTENT RESERVE OUT
            {"5f04", "5f04ff0000ffffffff04"}, // PERSISTENT RESERVE OUT
            {"5f05", "5f05ff0000ffffffff04"}, // PERSISTENT RESERVE OUT
            {"5f06", "5f06ff0000ffffffff04"}, // PERSISTENT RESERVE OUT
            {"37", "37001f00000000ffff04"}, // READ DEFECT DATA(10)
            {"b7", "b71f00000000ffffffff0004"}, // READ DEFECT DATA(12)
            {"8b", "8b18ffffffffffffffffffffffff1f04"}, // ORWRITE(16)
            {"88", "8818ffffffffffffffffffffffff1f04"}, // READ(16)
            {"89", "8918ffffffffffffffff000000ff1f04"}, // COMPARE AND WRITE
            {"8a", "8a18ffffffffffffffffffffffff1f04"}, // WRITE(16)
            {"8e", "8e16ffffffffffffffffffffffff1f04"}, // WRITE AND VERIFY(16)
            {"8f", "8f16ffffffffffffffffffffffff1f04"}, // VERIFY(16)
            {"90", "9002ffffffffffffffffffffffff1f04"}, // PRE-FETCH(16)
            {"91", "9102ffffffffffffffffffffffff1f04"}, // SYNCHRONIZE CACHE(16)
            {"93", "9309ffffffffffffffffffffffff1f04"}, // WRITE SAME(16)
            {"9e10", "9e100000000000000000ffffffff0004"}, // READ CAPACITY(16)
            {"9e12", "9e12ffffffffffffffffffffffff0004"}, // GET LBA STATUS
            {"a0", "a000ff000000ffffffff0004"}, // REPORT LUNS
            {"a30a", "a3ea00000000ffffffff0004"}, // REPORT TARGET PORT GROUPS
            {"a30c", "a30c87ffffffffffffff0004"}, // REPORT SUPPORTED OPERATION CODES
            {"a30d", "a30d00000000ffffffff0004"}, // REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS
            {"a8", "a818ffffffffffffffff1f04"}, // READ(12)
            {"aa", "aa18ffffffffffffffff1f04"}, // WRITE(12)
            {"ae", "ae16ffffffffffffffff1f04"}, // WRITE AND VERIFY(12)
            {"af", "af16ffffffffffffffff1f04"}, // VERIFY(12)
        };

    static final int COUNT = TABLE.length;
    static final int[] OPCODE = new int[COUNT];
    static final int[] SERVICE_ACTION = new int[COUNT];
    static final byte[][] USAGE = new byte[COUNT][];
    /** Opcodes that have service actions (their descriptors carry SERVACTV). */
    private static final boolean[] HAS_SERVICE_ACTIONS = new boolean[256];

    static
    {
        final HexFormat hex = HexFormat.of();
        for (int i = 0; i < COUNT; i++)
        {
            final byte[] key = hex.parseHex(TABLE[i][0]);
            OPCODE[i] = key[0] & 0xFF;
            SERVICE_ACTION[i] = key.length > 1 ? key[1] & 0xFF : NO_SERVICE_ACTION;
            USAGE[i] = hex.parseHex(TABLE[i][1]);
            if (key.length > 1)
            {
                HAS_SERVICE_ACTIONS[OPCODE[i]] = true;
            }
        }
    }

    private SupportedOperationCodes()
    {
    }

    static boolean hasServiceActions(final int opcode)
    {
        return HAS_SERVICE_ACTIONS[opcode & 0xFF];
    }

    static int find(final int opcode, final int serviceAction)
    {
        for (int i = 0; i < COUNT; i++)
        {
            if (OPCODE[i] == opcode && SERVICE_ACTION[i] == serviceAction)
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * All commands (reporting options 000b): SPC-4 6.35.2 command descriptors.
     *
     * @return the number of bytes written.
     */
    static int encodeAll(final MemorySegment out, final boolean timeouts)
    {
        final int descriptorLength = timeouts ? 20 : 8;
        int o = 4;
        for (int i = 0; i < COUNT; i++)
        {
            Bytes.zero(out, o, descriptorLength);
            Bytes.put8(out, o, OPCODE[i]);
            final boolean sa = SERVICE_ACTION[i] != NO_SERVICE_ACTION;
            Bytes.put16(out, o + 2, sa ? SERVICE_ACTION[i] : 0);
            Bytes.put8(out, o + 5, (timeouts ? 0x02 : 0) | (sa ? 0x01 : 0));
            Bytes.put16(out, o + 6, USAGE[i].length);
            if (timeouts)
            {
                encodeTimeouts(out, o + 8);
            }
            o += descriptorLength;
        }
        Bytes.put32(out, 0, o - 4);
        return o;
    }

    /**
     * One command (reporting options 001b..011b): SPC-4 6.35.3 one_command parameter data.
     *
     * @param index table index or -1 for an unsupported command.
     * @return the number of bytes written.
     */
    static int encodeOne(final MemorySegment out, final int index, final boolean timeouts)
    {
        Bytes.zero(out, 0, 4);
        if (index < 0)
        {
            Bytes.put8(out, 1, 0x01); // SUPPORT 001b: not supported
            return 4;
        }
        final byte[] usage = USAGE[index];
        Bytes.put8(out, 1, (timeouts ? 0x80 : 0) | 0x03); // CTDP, SUPPORT 011b: supported per standard
        Bytes.put16(out, 2, usage.length);
        MemorySegment.copy(usage, 0, out, java.lang.foreign.ValueLayout.JAVA_BYTE, 4, usage.length);
        int o = 4 + usage.length;
        if (timeouts)
        {
            encodeTimeouts(out, o);
            o += 12;
        }
        return o;
    }

    private static void encodeTimeouts(final MemorySegment out, final int o)
    {
        // SPC-4 6.35.4 command timeouts descriptor; 0 = no timeout indicated.
        Bytes.zero(out, o, 12);
        Bytes.put16(out, o, 0x0A);
    }
}
