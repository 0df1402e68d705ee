package io.ringtarget.pdu;

import java.lang.foreign.MemorySegment;

/**
 * Finds PDU boundaries in a receive stream in place (RFC 7143 section 11.1 layout: BHS, AHS, header digest, data
 * segment padded to 4 bytes, data digest). The stream may split a PDU anywhere, including inside the BHS: the
 * caller passes the bytes it has and is told either the PDU's total length, how many more bytes it needs, or that
 * the header is malformed. Nothing is copied or allocated; the last framed PDU's layout stays readable through the
 * accessors until the next call.
 * <p>
 * Digests are located, not verified; {@link Crc32cDigest} verifies them. Header and data digests apply only once
 * negotiated (after the login phase, RFC 7143 13.1), so the connection switches them on then.
 */
public final class PduFramer
{
    /** Returned by {@link #frame} when more bytes are needed; see {@link #bytesNeeded()}. */
    public static final int NEED_MORE = 0;
    /** DataSegmentLength exceeds our MaxRecvDataSegmentLength (RFC 7143 13.12): a protocol error. */
    public static final int ERROR_DATA_SEGMENT_TOO_LONG = -1;
    /** TotalAHSLength exceeds what this framer accepts. */
    public static final int ERROR_AHS_TOO_LONG = -2;
    /** The AHS entries do not exactly fill TotalAHSLength (RFC 7143 11.2.2). */
    public static final int ERROR_AHS_MALFORMED = -3;

    /** RFC 7143 13.12 default MaxRecvDataSegmentLength, in force until negotiated. */
    public static final int DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH = 8192;
    /**
     * Default AHS limit: an Extended CDB AHS for the longest CDB (260 bytes, SPC-4 variable-length CDBs: 248 bytes
     * on the wire) plus a bidirectional read AHS (8 bytes).
     */
    public static final int DEFAULT_MAX_AHS_LENGTH = 256;
    public static final int DIGEST_LENGTH = 4;

    private boolean headerDigest;
    private boolean dataDigest;
    private int maxRecvDataSegmentLength = DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH;
    private int maxAhsLength = DEFAULT_MAX_AHS_LENGTH;

    private int bytesNeeded;
    private int pduLength;
    private int ahsLength;
    private int headerDigestOffset;
    private int dataOffset;
    private int dataLength;
    private int dataDigestOffset;

    public PduFramer headerDigest(final boolean enabled)
    {
        headerDigest = enabled;
        return this;
    }

    public boolean headerDigest()
    {
        return headerDigest;
    }

    public PduFramer dataDigest(final boolean enabled)
    {
        dataDigest = enabled;
        return this;
    }

    public boolean dataDigest()
    {
        return dataDigest;
    }

    /**
     * @param length largest DataSegmentLength accepted, 512..2^24-1 (RFC 7143 13.12).
     * @return this.
     */
    public PduFramer maxRecvDataSegmentLength(final int length)
    {
        maxRecvDataSegmentLength = length;
        return this;
    }

    public int maxRecvDataSegmentLength()
    {
        return maxRecvDataSegmentLength;
    }

    /**
     * @param length largest TotalAHSLength * 4 accepted, at most 1020.
     * @return this.
     */
    public PduFramer maxAhsLength(final int length)
    {
        maxAhsLength = length;
        return this;
    }

    public int maxAhsLength()
    {
        return maxAhsLength;
    }

    /**
     * Frame the PDU starting at offset.
     *
     * @param buffer    receive buffer.
     * @param offset    where the PDU starts.
     * @param available bytes received from offset on.
     * @return the PDU's total length (&gt; 0) when all of it is in the buffer; {@link #NEED_MORE} when more bytes are
     * needed ({@link #bytesNeeded()} says how many at least); a negative ERROR_ code when the header is malformed
     * (the stream cannot be resynchronised: drop the connection, RFC 7143 6.6).
     */
    public long frame(final MemorySegment buffer, final long offset, final long available)
    {
        if (available < PduHeader.LENGTH)
        {
            bytesNeeded = (int)(PduHeader.LENGTH - available);
            return NEED_MORE;
        }

        final int ahs = BasicHeaderSegment.totalAhsLength(buffer, offset) << 2;
        final int dsl = BasicHeaderSegment.dataSegmentLength(buffer, offset);
        if (ahs > maxAhsLength)
        {
            return ERROR_AHS_TOO_LONG;
        }
        if (dsl > maxRecvDataSegmentLength)
        {
            return ERROR_DATA_SEGMENT_TOO_LONG;
        }

        final int digestAt = PduHeader.LENGTH + ahs;
        final int dataAt = headerDigest ? digestAt + DIGEST_LENGTH : digestAt;
        final int paddedEnd = dataAt + ((dsl + 3) & ~3);
        final int total = dataDigest && dsl != 0 ? paddedEnd + DIGEST_LENGTH : paddedEnd;

        if (available < total)
        {
            bytesNeeded = (int)(total - available);
            return NEED_MORE;
        }
        if (ahs != 0 && !AdditionalHeaderSegment.isWellFormed(buffer, offset + PduHeader.LENGTH, ahs))
        {
            return ERROR_AHS_MALFORMED;
        }

        bytesNeeded = 0;
        pduLength = total;
        ahsLength = ahs;
        headerDigestOffset = headerDigest ? digestAt : -1;
        dataOffset = dataAt;
        dataLength = dsl;
        dataDigestOffset = dataDigest && dsl != 0 ? paddedEnd : -1;
        return total;
    }

    /** @return after {@link #NEED_MORE}, the least number of further bytes needed; 0 after a framed PDU. */
    public int bytesNeeded()
    {
        return bytesNeeded;
    }

    /** @return total length of the last framed PDU. */
    public int pduLength()
    {
        return pduLength;
    }

    /** @return offset of the AHS relative to the PDU start (always 48). */
    public int ahsOffset()
    {
        return PduHeader.LENGTH;
    }

    /** @return TotalAHSLength * 4 of the last framed PDU. */
    public int ahsLength()
    {
        return ahsLength;
    }

    /** @return offset of the header digest relative to the PDU start, -1 when header digests are off. */
    public int headerDigestOffset()
    {
        return headerDigestOffset;
    }

    /** @return offset of the data segment relative to the PDU start. */
    public int dataOffset()
    {
        return dataOffset;
    }

    /** @return DataSegmentLength of the last framed PDU, without padding. */
    public int dataLength()
    {
        return dataLength;
    }

    /** @return offset of the data digest relative to the PDU start, -1 when absent (off, or no data). */
    public int dataDigestOffset()
    {
        return dataDigestOffset;
    }

    /** @return name of a frame() error code, for logs. */
    public static String errorName(final long code)
    {
        if (code == ERROR_DATA_SEGMENT_TOO_LONG)
        {
            return "DATA_SEGMENT_TOO_LONG";
        }
        if (code == ERROR_AHS_TOO_LONG)
        {
            return "AHS_TOO_LONG";
        }
        if (code == ERROR_AHS_MALFORMED)
        {
            return "AHS_MALFORMED";
        }
        return code == NEED_MORE ? "NEED_MORE" : "NONE";
    }
}
