package io.ringtarget.iscsi;

import io.ringtarget.iscsi.transport.EndedTasks;
import io.ringtarget.iscsi.transport.PduSender;
import io.ringtarget.pdu.BasicHeaderSegment;
import io.ringtarget.pdu.Crc32cDigest;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link PduSender} that keeps what it is given instead of sending it: each queued PDU's header, data segment and
 * tag, in order. Lets the protocol classes be tested without sockets.
 */
public final class RecordingPduSender implements PduSender
{
    /** A PDU as it would have gone to the socket (without padding and digests). */
    public record Sent(byte[] bhs, byte[] data, int tag)
    {
        public MemorySegment header()
        {
            return MemorySegment.ofArray(bhs);
        }

        public int opcode()
        {
            return BasicHeaderSegment.opcode(header(), 0);
        }
    }

    private final MemorySegment staging = MemorySegment.ofArray(new byte[256 * 1024]);
    private final List<Sent> sent = new ArrayList<>();
    private long next;
    private boolean full;
    private int room = Integer.MAX_VALUE;

    /** From now on {@link #stage} fails, as when the initiator stopped reading. */
    public RecordingPduSender full(final boolean full)
    {
        this.full = full;
        return this;
    }

    /** What {@link #room()} answers: PDUs that fit the send queue beyond those recorded (one less per PDU queued). */
    public RecordingPduSender room(final int room)
    {
        this.room = room;
        return this;
    }

    @Override
    public int room()
    {
        return room;
    }

    public List<Sent> sent()
    {
        return sent;
    }

    /** The PDUs sent so far, and forgets them. */
    public List<Sent> take()
    {
        final List<Sent> taken = new ArrayList<>(sent);
        sent.clear();
        return taken;
    }

    @Override
    public long stage(final int inlineDataLength)
    {
        if (full)
        {
            return -1;
        }
        final long room = BHS_LENGTH + inlineDataLength;
        if (next + room > staging.byteSize())
        {
            next = 0;
        }
        final long h = next;
        next += (room + 7) & ~7;
        staging.asSlice(h, room).fill((byte)0x5a);   // garbage a builder must overwrite
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
        return header + BHS_LENGTH;
    }

    @Override
    public void queue(final long header, final int dataLength, final int tag)
    {
        room = room == Integer.MAX_VALUE ? room : room - 1;
        sent.add(new Sent(staging.asSlice(header, BHS_LENGTH).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
            staging.asSlice(header + BHS_LENGTH, dataLength).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), tag));
    }

    @Override
    public void queueWithData(
        final long header, final MemorySegment buffer, final long offset, final int length,
        final Crc32cDigest bufferDigest, final int tag)
    {
        room = room == Integer.MAX_VALUE ? room : room - 1;
        sent.add(new Sent(staging.asSlice(header, BHS_LENGTH).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
            buffer.asSlice(offset, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), tag));
    }

    /** Nothing to withdraw: a PDU is recorded as sent the moment it is queued. */
    @Override
    public int withdrawR2ts(final EndedTasks tasks)
    {
        return 0;
    }
}
