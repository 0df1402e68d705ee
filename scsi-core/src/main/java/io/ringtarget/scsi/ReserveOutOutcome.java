package io.ringtarget.scsi;

/**
 * How a PERSISTENT RESERVE OUT ended, as one {@code long} the service actions return under the lock (no object per
 * command), answered by {@link #respond} once the lock is released.
 * <pre>
 *   bits 63-56  kind: 0 GOOD, 1 RESERVATION CONFLICT, 2 ILLEGAL REQUEST, 3 HARDWARE ERROR / INTERNAL TARGET FAILURE
 *   bits 39-24  ASC and ASCQ (ILLEGAL REQUEST)
 *   bits 23-0   sense-key specific field pointer (ILLEGAL REQUEST; 0: none)
 * </pre>
 */
final class ReserveOutOutcome
{
    private static final long KIND_CONFLICT = 1;
    private static final long KIND_ILLEGAL = 2;
    private static final long KIND_FAILED = 3;

    static final long GOOD = 0;
    static final long CONFLICT = KIND_CONFLICT << 56;
    /** The APTPL write failed: nothing changed. */
    static final long FAILED = KIND_FAILED << 56 | (long)Asc.INTERNAL_TARGET_FAILURE << 24;

    private ReserveOutOutcome()
    {
    }

    /** ILLEGAL REQUEST without a field pointer. */
    static long illegal(final int ascAscq)
    {
        return illegal(ascAscq, 0);
    }

    /** INVALID FIELD IN PARAMETER LIST pointing at the byte (and bit, or -1) of the parameter list. */
    static long invalidParameter(final int byteOffset, final int bit)
    {
        return illegal(Asc.INVALID_FIELD_IN_PARAMETER_LIST, Responses.fieldPointer(false, byteOffset, bit));
    }

    /** INVALID FIELD IN CDB pointing at the byte (and bit, or -1) of the CDB. */
    static long invalidCdb(final int byteOffset, final int bit)
    {
        return illegal(Asc.INVALID_FIELD_IN_CDB, Responses.cdbPointer(byteOffset, bit));
    }

    private static long illegal(final int ascAscq, final int senseKeySpecific)
    {
        return KIND_ILLEGAL << 56 | (long)ascAscq << 24 | (senseKeySpecific & 0xFF_FFFFL);
    }

    /** Completes the task as the outcome says. */
    static void respond(final ScsiTask t, final long outcome)
    {
        final int kind = (int)(outcome >>> 56);
        final int ascAscq = (int)(outcome >>> 24) & 0xFFFF;
        final int pointer = (int)outcome & 0xFF_FFFF;
        switch (kind)
        {
            case 0:
                Responses.good(t);
                break;
            case (int)KIND_CONFLICT:
                Responses.reservationConflict(t);
                break;
            case (int)KIND_ILLEGAL:
                Responses.illegal(t, ascAscq, pointer);
                break;
            default:
                Responses.internalTargetFailure(t);
                break;
        }
    }
}
