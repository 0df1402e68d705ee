package io.ringtarget.iscsi.transport;

import io.ringtarget.ffi.Iovec;
import io.ringtarget.ffi.Msghdr;
import io.ringtarget.ring.LazyMemory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The outgoing PDUs of one connection, sent in batches with one SENDMSG at a time.
 * <p>
 * Each queued PDU is up to three iovecs: its header (BHS and header digest) staged in a FIFO staging ring,
 * its data segment (pointing straight at the command's buffer, so Data-In goes from the backstore's buffer to
 * the socket without a copy, or at staged bytes for text/sense), and padding plus data digest, also staged.
 * Entries complete in order, so the staging ring is released in order too. A partial send resumes inside the
 * entry where it stopped. Owned by the connection's loop.
 */
final class SendQueue
{
    static final int MAX_ENTRIES = 1024;
    /**
     * Entries a new queue has room for: a connection that is logging in never needs more, and its memory stays small
     * until it has authenticated (the entry arrays double as the queue fills, up to {@link #MAX_ENTRIES}).
     */
    static final int INITIAL_ENTRIES = 16;
    static final int MAX_IOVECS_PER_SEND = 96;

    private final MemorySegment staging;
    private final long stagingAddress;
    private final int stagingCapacity;
    private long stagingHead;   // next byte to allocate (monotonic)
    private long stagingTail;   // first byte still in use (monotonic)

    private final MemorySegment iovecs;
    private final MemorySegment msghdr;

    // Per entry, circular over `entries` (a power of two).
    private int entries = INITIAL_ENTRIES;
    private long[] iovBase = new long[INITIAL_ENTRIES * 3];
    private int[] iovLen = new int[INITIAL_ENTRIES * 3];
    private int[] iovCount = new int[INITIAL_ENTRIES];
    private long[] stagingEnd = new long[INITIAL_ENTRIES];
    private int[] tagOnSent = new int[INITIAL_ENTRIES];
    private int[] entryBytes = new int[INITIAL_ENTRIES];
    private long head;   // next entry to send (monotonic)
    private long tail;   // next entry to fill (monotonic)
    private int sentInHead;   // bytes of entry `head` already sent by earlier partial sends
    private boolean inFlight;
    private long inFlightEntries;

    SendQueue(final Arena arena, final int stagingCapacity)
    {
        // Mapped lazily: a connection touches the pages it stages into, a few while it logs in (the ring restarts at
        // its beginning whenever it empties).
        this.staging = LazyMemory.allocate(arena, stagingCapacity);
        this.stagingAddress = staging.address();
        this.stagingCapacity = stagingCapacity;
        this.iovecs = arena.allocate(Iovec.LAYOUT, MAX_IOVECS_PER_SEND);
        this.msghdr = arena.allocate(Msghdr.LAYOUT);   // zeroed: no name, no control data, no flags
        Msghdr.msg_iov(msghdr, iovecs);
    }

    MemorySegment staging()
    {
        return staging;
    }

    long msghdrAddress()
    {
        return msghdr.address();
    }

    boolean isEmpty()
    {
        return head == tail;
    }

    boolean inFlight()
    {
        return inFlight;
    }

    /** Whether another entry fits; the entry arrays grow (once per doubling, up to {@link #MAX_ENTRIES}) if need be. */
    boolean hasRoom()
    {
        if (tail - head < entries)
        {
            return true;
        }
        if (entries == MAX_ENTRIES)
        {
            return false;
        }
        grow();
        return true;
    }

    private void grow()
    {
        final int bigger = entries * 2;
        final long[] base = new long[bigger * 3];
        final int[] len = new int[bigger * 3];
        final int[] count = new int[bigger];
        final long[] end = new long[bigger];
        final int[] tag = new int[bigger];
        final int[] bytes = new int[bigger];
        for (long seq = head; seq < tail; seq++)
        {
            final int from = (int)(seq & (entries - 1));
            final int to = (int)(seq & (bigger - 1));
            System.arraycopy(iovBase, from * 3, base, to * 3, 3);
            System.arraycopy(iovLen, from * 3, len, to * 3, 3);
            count[to] = iovCount[from];
            end[to] = stagingEnd[from];
            tag[to] = tagOnSent[from];
            bytes[to] = entryBytes[from];
        }
        iovBase = base;
        iovLen = len;
        iovCount = count;
        stagingEnd = end;
        tagOnSent = tag;
        entryBytes = bytes;
        entries = bigger;
    }

    /**
     * PDUs that can still be queued: free entries (up to {@link #MAX_ENTRIES}), fewer if the staging ring cannot take
     * that many headers of up to {@code headerBytes} each.
     */
    int room(final int headerBytes)
    {
        final long entriesFree = MAX_ENTRIES - (tail - head);
        final long stagingFree = (stagingCapacity - (stagingHead - stagingTail)) / (2L * headerBytes);
        return (int)Math.max(0, Math.min(entriesFree, stagingFree));
    }

    /** Entries the queue has room for now (for tests of its growth). */
    int capacity()
    {
        return entries;
    }

    /**
     * Reserves {@code length} contiguous staging bytes (8-byte aligned) and returns their offset in
     * {@link #staging()}, or -1 when the staging ring is full.
     */
    long stage(final int length)
    {
        final int aligned = (length + 7) & ~7;
        long start = stagingHead;
        final long pos = start % stagingCapacity;
        if (pos + aligned > stagingCapacity)
        {
            start += stagingCapacity - pos;   // skip the tail end so the block is contiguous
        }
        if (start + aligned - stagingTail > stagingCapacity)
        {
            return -1;
        }
        stagingHead = start + aligned;
        return start % stagingCapacity;
    }

    /**
     * Queues a PDU made of {@code count} (1..3) iovecs; the staging bytes reserved so far belong to it and are
     * released once it is sent; {@code tag} (>= 0, or -1 for none) then goes to the {@link SentListener}.
     */
    void enqueue(
        final long base0, final int len0, final long base1, final int len1, final long base2, final int len2,
        final int tag)
    {
        final int e = (int)(tail & (entries - 1));
        int n = 0;
        n = put(e, n, base0, len0);
        n = put(e, n, base1, len1);
        n = put(e, n, base2, len2);
        iovCount[e] = n;
        entryBytes[e] = len0 + len1 + len2;
        stagingEnd[e] = stagingHead;
        tagOnSent[e] = tag;
        tail++;
    }

    long stagingAddress(final long offset)
    {
        return stagingAddress + offset;
    }

    /**
     * The first entry no SENDMSG has taken any byte of: entries from here to {@link #tail()} may still be withdrawn.
     */
    long firstUnsent()
    {
        return head + (inFlight ? inFlightEntries : (sentInHead > 0 ? 1 : 0));
    }

    /** The entry after the last one queued. */
    long tail()
    {
        return tail;
    }

    /** Where entry {@code seq}'s header (its first iovec, always staged) starts in {@link #staging()}. */
    long headerOffset(final long seq)
    {
        return iovBase[(int)(seq & (entries - 1)) * 3] - stagingAddress;
    }

    /**
     * Takes an entry not sent yet ({@code seq} at or after {@link #firstUnsent()}) out of the batch: it keeps its
     * place, so its staging bytes are released in order, but has no bytes to send. Its tag goes to {@code listener}
     * when the entries before it have been sent.
     *
     * @return false when it was withdrawn before.
     */
    boolean withdraw(final long seq, final SentListener listener)
    {
        final int e = (int)(seq & (entries - 1));
        if (entryBytes[e] == 0)
        {
            return false;
        }
        iovCount[e] = 0;
        entryBytes[e] = 0;
        if (!inFlight)
        {
            completeEmptyAtHead(listener);
        }
        return true;
    }

    /** Completes the withdrawn (empty) entries at the head: nothing of theirs is left to send. */
    private void completeEmptyAtHead(final SentListener listener)
    {
        while (head < tail && sentInHead == 0)
        {
            final int e = (int)(head & (entries - 1));
            if (entryBytes[e] != 0)
            {
                break;
            }
            stagingTail = stagingEnd[e];
            head++;
            if (tagOnSent[e] >= 0)
            {
                listener.onSent(tagOnSent[e]);
            }
        }
        restartStagingWhenEmpty();
    }

    private int put(final int e, final int n, final long base, final int len)
    {
        if (len <= 0)
        {
            return n;
        }
        iovBase[e * 3 + n] = base;
        iovLen[e * 3 + n] = len;
        return n + 1;
    }

    /** Fills the iovec array for the next SENDMSG; returns bytes to send (0 when nothing is queued). */
    long prepareSend()
    {
        long bytes = 0;
        int iov = 0;
        long entry = head;
        int skip = sentInHead;
        while (entry < tail)
        {
            final int e = (int)(entry & (entries - 1));
            if (iov + iovCount[e] > MAX_IOVECS_PER_SEND)
            {
                break;
            }
            for (int i = 0; i < iovCount[e]; i++)
            {
                long base = iovBase[e * 3 + i];
                int len = iovLen[e * 3 + i];
                if (skip > 0)
                {
                    final int s = Math.min(skip, len);
                    skip -= s;
                    base += s;
                    len -= s;
                    if (len == 0)
                    {
                        continue;
                    }
                }
                final long off = iov * Iovec.SIZEOF;
                iovecs.set(ValueLayout.JAVA_LONG, off + Iovec.iov_base$OFFSET, base);
                iovecs.set(ValueLayout.JAVA_LONG, off + Iovec.iov_len$OFFSET, len);
                iov++;
                bytes += len;
            }
            entry++;
        }
        Msghdr.msg_iovlen(msghdr, iov);
        inFlight = bytes > 0;
        inFlightEntries = entry - head;
        return bytes;
    }

    /**
     * Accounts for a completed SENDMSG of {@code sent} bytes; completed entries pass their tags to
     * {@code releaser}. Returns the number of entries completed.
     */
    int onSent(final int sent, final SentListener listener)
    {
        inFlight = false;
        long remaining = sent;
        int completed = 0;
        while (head < tail && remaining > 0)
        {
            final int e = (int)(head & (entries - 1));
            final int left = entryBytes[e] - sentInHead;
            if (remaining >= left)
            {
                remaining -= left;
                sentInHead = 0;
                stagingTail = stagingEnd[e];
                head++;
                completed++;
                if (tagOnSent[e] >= 0)
                {
                    listener.onSent(tagOnSent[e]);
                }
            }
            else
            {
                sentInHead += (int)remaining;
                remaining = 0;
            }
        }
        completeEmptyAtHead(listener);
        return completed;
    }

    /** Drops everything queued (connection closing); the tags go to the listener as if sent. */
    void clear(final SentListener listener)
    {
        while (head < tail)
        {
            final int e = (int)(head & (entries - 1));
            if (tagOnSent[e] >= 0)
            {
                listener.onSent(tagOnSent[e]);
            }
            head++;
        }
        sentInHead = 0;
        stagingTail = stagingHead;
        restartStagingWhenEmpty();
    }

    /** An empty ring starts again at its beginning: the same few pages serve a quiet connection. */
    private void restartStagingWhenEmpty()
    {
        if (head == tail && stagingTail == stagingHead)
        {
            stagingHead = 0;
            stagingTail = 0;
        }
    }

    long inFlightEntries()
    {
        return inFlightEntries;
    }

}
