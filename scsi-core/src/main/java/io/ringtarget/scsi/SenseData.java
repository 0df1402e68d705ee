package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * Sense data (SPC-4 4.5) in either format a logical unit reports: fixed (response code 70h, 4.5.3) or descriptor (72h,
 * 4.5.2, when the control mode page's D_SENSE is one), with the INFORMATION field and the sense-key specific field
 * (SKSV set: a progress indication, the field pointer of an INVALID FIELD) when given. Allocation-free.
 */
final class SenseData
{
    /** Fixed format: 18 bytes, ADDITIONAL SENSE LENGTH 10. */
    static final int FIXED_LENGTH = 18;
    /** Descriptor format: the 8-byte header, an information descriptor (12) and a sense-key specific one (8). */
    static final int MAX_DESCRIPTOR_LENGTH = 28;
    /** The most either format takes here. */
    static final int MAX_LENGTH = Math.max(FIXED_LENGTH, MAX_DESCRIPTOR_LENGTH);

    private SenseData()
    {
    }

    /**
     * Writes sense data at the start of {@code out}.
     *
     * @param senseKeySpecific 0, or the 3 bytes of the sense-key specific field with SKSV set (SPC-4 4.5.2.4).
     * @return its length in bytes.
     */
    static int write(
        final MemorySegment out, final boolean descriptor, final int senseKey, final int ascAscq,
        final boolean informationValid, final long information, final int senseKeySpecific)
    {
        if (!descriptor)
        {
            // SPC-4 4.5.3 fixed format.
            Bytes.zero(out, 0, FIXED_LENGTH);
            Bytes.put8(out, 0, informationValid ? 0xF0 : 0x70);
            Bytes.put8(out, 2, senseKey);
            Bytes.put32(out, 3, information);
            Bytes.put8(out, 7, FIXED_LENGTH - 8);
            Bytes.put8(out, 12, Asc.asc(ascAscq));
            Bytes.put8(out, 13, Asc.ascq(ascAscq));
            Bytes.put24(out, 15, senseKeySpecific);
            return FIXED_LENGTH;
        }
        // SPC-4 4.5.2 descriptor format: 8-byte header, then information (4.5.2.2) and sense-key specific
        // (4.5.2.4) descriptors.
        Bytes.zero(out, 0, MAX_DESCRIPTOR_LENGTH);
        Bytes.put8(out, 0, 0x72);
        Bytes.put8(out, 1, senseKey);
        Bytes.put8(out, 2, Asc.asc(ascAscq));
        Bytes.put8(out, 3, Asc.ascq(ascAscq));
        int length = 8;
        if (informationValid)
        {
            Bytes.put8(out, length, 0x00);
            Bytes.put8(out, length + 1, 0x0A);
            Bytes.put8(out, length + 2, 0x80);
            Bytes.put64(out, length + 4, information);
            length += 12;
        }
        if (senseKeySpecific != 0)
        {
            Bytes.put8(out, length, 0x02);
            Bytes.put8(out, length + 1, 0x06);
            Bytes.put24(out, length + 4, senseKeySpecific);
            length += 8;
        }
        Bytes.put8(out, 7, length - 8);
        return length;
    }
}
