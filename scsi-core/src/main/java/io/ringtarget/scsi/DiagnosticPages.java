package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * Diagnostic pages (SPC-4 7.2): the logical unit has only the Supported Diagnostic Pages page (00h), which carries
 * no parameters. SEND DIAGNOSTIC with SELFTEST=0 and self-test code 000b sends a page list ({@link #send}); RECEIVE
 * DIAGNOSTIC RESULTS reads page 00h ({@link #receiveDiagnosticResults}). The self-tests are {@link SelfTest}'s.
 */
final class DiagnosticPages
{
    /** SEND DIAGNOSTIC byte 1: the parameter list is diagnostic pages (not vendor-specific parameters). */
    private static final int PF = 0x10;

    private DiagnosticPages()
    {
    }

    /** SEND DIAGNOSTIC's page list (SPC-4 6.42): page 00h without parameters, or no list at all, asks for nothing. */
    static void send(final ScsiTask t, final int flags, final int parameterListLength)
    {
        if (parameterListLength == 0)
        {
            Responses.good(t);
            return;
        }
        if ((flags & PF) == 0)
        {
            Responses.invalidCdb(t, 1, 4);   // vendor-specific diagnostic parameters: none
            return;
        }
        if (parameterListLength < 4 || Responses.room(t) < parameterListLength)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return;
        }
        final MemorySegment p = t.dataBuffer();
        if (Bytes.u8(p, 0) != 0)
        {
            Responses.invalidParameter(t, 0, 7);   // an unsupported diagnostic page
            return;
        }
        if (Bytes.u16(p, 2) != 0 || parameterListLength != 4)
        {
            Responses.invalidParameter(t, 2, -1);
            return;
        }
        Responses.good(t);
    }

    /** RECEIVE DIAGNOSTIC RESULTS (SPC-4 6.29): the Supported Diagnostic Pages page, the only one. */
    static void receiveDiagnosticResults(final ScsiTask t, final MemorySegment cdb)
    {
        final boolean pcv = (Bytes.u8(cdb, 1) & 0x01) != 0;
        final int allocationLength = Bytes.u16(cdb, 3);
        if (pcv && Bytes.u8(cdb, 2) != 0)
        {
            Responses.invalidCdb(t, 2, -1);
            return;
        }
        final MemorySegment out = t.scratch();
        Bytes.zero(out, 0, 5);
        Bytes.put16(out, 2, 1);
        Bytes.put8(out, 4, 0x00);   // the list: page 00h itself
        Responses.dataIn(t, 5, allocationLength);
    }
}
