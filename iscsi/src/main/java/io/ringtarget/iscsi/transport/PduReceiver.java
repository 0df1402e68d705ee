package io.ringtarget.iscsi.transport;

import io.ringtarget.pdu.BasicHeaderSegment;
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
 * <p>
 * A large data segment that has arrived only in part, behind a whole header, may be received in place
 * ({@link PduHandler#placeData}): the part already here is copied to where the handler says (a write command's
 * buffer), the RECVs then go straight there ({@link #receiveAddress()}, re-armed for the rest after a short one), and
 * padding and data digest come through the buffer again, behind the header, which stays at its start until the PDU is
 * handed over ({@link PduHandler#onPlacedPdu}). Each byte of data is so written once, by the kernel. The RECV that
 * follows takes only a little ({@link #READ_AHEAD_AFTER_PLACED}), so that a stream of large PDUs keeps being placed.
 */
public final class PduReceiver
{
    /** PDUs one {@link #poll} hands over at most. */
    public static final int MAX_PDUS_PER_POLL = 16;
    private static final int MAX_AHS = 1024;
    private static final int DIGESTS = 8;
    private static final int DIGEST_LENGTH = Crc32cDigest.LENGTH;
    /**
     * What a connection that is logging in may have buffered: two PDUs of the login's data segment limit (8192 bytes,
     * RFC 7143 13.12: the initiator must assume it until it is told otherwise). An unauthenticated peer so touches at
     * most these few pages of the buffer, however much it sends.
     */
    public static final int LOGIN_LIMIT = 2 * (PduSender.BHS_LENGTH + MAX_AHS + DIGESTS + 8192 + 3);
    /** The data segment limit during login (RFC 7143 13.12, the default MaxRecvDataSegmentLength). */
    public static final int LOGIN_MAX_DATA_SEGMENT = 8192;
    /**
     * Data not yet received, at least, for it to be received in place: below this, copying it costs less than the
     * extra RECV the padding and digest then take.
     */
    public static final int PLACEMENT_THRESHOLD = 16 * 1024;
    /**
     * What the RECV behind a placed data segment may take into the buffer: its padding and digest, the next PDU's
     * header and a little of its data. Unbounded, it would take whole PDUs of a write stream that is queued in the
     * socket, and those would be copied; bounded, the next large data segment is placed too.
     */
    public static final int READ_AHEAD_AFTER_PLACED = 16 * 1024;

    private static final int FRAMING = 0;
    private static final int PLACING = 1;
    private static final int TRAILER = 2;

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
    private final DataPlacement placement = new DataPlacement();
    private int mode = FRAMING;
    private int placeHeaderLength;
    private int placeLength;
    private int placed;
    private int placeTrailerLength;
    /** The next RECV into the buffer takes at most {@link #READ_AHEAD_AFTER_PLACED}: a data segment was placed. */
    private boolean boundedReceive;

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

    /** Where the next RECV writes: the buffer, or the placed data segment's buffer while one is received in place. */
    public long receiveAddress()
    {
        return mode == PLACING ? placement.segment().address() + placement.offset() + placed : address + writePos;
    }

    /** How much the next RECV may write; 0 when the buffer is full. */
    public int receiveRoom()
    {
        if (mode == PLACING)
        {
            return placeLength - placed;
        }
        final long room = Math.max(0, limit - writePos);
        return (int)(boundedReceive ? Math.min(room, READ_AHEAD_AFTER_PLACED) : room);
    }

    /** Whether the next RECV goes straight into a placed data segment ({@link PduHandler#placeData}). */
    public boolean placing()
    {
        return mode == PLACING;
    }

    /** A RECV completed with {@code bytes} > 0 at {@link #receiveAddress()}. */
    public void received(final int bytes)
    {
        if (mode == PLACING)
        {
            placed += bytes;
            if (placed == placeLength)
            {
                mode = TRAILER;   // padding and data digest come through the buffer, behind the header
            }
            return;
        }
        writePos += bytes;
        if (mode == FRAMING)
        {
            boundedReceive = false;   // once past the placed PDU's trailer, RECVs take what there is again
        }
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
        if (mode != FRAMING)
        {
            if (mode == PLACING || writePos - placeHeaderLength < placeTrailerLength)
            {
                return 0;   // the data segment, or its padding and digest, still arriving
            }
            count++;
            if (!deliverPlaced(handler))
            {
                return count;
            }
        }
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
                if (writePos - readPos >= PduSender.BHS_LENGTH)
                {
                    final int placedHeader = place(handler);
                    if (placedHeader < 0)
                    {
                        return count;
                    }
                    if (placedHeader > 0)
                    {
                        return count;   // receiving in place: nothing to compact, the header is at the start
                    }
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

    /**
     * Offers the handler the data segment of the incomplete PDU at {@code readPos} when its header is whole, it has no
     * AHS and at least {@link #PLACEMENT_THRESHOLD} bytes of its data are still to come.
     *
     * @return the header's length when the data is received in place from now on, 0 when not, -1 after a header
     * digest error (the stream is given up).
     */
    private int place(final PduHandler handler)
    {
        final long available = writePos - readPos;
        final int headerLength = PduSender.BHS_LENGTH + (headerDigest ? DIGEST_LENGTH : 0);
        final int dataLength = BasicHeaderSegment.dataSegmentLength(buffer, readPos);
        if (BasicHeaderSegment.totalAhsLength(buffer, readPos) != 0 || available < headerLength ||
            dataLength - (available - headerLength) < PLACEMENT_THRESHOLD)
        {
            return 0;
        }
        if (headerDigest && !digest.verify(readPos, PduSender.BHS_LENGTH, readPos + PduSender.BHS_LENGTH))
        {
            handler.onStreamError("header digest error", true);   // the lengths cannot be trusted
            return -1;
        }
        final int have = (int)(available - headerLength);
        if (!handler.placeData(buffer, readPos, readPos + headerLength, have, dataLength, placement))
        {
            return 0;
        }
        // The header moves to the start of the buffer, where padding and digest will follow it.
        MemorySegment.copy(buffer, readPos, buffer, 0, headerLength);
        readPos = 0;
        writePos = headerLength;
        placeHeaderLength = headerLength;
        placeLength = dataLength;
        placed = have;
        placeTrailerLength = ((dataLength + 3) & ~3) - dataLength + (dataDigest ? DIGEST_LENGTH : 0);
        mode = PLACING;
        boundedReceive = true;
        return headerLength;
    }

    /** The placed PDU's data, padding and digest are all in: checks the data digest and hands the PDU over. */
    private boolean deliverPlaced(final PduHandler handler)
    {
        mode = FRAMING;
        final int padding = placeTrailerLength - (dataDigest ? DIGEST_LENGTH : 0);
        boolean digestOk = true;
        if (dataDigest)
        {
            // The data digest covers data and padding (RFC 7143 11.1), which arrived in two buffers.
            final int crc = placement.digest().begin().update(placement.offset(), placeLength)
                .update(buffer, placeHeaderLength, padding).finish();
            digestOk = crc == Crc32cDigest.read(buffer, placeHeaderLength + padding);
        }
        readPos = placeHeaderLength + placeTrailerLength;
        placement.clear();
        return handler.onPlacedPdu(buffer, 0, placeLength, digestOk);
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
