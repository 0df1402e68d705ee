package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * The ways a command handler finishes a task: GOOD, GOOD with Data-In built in the task's scratch, RESERVATION
 * CONFLICT, or CHECK CONDITION with the sense data SPC-4 4.5 prescribes for the usual errors. Each one calls
 * {@link ScsiTask#complete()}, so a handler that called one is done with the task.
 */
final class Responses
{
    private Responses()
    {
    }

    /** What the initiator can receive / has sent: EDTL bounded by the buffer. */
    static long room(final ScsiTask t)
    {
        final MemorySegment buffer = t.dataBuffer();
        final long edtl = t.expectedDataTransferLength() & 0xFFFF_FFFFL;
        if (buffer == null)
        {
            return t.receivedData() != null ? edtl : 0;   // a WRITE's data left where it was received: all of it
        }
        return Math.min(buffer.byteSize(), edtl);
    }

    /**
     * Data-In built in the task's scratch: at most the allocation length is "wanted" (residuals are relative
     * to that, RFC 7143 11.4.5.1), at most the EDTL and buffer are sent.
     */
    static void dataIn(final ScsiTask t, final int length, final long allocationLength)
    {
        final long wanted = Math.min(length, allocationLength);
        t.residual(wanted);
        final int sent = (int)Math.min(wanted, room(t));
        if (sent > 0)
        {
            MemorySegment.copy(t.scratch(), 0, t.dataBuffer(), 0, sent);
        }
        t.dataInLength(sent);
        t.complete();
    }

    static void good(final ScsiTask t)
    {
        t.status(ScsiStatus.GOOD);
        t.complete();
    }

    /** RESERVATION CONFLICT carries no sense data (SAM-5 5.3.1). */
    static void reservationConflict(final ScsiTask t)
    {
        t.status(ScsiStatus.RESERVATION_CONFLICT);
        t.complete();
    }

    static void noDevice(final ScsiTask t)
    {
        // A LUN without a backstore handle on this loop is a configuration error on our side.
        internalTargetFailure(t);
    }

    static void internalTargetFailure(final ScsiTask t)
    {
        t.checkCondition(SenseKey.HARDWARE_ERROR, Asc.INTERNAL_TARGET_FAILURE);
        t.complete();
    }

    static void illegal(final ScsiTask t, final int ascAscq, final int senseKeySpecific)
    {
        t.checkCondition(SenseKey.ILLEGAL_REQUEST, ascAscq, false, 0, senseKeySpecific);
        t.complete();
    }

    static void invalidCdb(final ScsiTask t, final int byteOffset, final int bit)
    {
        illegal(t, Asc.INVALID_FIELD_IN_CDB, cdbPointer(byteOffset, bit));
    }

    static void invalidParameter(final ScsiTask t, final int byteOffset, final int bit)
    {
        illegal(t, Asc.INVALID_FIELD_IN_PARAMETER_LIST, fieldPointer(false, byteOffset, bit));
    }

    /**
     * Sense-key specific field pointer (SPC-4 4.5.2.4.2): SKSV, C/D=1, BPV and bit pointer when bit >= 0.
     */
    static int cdbPointer(final int byteOffset, final int bit)
    {
        return fieldPointer(true, byteOffset, bit);
    }

    static int fieldPointer(final boolean cdb, final int byteOffset, final int bit)
    {
        int first = 0x80 | (cdb ? 0x40 : 0);
        if (bit >= 0)
        {
            first |= 0x08 | (bit & 0x07);
        }
        return (first << 16) | (byteOffset & 0xFFFF);
    }
}
