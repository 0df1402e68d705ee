package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * FORMAT UNIT (SBC-4 5.3): initializes every logical block of the logical unit, which then reads back as zeros, or as
 * the initialization pattern the parameter list gives (IP). The medium has no defects and no protection information
 * here, so a defect list or a FMTPINFO is refused; the block size and count do not change. The format operation is
 * {@link Sanitize}'s medium operation with format's sense codes: the logical unit's own task on the event loop of the
 * command that started it, deallocating every block where deallocated blocks read zeros (a punched file, a device's
 * WRITE ZEROES, zeroed RAM) and writing the pattern elsewhere; NOT READY, FORMAT IN PROGRESS with a progress
 * indication for every other command meanwhile (sg_format polls TEST UNIT READY or REQUEST SENSE), MEDIUM ERROR,
 * MEDIUM FORMAT CORRUPTED after one that failed, until a FORMAT UNIT (or a SANITIZE) completes. IMMED in the parameter
 * list header answers once the CDB and the list are checked. Loop thread; allocation-free.
 */
final class FormatUnit
{
    /** CDB byte 1. */
    private static final int FMTPINFO = 0xC0;
    private static final int LONGLIST = 0x20;
    private static final int FMTDATA = 0x10;
    /** CDB byte 4: FFMT (fast format, SBC-4) in bits 1-0, the rest reserved. */
    private static final int CDB_BYTE_4 = 4;
    /** Parameter list header byte 1 (SBC-4 table "short/long parameter list header"). */
    private static final int FOV = 0x80;
    private static final int DPRY = 0x40;
    private static final int DCRT = 0x20;
    private static final int STPF = 0x10;
    private static final int IP = 0x08;
    private static final int IMMED = 0x02;
    private static final int SHORT_HEADER = 4;
    private static final int LONG_HEADER = 8;
    /** Initialization pattern descriptor (SBC-4 5.3.4): IP MODIFIER, SI; PATTERN TYPE; PATTERN LENGTH; pattern. */
    private static final int IP_DESCRIPTOR_HEADER = 4;
    private static final int IP_MODIFIER = 0xC0;
    private static final int PATTERN_DEFAULT = 0x00;
    private static final int PATTERN_REPEAT = 0x01;

    private FormatUnit()
    {
    }

    static void formatUnit(final LogicalUnit lu, final ScsiTask t, final MemorySegment cdb, final int blockSize)
    {
        final int flags = Bytes.u8(cdb, 1);
        if ((flags & FMTPINFO) != 0)
        {
            Responses.invalidCdb(t, 1, 7);   // no protection information (INQUIRY PROTECT 0)
            return;
        }
        if (Bytes.u8(cdb, CDB_BYTE_4) != 0)
        {
            Responses.invalidCdb(t, CDB_BYTE_4, Bytes.u8(cdb, CDB_BYTE_4) > 3 ? -1 : 1);   // FFMT, reserved bits
            return;
        }
        boolean immediate = false;
        int patternOffset = -1;
        int patternLength = 0;
        if ((flags & FMTDATA) == 0)
        {
            t.residual(0);   // defaults; CMPLST and the defect list format concern a list that is not sent
        }
        else
        {
            final int header = (flags & LONGLIST) != 0 ? LONG_HEADER : SHORT_HEADER;
            final long room = Responses.room(t);
            if (room < header)
            {
                Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
                return;
            }
            final MemorySegment p = t.dataBuffer();
            final int options = Bytes.u8(p, 1);
            if ((Bytes.u8(p, 0) & 0x07) != 0)
            {
                Responses.invalidParameter(t, 0, 2);   // PROTECTION FIELD USAGE: no protection information
                return;
            }
            if (header == LONG_HEADER && Bytes.u8(p, 3) != 0)
            {
                Responses.invalidParameter(t, 3, -1);   // P_I_INFORMATION, PROTECTION INTERVAL EXPONENT
                return;
            }
            if ((options & FOV) == 0 && (options & (DPRY | DCRT | STPF | IP)) != 0)
            {
                // SBC-4 5.3.2.2: with FOV zero the device server's defaults apply and those bits must be zero.
                final int set = options & (DPRY | DCRT | STPF | IP);
                Responses.invalidParameter(t, 1, 31 - Integer.numberOfLeadingZeros(set));
                return;
            }
            final long defectListLength = header == LONG_HEADER ? Bytes.u32(p, 4) : Bytes.u16(p, 2);
            if (defectListLength != 0)
            {
                Responses.invalidParameter(t, header == LONG_HEADER ? 4 : 2, -1);   // a virtual medium has no defects
                return;
            }
            immediate = (options & IMMED) != 0;
            int length = header;
            if ((options & IP) != 0)
            {
                if (room < header + IP_DESCRIPTOR_HEADER)
                {
                    Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
                    return;
                }
                final int type = Bytes.u8(p, header + 1);
                patternLength = Bytes.u16(p, header + 2);
                if ((Bytes.u8(p, header) & IP_MODIFIER) != 0)
                {
                    Responses.invalidParameter(t, header, 7);   // no header in a block to leave out
                    return;
                }
                if (type != PATTERN_DEFAULT && type != PATTERN_REPEAT)
                {
                    Responses.invalidParameter(t, header + 1, -1);   // INITIALIZATION PATTERN TYPE
                    return;
                }
                if (type == PATTERN_REPEAT && (patternLength == 0 || patternLength > blockSize))
                {
                    Responses.invalidParameter(t, header + 2, -1);   // INITIALIZATION PATTERN LENGTH
                    return;
                }
                length = header + IP_DESCRIPTOR_HEADER + patternLength;
                if (room < length)
                {
                    Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
                    return;
                }
                // A default pattern with a length is taken as zeros too: this device server's default is zeros.
                patternOffset = type == PATTERN_REPEAT ? header + IP_DESCRIPTOR_HEADER : -1;
                if (type != PATTERN_REPEAT)
                {
                    patternLength = 0;
                }
            }
            t.residual(length);
        }
        if (lu.writeProtectedFor(t))
        {
            t.checkCondition(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
            t.complete();
            return;
        }
        if (t.device() == null)
        {
            Responses.noDevice(t);
            return;
        }
        lu.sanitize().format(t, patternOffset, patternLength, immediate);
    }
}
