package io.ringtarget.iscsi.transport;

import java.lang.foreign.MemorySegment;

/** Receives the PDUs a {@link PduReceiver} frames, in place in its buffer. */
public interface PduHandler
{
    /**
     * One whole PDU, digests checked: its BHS at {@code offset} of {@code buffer}, its data segment at
     * {@code dataOffset} ({@code dataLength} bytes, without padding). The bytes are valid until this returns.
     *
     * @return false to stop taking PDUs (the connection is closing).
     */
    boolean onPdu(MemorySegment buffer, long offset, long dataOffset, int dataLength);

    /**
     * A PDU whose data digest does not match: it is dropped (RFC 7143 section 7.8: answered by a Reject).
     *
     * @return false to stop taking PDUs.
     */
    boolean onDataDigestError(MemorySegment buffer, long offset);

    /**
     * The stream cannot be read on: a malformed header, a header digest error (the lengths cannot be trusted, RFC
     * 7143 section 7.8), or a PDU that does not fit the buffer. The connection must close.
     */
    void onStreamError(String reason, boolean headerDigest);

    /**
     * The header of a PDU (BHS at {@code offset} of {@code buffer}, header digest checked) whose data segment of
     * {@code dataLength} bytes has arrived only in part: the first {@code have} bytes at {@code dataOffset}. A handler
     * that knows where the data goes (a write command's buffer) copies those bytes there, fills {@code into} and
     * returns true: the rest is then received straight into that buffer, and the PDU comes back through
     * {@link #onPlacedPdu}. Nothing about the PDU is decided yet: it may still fail its data digest.
     *
     * @return false to take the PDU through the receive buffer as usual.
     */
    default boolean placeData(
        final MemorySegment buffer, final long offset, final long dataOffset, final int have, final int dataLength,
        final DataPlacement into)
    {
        return false;
    }

    /**
     * A PDU whose data segment {@link #placeData} placed has all arrived: its BHS at {@code offset} of {@code buffer},
     * its data where the placement said. {@code digestOk} is false when the data digest does not match (the PDU is
     * then dropped, as {@link #onDataDigestError} drops one).
     *
     * @return false to stop taking PDUs.
     */
    default boolean onPlacedPdu(final MemorySegment buffer, final long offset, final int dataLength, final boolean digestOk)
    {
        throw new IllegalStateException("placeData placed nothing");
    }
}
