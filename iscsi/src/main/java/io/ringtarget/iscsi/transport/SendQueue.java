package io.ringtarget.iscsi.transport;

import io.ringtarget.ffi.Iovec;
import io.ringtarget.ffi.Msghdr;

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
    static final int MAX_IOVECS_PER_SEND = 96;

    private final MemorySegment staging;
    private final long stagingAddress;
    private final int stagingCapacity;
    private long stagingHead;   // next byte to allocate (monotonic)
    private long stagingTail;   // first byte still in use (monotonic)

    private final MemorySegment iovecs;
    private final MemorySegment msghdr;

    // Per entry, circular over MAX_ENTRIES.
    private final long[] iovBase = new long[MAX_ENTRIES * 3];
    private final int[] iovLen = new int[MAX_ENTRIES * 3];
    private final int[] iovCount = new int[MAX_ENTRIES];
    private final long[] stagingEnd = new long[MAX_ENTRIES];
    private final int[] tagOnSent = new int[MAX_ENTRIES];
    private final int[] entryBytes = new int[MAX_ENTRIES];
    private long head;   // next entry to send (monotonic)
    private long tail;   // next entry to fill (monotonic)
    private int sentInHead;   // bytes of entry `head` already sent by earlier partial sends
    private boolean inFlight;
    private long inFlightEntries;

    SendQueue(final Arena arena, final int stagingCapacity)
    {
        this.staging = arena.allocate(stagingCapacity, 64);
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

    boolean hasRoom()
    {
        return tail - head < MAX_ENTRIES;
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
        final int e = (int)(tail % MAX_ENTRIES);
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
            final int e = (int)(entry % MAX_ENTRIES);
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
            final int e = (int)(head % MAX_ENTRIES);
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
        return completed;
    }

    /** Drops everything queued (connection closing); the tags go to the listener as if sent. */
    void clear(final SentListener listener)
    {
        while (head < tail)
        {
            final int e = (int)(head % MAX_ENTRIES);
            if (tagOnSent[e] >= 0)
            {
                listener.onSent(tagOnSent[e]);
            }
            head++;
        }
        sentInHead = 0;
        stagingTail = stagingHead;
    }

    long inFlightEntries()
    {
        return inFlightEntries;
    }

}
