package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * REPORT LUNS (SPC-4 6.33) is addressed to the target, not to a logical unit: the transport answers it from the
 * LUN list of the session's target portal group. Also the SAM-4 4.6 LUN encodings we use: peripheral device
 * addressing (00b) for LUNs below 256 and flat space addressing (01b) up to 16383.
 */
public final class ReportLuns
{
    public static final int OPCODE = 0xA0;
    public static final int MAX_FLAT_LUN = 16383;
    /** SPC-4 6.33: an allocation length below 16 is an error. */
    public static final int MIN_ALLOCATION_LENGTH = 16;
    private static final int HEADER_LENGTH = 8;

    private ReportLuns()
    {
    }

    /**
     * @param lun a LUN number 0..16383.
     * @return the 8-byte SAM LUN field as a big-endian long (first byte in the top 8 bits).
     */
    public static long encodeLun(final int lun)
    {
        if (lun < 0 || lun > MAX_FLAT_LUN)
        {
            throw new IllegalArgumentException("LUN out of range 0.." + MAX_FLAT_LUN + ": " + lun);
        }
        if (lun < 256)
        {
            return (long)lun << 48;
        }
        return ((long)(0x40 | (lun >>> 8)) << 56) | ((long)(lun & 0xFF) << 48);
    }

    /**
     * @param lunField the 8-byte LUN field of the BHS as a big-endian long.
     * @return the LUN number, or -1 for an addressing method or level we do not serve.
     */
    public static int decodeLun(final long lunField)
    {
        if ((lunField & 0x0000_FFFF_FFFF_FFFFL) != 0)
        {
            return -1; // second and further levels are not used by a single-level target
        }
        final int first = (int)(lunField >>> 56) & 0xFF;
        final int second = (int)(lunField >>> 48) & 0xFF;
        switch (first >>> 6)
        {
            case 0:
                return (first & 0x3F) == 0 ? second : -1; // peripheral, bus identifier 0
            case 1:
                return ((first & 0x3F) << 8) | second; // flat space
            default:
                return -1;
        }
    }

    /**
     * Write the REPORT LUNS parameter data.
     *
     * @param luns             LUN numbers (0..16383) to report.
     * @param count            how many of luns are used.
     * @param out              where to write.
     * @param allocationLength the CDB's allocation length.
     * @return bytes written: min(full length, allocation length, out's size).
     */
    public static int encode(final long[] luns, final int count, final MemorySegment out, final long allocationLength)
    {
        final long limit = Math.min(allocationLength, out.byteSize());
        final long full = HEADER_LENGTH + 8L * count;
        if (limit >= HEADER_LENGTH)
        {
            Bytes.put32(out, 0, 8L * count);
            Bytes.put32(out, 4, 0);
        }
        else
        {
            for (int i = 0; i < limit; i++)
            {
                Bytes.put8(out, i, i < 4 ? (int)((8L * count) >>> (24 - 8 * i)) : 0);
            }
            return (int)limit;
        }
        long o = HEADER_LENGTH;
        for (int i = 0; i < count && o + 8 <= limit; i++, o += 8)
        {
            Bytes.put64(out, o, encodeLun((int)luns[i]));
        }
        if (o < limit && o < full)
        {
            // A partial LUN entry at the end of the allocation length.
            final long lun = encodeLun((int)luns[(int)((o - HEADER_LENGTH) / 8)]);
            for (int i = 0; o < limit; i++, o++)
            {
                Bytes.put8(out, o, (int)(lun >>> (56 - 8 * i)));
            }
        }
        return (int)Math.min(full, limit);
    }

    /**
     * @see #encode(long[], int, MemorySegment, long)
     */
    public static int encode(final long[] luns, final MemorySegment out, final int allocationLength)
    {
        return encode(luns, luns.length, out, allocationLength & 0xFFFF_FFFFL);
    }

    /**
     * Execute REPORT LUNS for the transport: checks the CDB, writes the list into the task's data buffer, sets
     * status and residuals, and calls the task's listener.
     */
    public static void execute(final ScsiTask task, final long[] luns, final int count)
    {
        task.clearResult();
        task.logicalUnit = null;
        task.executeSequence++;
        final MemorySegment cdb = task.cdb();
        final int selectReport = Bytes.u8(cdb, 2);
        final long allocationLength = Bytes.u32(cdb, 6);
        if (selectReport > 2)
        {
            // 00h all, 01h well known only (none), 02h all; SPC-4 6.33 table 162.
            task.checkCondition(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB, false, 0, Responses.cdbPointer(2, -1));
        }
        else if (allocationLength < MIN_ALLOCATION_LENGTH)
        {
            task.checkCondition(SenseKey.ILLEGAL_REQUEST, Asc.INVALID_FIELD_IN_CDB, false, 0, Responses.cdbPointer(6, -1));
        }
        else
        {
            final int reported = selectReport == 1 ? 0 : count;
            final long wanted = Math.min(HEADER_LENGTH + 8L * reported, allocationLength);
            final MemorySegment buffer = task.dataBuffer();
            final long room = buffer == null ? 0 :
                Math.min(buffer.byteSize(), task.expectedDataTransferLength() & 0xFFFF_FFFFL);
            final int written = room == 0 ? 0 : encode(luns, reported, buffer, Math.min(wanted, room));
            task.dataInLength(written);
            task.residual(wanted);
        }
        task.complete();
    }
}
