package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

import static io.ringtarget.scsi.OperationCodes.SA_BLOCK_ERASE;
import static io.ringtarget.scsi.OperationCodes.SA_EXIT_FAILURE_MODE;
import static io.ringtarget.scsi.OperationCodes.SA_OVERWRITE;

/**
 * The SANITIZE command (SBC-4 5.30): its CDB and, for OVERWRITE, its parameter list checked; the sanitize operation it
 * begins, and the logical unit's state that may refuse it, are {@link Sanitize}'s. OVERWRITE, BLOCK ERASE (where
 * deallocated blocks read back as zeros) and EXIT FAILURE MODE; CRYPTOGRAPHIC ERASE and the reserved service actions
 * get INVALID FIELD IN CDB. Loop thread; allocation-free.
 */
final class SanitizeCommand
{
    /** CDB byte 1. */
    private static final int IMMED = 0x80;
    private static final int AUSE = 0x20;
    /** ZONED NO RESET: for zoned block devices only; this one is not zoned, so it must be zero (as libiscsi holds). */
    private static final int ZNR = 0x40;
    private static final int SERVICE_ACTION_MASK = 0x1F;
    /** CDB bytes 7-8. */
    private static final int PARAMETER_LIST_LENGTH = 7;
    /** OVERWRITE parameter list byte 0 (SBC-4 table "OVERWRITE service action parameter list"). */
    private static final int INVERT = 0x80;
    private static final int TEST_MASK = 0x60;
    private static final int OVERWRITE_COUNT_MASK = 0x1F;
    /** OVERWRITE parameter list bytes 2-3: INITIALIZATION PATTERN LENGTH; the pattern follows the 4-byte header. */
    private static final int PATTERN_LENGTH = 2;
    private static final int OVERWRITE_HEADER_LENGTH = 4;

    private SanitizeCommand()
    {
    }

    static void sanitize(final LogicalUnit lu, final ScsiTask t, final MemorySegment cdb, final int blockSize)
    {
        final int flags = Bytes.u8(cdb, 1);
        final int serviceAction = flags & SERVICE_ACTION_MASK;
        final int parameterListLength = Bytes.u16(cdb, PARAMETER_LIST_LENGTH);
        t.residual(parameterListLength);
        if ((flags & ZNR) != 0)
        {
            Responses.invalidCdb(t, 1, 6);
            return;
        }
        for (int i = 2; i <= 6; i++)
        {
            if (Bytes.u8(cdb, i) != 0)
            {
                Responses.invalidCdb(t, i, -1); // reserved bytes
                return;
            }
        }
        final Sanitize sanitize = lu.sanitize();
        switch (serviceAction)
        {
            case SA_OVERWRITE:
                // Greater than 4 and less than the logical block length + 5 (SBC-4 table of service actions).
                if (parameterListLength <= OVERWRITE_HEADER_LENGTH ||
                    parameterListLength > blockSize + OVERWRITE_HEADER_LENGTH)
                {
                    Responses.invalidCdb(t, PARAMETER_LIST_LENGTH, -1);
                    return;
                }
                break;
            case SA_BLOCK_ERASE:
            case SA_EXIT_FAILURE_MODE:
                if (serviceAction == SA_BLOCK_ERASE && !sanitize.blockErase())
                {
                    Responses.invalidCdb(t, 1, 4);
                    return;
                }
                if (parameterListLength != 0)
                {
                    Responses.invalidCdb(t, PARAMETER_LIST_LENGTH, -1);
                    return;
                }
                break;
            default:
                Responses.invalidCdb(t, 1, 4); // CRYPTOGRAPHIC ERASE and the reserved codes
                return;
        }
        if (lu.writeProtectedFor(t))
        {
            t.checkCondition(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
            t.complete();
            return;
        }
        final boolean unrestricted = (flags & AUSE) != 0;
        final int seen = sanitize.admit(t, serviceAction == SA_EXIT_FAILURE_MODE, unrestricted);
        if (seen < 0)
        {
            return;
        }
        final boolean overwrite = serviceAction == SA_OVERWRITE;
        if (overwrite && !overwriteParameters(t, parameterListLength, blockSize))
        {
            return;
        }
        if (t.device() == null)
        {
            Responses.noDevice(t);
            return;
        }
        final MemorySegment p = t.dataBuffer();
        final int first = overwrite ? Bytes.u8(p, 0) : 0;
        sanitize.begin(t, seen, !overwrite, (first & INVERT) != 0, first & OVERWRITE_COUNT_MASK,
            OVERWRITE_HEADER_LENGTH, overwrite ? Bytes.u16(p, PATTERN_LENGTH) : 0, unrestricted, (flags & IMMED) != 0);
    }

    /** Checks OVERWRITE's parameter list (nothing taken from it yet); false when refused. */
    private static boolean overwriteParameters(final ScsiTask t, final int parameterListLength, final int blockSize)
    {
        if (Responses.room(t) < parameterListLength)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return false;
        }
        final MemorySegment p = t.dataBuffer();
        final int first = Bytes.u8(p, 0);
        final int patternLength = Bytes.u16(p, PATTERN_LENGTH);
        if ((first & OVERWRITE_COUNT_MASK) == 0)
        {
            Responses.invalidParameter(t, 0, 4); // OVERWRITE COUNT 00h is reserved
            return false;
        }
        if ((first & TEST_MASK) != 0)
        {
            Responses.invalidParameter(t, 0, 6); // TEST: no test modes here
            return false;
        }
        if (patternLength == 0 || patternLength > blockSize)
        {
            Responses.invalidParameter(t, PATTERN_LENGTH, -1);
            return false;
        }
        if (OVERWRITE_HEADER_LENGTH + patternLength > parameterListLength)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return false;
        }
        return true;
    }
}
