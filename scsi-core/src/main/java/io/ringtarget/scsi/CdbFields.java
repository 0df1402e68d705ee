package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * CDB fields that several commands share, read in one place (SPC-4 4.3, SBC-3 5.x).
 */
final class CdbFields
{
    /** RDPROTECT / WRPROTECT / VRPROTECT: byte 1 bits 7-5 of the 10, 12 and 16-byte medium-access CDBs. */
    private static final int PROTECT_MASK = 0xE0;
    private static final int PROTECT_BYTE = 1;
    private static final int PROTECT_HIGH_BIT = 7;
    /** FUA: byte 1 bit 3 of READ, WRITE, COMPARE AND WRITE and ORWRITE (10, 12, 16-byte forms). */
    private static final int FUA_MASK = 0x08;
    /** SERVICE ACTION: byte 1 bits 4-0 in the CDBs that have one (SPC-4 4.3.3). */
    private static final int SERVICE_ACTION_MASK = 0x1F;
    /** NACA: control byte bit 2 (SAM-5 5.10, SPC-4 4.3.4.3). */
    private static final int NACA_MASK = 0x04;
    private static final int NACA_BIT = 2;

    private CdbFields()
    {
    }

    /**
     * The medium has no protection information (SBC-3 4.22.2), so RDPROTECT/WRPROTECT/VRPROTECT must be zero.
     *
     * @return true when it is; otherwise the task has been completed with INVALID FIELD IN CDB pointing at it.
     */
    static boolean noProtectionInformation(final ScsiTask t, final MemorySegment cdb)
    {
        if ((Bytes.u8(cdb, PROTECT_BYTE) & PROTECT_MASK) != 0)
        {
            Responses.invalidCdb(t, PROTECT_BYTE, PROTECT_HIGH_BIT);
            return false;
        }
        return true;
    }

    static boolean fua(final MemorySegment cdb)
    {
        return (Bytes.u8(cdb, 1) & FUA_MASK) != 0;
    }

    static int serviceAction(final MemorySegment cdb)
    {
        return Bytes.u8(cdb, 1) & SERVICE_ACTION_MASK;
    }

    /** READ(6) / WRITE(6): the 21-bit LOGICAL BLOCK ADDRESS of bytes 1-3. */
    static long lba6(final MemorySegment cdb)
    {
        return Bytes.u24(cdb, 1) & 0x1F_FFFF;
    }

    /** READ(6) / WRITE(6): TRANSFER LENGTH 0 means 256 blocks (SBC-3 5.7). */
    static int transferLength6(final MemorySegment cdb)
    {
        final int blocks = Bytes.u8(cdb, 4);
        return blocks == 0 ? 256 : blocks;
    }

    /**
     * NACA=1 asks for ACA, which is not supported (SAM-5 5.10).
     *
     * @return true when the CDB's control byte is clear of it; otherwise the task has been completed with INVALID
     * FIELD IN CDB pointing at the bit. A CDB length of 0 (unknown layout) is not checked.
     */
    static boolean noNaca(final ScsiTask t, final MemorySegment cdb, final int cdbLength)
    {
        if (cdbLength > 0 && (Bytes.u8(cdb, cdbLength - 1) & NACA_MASK) != 0)
        {
            Responses.invalidCdb(t, cdbLength - 1, NACA_BIT);
            return false;
        }
        return true;
    }

    /**
     * CDB length from the group code (SPC-4 4.3.2); 0 for variable length or vendor specific groups.
     */
    static int groupCdbLength(final int opcode)
    {
        switch (opcode >>> 5)
        {
            case 0:
                return 6;
            case 1:
            case 2:
                return 10;
            case 4:
                return 16;
            case 5:
                return 12;
            default:
                return 0;
        }
    }
}
