package io.ringtarget.iscsi.transport;

import io.ringtarget.pdu.Crc32cDigest;

import java.lang.foreign.MemorySegment;

/**
 * Where a PDU's data segment is received in place instead of through the receive buffer: a command's buffer at the
 * data's offset in it, and a CRC32C digest over that buffer for the data digest. Filled by
 * {@link PduHandler#placeData}; owned by the connection's {@link PduReceiver}.
 */
public final class DataPlacement
{
    private MemorySegment segment;
    private long offset;
    private Crc32cDigest digest;

    /**
     * @param segment the buffer the data goes to; it must stay the receiver's until {@link PduHandler#onPlacedPdu}.
     * @param offset  where the data segment's first byte goes.
     * @param digest  a digest wrapping {@code segment}.
     */
    public void set(final MemorySegment segment, final long offset, final Crc32cDigest digest)
    {
        this.segment = segment;
        this.offset = offset;
        this.digest = digest;
    }

    public MemorySegment segment()
    {
        return segment;
    }

    public long offset()
    {
        return offset;
    }

    public Crc32cDigest digest()
    {
        return digest;
    }

    void clear()
    {
        segment = null;
        digest = null;
    }
}
