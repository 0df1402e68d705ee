package io.ringtarget.iscsi.transport;

import io.ringtarget.pdu.Crc32cDigest;
import io.ringtarget.pdu.PduHeader;

import java.lang.foreign.MemorySegment;

/**
 * Where the protocol code puts the PDUs it sends. A PDU is built in place: {@link #stage} reserves room for its
 * Basic Header Segment and a data segment written right after it (text, sense data, NOP echo), the caller fills
 * the header through a flyweight at the returned offset of {@link #staging()}, then {@link #queue}s it; or the data
 * segment stays where it is (a command's data buffer, for Data-In) and goes with {@link #queueWithData} without a
 * copy. Padding and digests are the sender's business. PDUs leave in the order they were queued.
 * <p>
 * A {@code tag} >= 0 is handed back once the PDU has gone to the socket (a command's slot is freed then: its buffer
 * must stay untouched until sent); {@link #NO_TAG} for none.
 */
public interface PduSender
{
    int NO_TAG = -1;
    int BHS_LENGTH = PduHeader.LENGTH;

    /**
     * Reserves a header and {@code inlineDataLength} bytes of data segment.
     *
     * @return the header's offset in {@link #staging()}, or -1 when the connection is overloaded (the initiator
     * stopped reading): the PDU is dropped and the connection is being closed.
     */
    long stage(int inlineDataLength);

    /** The memory staged PDUs are built in. */
    MemorySegment staging();

    /** Where the data segment of the PDU staged at {@code header} starts in {@link #staging()}. */
    long dataSegmentOffset(long header);

    /** Sends the staged PDU with {@code dataLength} bytes of its inline data segment. */
    void queue(long header, int dataLength, int tag);

    /**
     * Sends the staged header with a data segment of {@code length} bytes at {@code offset} of {@code buffer}, which
     * must stay untouched until {@code tag} comes back.
     *
     * @param bufferDigest a CRC32C digest wrapping {@code buffer}, used when DataDigest is on.
     */
    void queueWithData(long header, MemorySegment buffer, long offset, int length, Crc32cDigest bufferDigest, int tag);

    /**
     * How many more PDUs (with small headers) can be queued before {@link #stage} would fail: a long Data-In waits
     * for sends to complete rather than fill the queue.
     */
    default int room()
    {
        return Integer.MAX_VALUE;
    }

    /**
     * Withdraws the R2Ts queued but not yet handed to the socket whose task has ended (aborted by task management,
     * or answered): an initiator that got one after the abort would send Data-Out nobody waits for. Called when a task
     * management function aborted tasks (not per I/O): a walk over the unsent PDUs.
     *
     * @return the number of R2Ts withdrawn.
     */
    int withdrawR2ts(EndedTasks tasks);
}
