package io.ringtarget.iscsi.transport;

import io.ringtarget.pdu.Crc32cDigest;
import io.ringtarget.pdu.PduFramer;
import io.ringtarget.ring.LazyMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The receive side of a connection: an off-heap buffer the connection's RECV fills at {@link #receiveAddress()},
 * and a {@link PduFramer} that finds whole PDUs in it and hands them, digests checked, to a {@link PduHandler}
 * without copying. {@link #poll} hands over at most a given number of PDUs per call (SPDK: 16), so one busy
 * connection cannot starve the others of its loop; PDUs left over stay buffered ({@link #hasWholePdu()}) and the
 * connection does not receive more until they are handled, which bounds the buffer and pushes back on the
 * initiator through TCP.
 * <p>
 * A partial PDU at the end of the buffer is moved to its start only between receives (never while a RECV into
 * the buffer is in flight). Owned by the connection's loop.
 */
public final class PduReceiver
{
    /** PDUs one {@link #poll} hands over at most. */
    public static final int MAX_PDUS_PER_POLL = 16;
    private static final int MAX_AHS = 1024;
    private static final int DIGESTS = 8;
    /**
     * What a connection that is logging in may have buffered: two PDUs of the login's data segment limit (8192 bytes,
     * RFC 7143 13.12: the initiator must assume it until it is told otherwise). An unauthenticated peer so touches at
     * most these few pages of the buffer, however much it sends.
     */
    public static final int LOGIN_LIMIT = 2 * (PduSender.BHS_LENGTH + MAX_AHS + DIGESTS + 8192 + 3);
    /** The data segment limit during login (RFC 7143 13.12, the default MaxRecvDataSegmentLength). */
    public static final int LOGIN_MAX_DATA_SEGMENT = 8192;

    private final MemorySegment buffer;
    private final long address;
    private final int capacity;
    private int limit;
    private final PduFramer framer = new PduFramer();
    private final Crc32cDigest digest;
    private long readPos;
    private long writePos;
    private boolean headerDigest;
    private boolean dataDigest;
    private long pendingLength;

    /**
     * @param maxRecvDataSegmentLength the largest data segment this side accepts: the buffer holds at least two
     *                                 such PDUs.
     */
    public PduReceiver(final Arena arena, final int maxRecvDataSegmentLength, final int minCapacity)
    {
        final int maxPdu = PduSender.BHS_LENGTH + MAX_AHS + DIGESTS + maxRecvDataSegmentLength + 3;
        this.capacity = Math.max(2 * maxPdu, minCapacity);
        this.limit = capacity;
        this.buffer = LazyMemory.allocate(arena, capacity);   // pages committed as they are first received into
        this.address = buffer.address();
        this.digest = new Crc32cDigest().wrap(buffer);
        framer.maxRecvDataSegmentLength(maxRecvDataSegmentLength);
    }

    /**
     * While the connection logs in: at most {@link #LOGIN_LIMIT} bytes buffered and data segments of at most
     * {@link #LOGIN_MAX_DATA_SEGMENT} bytes; {@link #maxRecvDataSegmentLength} lifts both once it has logged in.
     */
    public PduReceiver loginLimits()
    {
        limit = Math.min(capacity, LOGIN_LIMIT);
        framer.maxRecvDataSegmentLength(LOGIN_MAX_DATA_SEGMENT);
        return this;
    }

    /** Digests apply from the first PDU after the final Login Response (RFC 7143 section 13.1). */
    public PduReceiver digests(final boolean header, final boolean data)
    {
        headerDigest = header;
        dataDigest = data;
        framer.headerDigest(header).dataDigest(data);
        return this;
    }

    /** What we declared in login (MaxRecvDataSegmentLength, RFC 7143 13.12); longer data segments are refused. */
    public PduReceiver maxRecvDataSegmentLength(final int length)
    {
        limit = capacity;
        framer.maxRecvDataSegmentLength(Math.min(length, capacity / 2 - PduSender.BHS_LENGTH - MAX_AHS - DIGESTS - 3));
        return this;
    }

    public MemorySegment buffer()
    {
        return buffer;
    }

    /** Where the next RECV writes. */
    public long receiveAddress()
    {
        return address + writePos;
    }

    /** How much the next RECV may write; 0 when the buffer is full. */
    public int receiveRoom()
    {
        return (int)Math.max(0, limit - writePos);
    }

    /** A RECV completed with {@code bytes} > 0 at {@link #receiveAddress()}. */
    public void received(final int bytes)
    {
        writePos += bytes;
    }

    /** Whether a whole PDU is buffered (left over by a bounded {@link #poll}). */
    public boolean hasWholePdu()
    {
        return pendingLength > 0;
    }

    /**
     * Hands over up to {@code maxPdus} whole PDUs. Call only while no RECV into the buffer is in flight.
     *
     * @return the number of PDUs handed over.
     */
    public int poll(final PduHandler handler, final int maxPdus)
    {
        int count = 0;
        pendingLength = 0;
        while (writePos > readPos)
        {
            final long length = framer.frame(buffer, readPos, writePos - readPos);
            if (length == PduFramer.NEED_MORE)
            {
                if (readPos == 0 && writePos >= limit)
                {
                    handler.onStreamError("PDU larger than the receive buffer", false);
                    return count;
                }
                break;
            }
            if (length < 0)
            {
                handler.onStreamError("malformed PDU: " + PduFramer.errorName(length), false);
                return count;
            }
            if (count == maxPdus)
            {
                pendingLength = length;
                break;
            }
            final long offset = readPos;
            readPos += length;
            count++;
            if (!deliver(handler, offset))
            {
                return count;
            }
        }
        compact();
        return count;
    }

    private boolean deliver(final PduHandler handler, final long offset)
    {
        final long dataOffset = offset + framer.dataOffset();
        final int dataLength = framer.dataLength();
        if (headerDigest && !digest.verify(offset, framer.headerDigestOffset(), offset + framer.headerDigestOffset()))
        {
            handler.onStreamError("header digest error", true);
            return false;
        }
        if (dataDigest && dataLength > 0 &&
            !digest.verify(dataOffset, (dataLength + 3) & ~3, offset + framer.dataDigestOffset()))
        {
            return handler.onDataDigestError(buffer, offset);
        }
        return handler.onPdu(buffer, offset, dataOffset, dataLength);
    }

    private void compact()
    {
        if (readPos == writePos)
        {
            readPos = 0;
            writePos = 0;
        }
        else if (readPos > 0 && writePos > limit / 2 && pendingLength == 0)
        {
            // Move the partial PDU to the front so the next receive has room (rare: a PDU split at the end).
            MemorySegment.copy(buffer, readPos, buffer, 0, writePos - readPos);
            writePos -= readPos;
            readPos = 0;
        }
    }
}
