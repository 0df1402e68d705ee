package io.ringtarget.iscsi.transport;

import io.ringtarget.pdu.BasicHeaderSegment;
import io.ringtarget.pdu.Crc32cDigest;
import io.ringtarget.pdu.Opcode;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The {@link PduSender} of a connection: PDUs are staged and queued in a {@link SendQueue} and go out in batches, one
 * SENDMSG in flight at a time ({@link #flush()}) on the connection's socket (the loop's io_uring ring,
 * {@link RingSocket}). Header and data digests (CRC32C) and padding are added here once negotiated. Owned by the
 * connection's loop.
 */
public final class RingPduSender implements PduSender
{
    /** BHS, header digest, padding (3), data digest and slack for the 8-byte staging alignment. */
    private static final int STAGING_OVERHEAD = BHS_LENGTH + 4 + 3 + 4 + 4;

    private final SendQueue queue;
    private final MemorySegment staging;
    private final Crc32cDigest stagingDigest;
    private final ConnectionSocket socket;
    private final long sendUserData;
    private final SentListener listener;
    private boolean headerDigest;
    private boolean dataDigest;
    private boolean overloaded;

    /**
     * @param socket       where the SENDMSGs go.
     * @param sendUserData the user_data of this connection's SENDMSGs.
     * @param listener     told the tag of every PDU sent (or dropped by {@link #clear()}).
     */
    public RingPduSender(
        final Arena arena, final int stagingCapacity, final ConnectionSocket socket, final long sendUserData,
        final SentListener listener)
    {
        this.queue = new SendQueue(arena, stagingCapacity);
        this.staging = queue.staging();
        this.stagingDigest = new Crc32cDigest().wrap(staging);
        this.socket = socket;
        this.sendUserData = sendUserData;
        this.listener = listener;
    }

    /** Digests apply from the first PDU after the final Login Response (RFC 7143 section 13.1). */
    public RingPduSender digests(final boolean header, final boolean data)
    {
        headerDigest = header;
        dataDigest = data;
        return this;
    }

    /** Whether a PDU was dropped for lack of room: the initiator does not read and the connection must close. */
    public boolean overloaded()
    {
        return overloaded;
    }

    @Override
    public long stage(final int inlineDataLength)
    {
        final long h = queue.stage(STAGING_OVERHEAD + inlineDataLength);
        if (h < 0 || !queue.hasRoom())
        {
            overloaded = true;
            return -1;
        }
        return h;
    }

    @Override
    public MemorySegment staging()
    {
        return staging;
    }

    @Override
    public long dataSegmentOffset(final long header)
    {
        return header + BHS_LENGTH + (headerDigest ? Crc32cDigest.LENGTH : 0);
    }

    @Override
    public void queue(final long header, final int dataLength, final int tag)
    {
        int length = BHS_LENGTH;
        if (headerDigest)
        {
            Crc32cDigest.write(staging, header + BHS_LENGTH, stagingDigest.compute(header, BHS_LENGTH));
            length += Crc32cDigest.LENGTH;
        }
        if (dataLength > 0)
        {
            final int padded = (dataLength + 3) & ~3;
            for (long k = header + length + dataLength, end = header + length + padded; k < end; k++)
            {
                staging.set(ValueLayout.JAVA_BYTE, k, (byte)0);
            }
            if (dataDigest)
            {
                Crc32cDigest.write(staging, header + length + padded, stagingDigest.compute(header + length, padded));
                length += Crc32cDigest.LENGTH;
            }
            length += padded;
        }
        queue.enqueue(queue.stagingAddress(header), length, 0, 0, 0, 0, tag);
    }

    @Override
    public void queueWithData(
        final long header, final MemorySegment buffer, final long offset, final int length,
        final Crc32cDigest bufferDigest, final int tag)
    {
        int headerLength = BHS_LENGTH;
        if (headerDigest)
        {
            Crc32cDigest.write(staging, header + BHS_LENGTH, stagingDigest.compute(header, BHS_LENGTH));
            headerLength += Crc32cDigest.LENGTH;
        }
        // Padding and data digest are staged right after the header: the third iovec of the PDU.
        final int pad = ((length + 3) & ~3) - length;
        final long trailer = header + headerLength;
        int trailerLength = pad;
        if (pad > 0)
        {
            staging.set(ValueLayout.JAVA_INT_UNALIGNED, trailer, 0);
        }
        if (dataDigest && length > 0)
        {
            final int crc = bufferDigest.begin().update(offset, length).updatePadding(pad).finish();
            Crc32cDigest.write(staging, trailer + pad, crc);
            trailerLength += Crc32cDigest.LENGTH;
        }
        queue.enqueue(queue.stagingAddress(header), headerLength, buffer.address() + offset, length,
            queue.stagingAddress(trailer), trailerLength, tag);
    }

    @Override
    public int room()
    {
        return queue.room(STAGING_OVERHEAD);
    }

    @Override
    public int withdrawR2ts(final EndedTasks tasks)
    {
        int withdrawn = 0;
        for (long seq = queue.firstUnsent(), end = queue.tail(); seq < end; seq++)
        {
            final long h = queue.headerOffset(seq);
            if (BasicHeaderSegment.opcode(staging, h) == Opcode.R2T &&
                tasks.ended(BasicHeaderSegment.initiatorTaskTag(staging, h)) && queue.withdraw(seq, listener))
            {
                withdrawn++;
            }
        }
        return withdrawn;
    }

    /**
     * Whether everything queued and not yet sent is SCSI Responses and Data-In, with {@code maxDataBytes} of data or
     * less in all: what may wait for more responses (an R2T, a NOP-In or a task management response goes at once;
     * large Data-In gains nothing from company).
     */
    public boolean onlyResponsesQueued(final int maxDataBytes)
    {
        long data = 0;
        for (long seq = queue.firstUnsent(), end = queue.tail(); seq < end; seq++)
        {
            final long h = queue.headerOffset(seq);
            final int opcode = BasicHeaderSegment.opcode(staging, h);
            if (opcode != Opcode.SCSI_RESPONSE && opcode != Opcode.SCSI_DATA_IN)
            {
                return false;
            }
            data += BasicHeaderSegment.dataSegmentLength(staging, h);
            if (data > maxDataBytes)
            {
                return false;
            }
        }
        return true;
    }

    /** Starts a SENDMSG for everything queued unless one is in flight. */
    public void flush()
    {
        if (queue.inFlight() || queue.isEmpty())
        {
            return;
        }
        if (queue.prepareSend() > 0)
        {
            socket.sendmsg(queue.msghdrAddress(), sendUserData);
        }
    }

    /**
     * The SENDMSG completed with {@code result}: the bytes sent (the PDUs wholly sent give their tags to the
     * listener), or -errno (failed or cancelled: nothing was sent). Either way no send is in flight any more.
     */
    public void onSent(final int result)
    {
        queue.onSent(Math.max(result, 0), listener);
    }

    public boolean inFlight()
    {
        return queue.inFlight();
    }

    public boolean isEmpty()
    {
        return queue.isEmpty();
    }

    /** Drops everything queued (the connection is closing); tags go to the listener. Not while a send is in flight. */
    public void clear()
    {
        queue.clear(listener);
    }
}
