package io.ringtarget.pdu;

import java.lang.foreign.MemorySegment;

/**
 * One Additional Header Segment (RFC 7143 section 11.2.2).
 * <pre>
 *   0| AHSLength                     | AHSType       | AHS-Specific  |
 *   4/ AHS-Specific                                                  /
 * </pre>
 * AHSLength counts the bytes after the AHSType and AHS-Specific bytes, without padding; each AHS is padded to a
 * 4-byte boundary. Walk a PDU's AHS list with {@link #wrap}, {@link #next()} inside the TotalAHSLength bytes.
 */
public final class AdditionalHeaderSegment
{
    public static final int AHS_LENGTH_OFFSET = 0;
    public static final int AHS_TYPE_OFFSET = 2;
    public static final int AHS_SPECIFIC_OFFSET = 3;
    public static final int HEADER_LENGTH = 3;

    /** AHSType codes (RFC 7143 11.2.2.2). */
    public static final int EXTENDED_CDB = 1;
    public static final int EXPECTED_BIDIRECTIONAL_READ_DATA_LENGTH = 2;

    /** The Extended CDB AHS holds CDB bytes 16.. after one reserved byte (RFC 7143 11.2.2.3). */
    public static final int EXTENDED_CDB_DATA_OFFSET = 4;
    /** AHSLength of the bidirectional read AHS: reserved byte plus 4-byte length (RFC 7143 11.2.2.4). */
    public static final int BIDIRECTIONAL_AHS_LENGTH = 5;
    public static final int BIDIRECTIONAL_READ_DATA_LENGTH_OFFSET = 4;

    private MemorySegment segment;
    private long offset;

    public AdditionalHeaderSegment wrap(final MemorySegment segment, final long offset)
    {
        this.segment = segment;
        this.offset = offset;
        return this;
    }

    public MemorySegment segment()
    {
        return segment;
    }

    public long offset()
    {
        return offset;
    }

    public int ahsLength()
    {
        return Wire.u16(segment, offset + AHS_LENGTH_OFFSET);
    }

    public AdditionalHeaderSegment ahsLength(final int length)
    {
        Wire.u16(segment, offset + AHS_LENGTH_OFFSET, length);
        return this;
    }

    public int ahsType()
    {
        return Wire.u8(segment, offset + AHS_TYPE_OFFSET);
    }

    public AdditionalHeaderSegment ahsType(final int type)
    {
        Wire.u8(segment, offset + AHS_TYPE_OFFSET, type);
        return this;
    }

    /** @return this AHS's length on the wire, header and padding included. */
    public int totalLength()
    {
        return Padding.pad4(HEADER_LENGTH + ahsLength());
    }

    /**
     * Move to the following AHS.
     *
     * @return this.
     */
    public AdditionalHeaderSegment next()
    {
        offset += totalLength();
        return this;
    }

    /** @return absolute offset of CDB byte 16 inside an Extended CDB AHS. */
    public long extendedCdbOffset()
    {
        return offset + EXTENDED_CDB_DATA_OFFSET;
    }

    /** @return number of extended CDB bytes (the CDB length minus 16), AHSLength - 1 (RFC 7143 11.2.2.3). */
    public int extendedCdbLength()
    {
        return ahsLength() - 1;
    }

    public int bidirectionalReadDataLength()
    {
        return Wire.i32(segment, offset + BIDIRECTIONAL_READ_DATA_LENGTH_OFFSET);
    }

    /**
     * Write a whole bidirectional read AHS (8 bytes) here.
     *
     * @param length Expected Read-Data Length.
     * @return this.
     */
    public AdditionalHeaderSegment bidirectionalReadDataLength(final int length)
    {
        Wire.u16(segment, offset + AHS_LENGTH_OFFSET, BIDIRECTIONAL_AHS_LENGTH);
        Wire.u8(segment, offset + AHS_TYPE_OFFSET, EXPECTED_BIDIRECTIONAL_READ_DATA_LENGTH);
        Wire.u8(segment, offset + AHS_SPECIFIC_OFFSET, 0);
        Wire.i32(segment, offset + BIDIRECTIONAL_READ_DATA_LENGTH_OFFSET, length);
        return this;
    }

    /**
     * Find the first AHS of a type in an AHS area.
     *
     * @param segment  memory.
     * @param ahsStart absolute offset of the first AHS (BHS offset + 48).
     * @param ahsBytes TotalAHSLength * 4.
     * @param type     AHSType wanted.
     * @return absolute offset of that AHS, or -1 when absent or when an AHS overruns the area.
     */
    public static long find(final MemorySegment segment, final long ahsStart, final int ahsBytes, final int type)
    {
        long at = ahsStart;
        final long end = ahsStart + ahsBytes;
        while (at + 4 <= end)
        {
            final int length = Wire.u16(segment, at + AHS_LENGTH_OFFSET);
            final long next = at + Padding.pad4(HEADER_LENGTH + length);
            if (next > end)
            {
                return -1;
            }
            if (Wire.u8(segment, at + AHS_TYPE_OFFSET) == type)
            {
                return at;
            }
            at = next;
        }
        return -1;
    }

    /**
     * Check that the AHS area is exactly a sequence of well-formed AHS (RFC 7143 11.2.2).
     *
     * @param segment  memory.
     * @param ahsStart absolute offset of the first AHS.
     * @param ahsBytes TotalAHSLength * 4.
     * @return true when every AHS has AHSLength &gt; 0, fits, and together they fill the area exactly.
     */
    public static boolean isWellFormed(final MemorySegment segment, final long ahsStart, final int ahsBytes)
    {
        long at = ahsStart;
        final long end = ahsStart + ahsBytes;
        while (at < end)
        {
            if (at + 4 > end)
            {
                return false;
            }
            final int length = Wire.u16(segment, at + AHS_LENGTH_OFFSET);
            if (length == 0)
            {
                // Every AHS has at least its AHS-specific byte (RFC 7143 11.2.2); zero here is fill, not an AHS.
                return false;
            }
            at += Padding.pad4(HEADER_LENGTH + length);
        }
        return at == end;
    }
}
