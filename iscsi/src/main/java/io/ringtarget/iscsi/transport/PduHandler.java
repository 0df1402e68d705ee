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
}
