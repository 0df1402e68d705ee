package io.ringtarget.iscsi.transport;

import io.ringtarget.ffi.Iovec;
import io.ringtarget.ffi.Msghdr;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The send queue's withdrawal of PDUs not handed to a SENDMSG yet, around batches in flight and partial sends: three
 * cases by hand, then random sequences of queueing, sending (the bytes the iovecs of each SENDMSG point at, of which
 * a random prefix "went") and withdrawing, checked against what must come out: every byte of the PDUs not withdrawn,
 * in order, and every tag once, in order.
 */
class SendQueueTest
{
    private final List<Integer> sentTags = new ArrayList<>();
    private final SentListener listener = sentTags::add;

    /** Queues a 48-byte staged header with {@code tag}; returns its sequence number. */
    private static long queue(final SendQueue q, final int tag)
    {
        final long seq = q.tail();
        final long h = q.stage(48);
        q.enqueue(q.stagingAddress(h), 48, 0, 0, 0, 0, tag);
        return seq;
    }

    @Test
    void aWithdrawnEntryInTheMiddleIsNotSentAndItsTagComesInOrder()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final SendQueue q = new SendQueue(arena, 4096);
            queue(q, 1);
            final long middle = queue(q, 2);
            queue(q, 3);
            assertTrue(q.withdraw(middle, listener));
            assertFalse(q.withdraw(middle, listener), "once only");
            assertEquals(List.of(), sentTags, "entries before it are not sent yet");
            assertEquals(96, q.prepareSend());
            q.onSent(96, listener);
            assertEquals(List.of(1, 2, 3), sentTags);
            assertTrue(q.isEmpty());
        }
    }

    @Test
    void onlyEntriesAfterTheBatchInFlightCanBeWithdrawn()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final SendQueue q = new SendQueue(arena, 4096);
            final long first = queue(q, 1);
            assertEquals(48, q.prepareSend());
            final long last = queue(q, 2);
            assertEquals(first + 1, q.firstUnsent(), "the entry in flight is not withdrawable");
            assertTrue(q.withdraw(last, listener));
            assertEquals(List.of(), sentTags, "withdrawn behind a send in flight: completes after it");
            q.onSent(48, listener);
            assertEquals(List.of(1, 2), sentTags);
            assertTrue(q.isEmpty());
            assertEquals(0, q.prepareSend(), "nothing left to send");
        }
    }

    @Test
    void aPartlySentEntryStaysAndAWithdrawnHeadCompletesAtOnce()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final SendQueue q = new SendQueue(arena, 4096);
            final long first = queue(q, 1);
            final long second = queue(q, 2);
            assertEquals(96, q.prepareSend());
            q.onSent(20, listener);
            assertEquals(first + 1, q.firstUnsent(), "20 bytes of the first went out: it is not withdrawable");
            assertEquals(76, q.prepareSend());
            q.onSent(28, listener);
            assertEquals(List.of(1), sentTags);
            assertEquals(second, q.firstUnsent());
            assertTrue(q.withdraw(second, listener));
            assertEquals(List.of(1, 2), sentTags, "an idle queue completes a withdrawn head at once");
            assertTrue(q.isEmpty());
        }
    }

    @Test
    void randomQueuesSendEveryByteOfWhatIsNotWithdrawnAndEveryTagInOrder()
    {
        for (int seed = 1; seed <= 200; seed++)
        {
            sentTags.clear();
            randomRun(seed);
        }
    }

    private void randomRun(final long seed)
    {
        final Random r = new Random(seed);
        try (Arena arena = Arena.ofConfined())
        {
            final SendQueue q = new SendQueue(arena, 8192);
            final MemorySegment data = arena.allocate(65536);
            for (int k = 0; k < 65536; k++)
            {
                data.set(ValueLayout.JAVA_BYTE, k, (byte)(k * 7 + 3));
            }
            final List<byte[]> contents = new ArrayList<>();
            final Set<Integer> withdrawn = new HashSet<>();
            final ByteArrayOutputStream wire = new ByteArrayOutputStream();
            byte[] batch = null;
            int checked = 0;
            for (int op = 0; op < 3000; op++)
            {
                switch (r.nextInt(5))
                {
                    case 0, 1 ->
                    {
                        if (!q.hasRoom())
                        {
                            break;
                        }
                        final int headerLength = 48 + 4 * r.nextInt(20);
                        final long h = q.stage(headerLength);
                        if (h < 0)
                        {
                            break;
                        }
                        final int tag = contents.size();
                        final byte[] header = new byte[headerLength];
                        for (int k = 0; k < headerLength; k++)
                        {
                            header[k] = (byte)(tag * 13 + k);
                        }
                        MemorySegment.copy(header, 0, q.staging(), ValueLayout.JAVA_BYTE, h, headerLength);
                        final int dataLength = r.nextBoolean() ? 0 : 1 + r.nextInt(3000);
                        final int dataOffset = r.nextInt(65536 - 3000);
                        final byte[] content = new byte[headerLength + dataLength];
                        System.arraycopy(header, 0, content, 0, headerLength);
                        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, dataOffset, content, headerLength, dataLength);
                        q.enqueue(q.stagingAddress(h), headerLength, data.address() + dataOffset, dataLength, 0, 0,
                            tag);
                        contents.add(content);
                    }
                    case 2 ->
                    {
                        if (!q.inFlight() && q.prepareSend() > 0)
                        {
                            batch = iovecBytes(q);
                        }
                    }
                    case 3 ->
                    {
                        if (q.inFlight())
                        {
                            final int n = r.nextInt(batch.length + 1);
                            wire.write(batch, 0, n);
                            q.onSent(n, listener);
                        }
                    }
                    default ->
                    {
                        final long first = q.firstUnsent();
                        if (first < q.tail())
                        {
                            final long seq = first + r.nextInt((int)(q.tail() - first));
                            if (q.withdraw(seq, listener))
                            {
                                assertTrue(withdrawn.add((int)seq), "seed " + seed + ": withdrawn twice");
                            }
                        }
                    }
                }
                for (; checked < sentTags.size(); checked++)
                {
                    assertEquals(checked, sentTags.get(checked), "seed " + seed + ": tags in order, each once");
                }
            }
            for (int rounds = 0; !q.isEmpty(); rounds++)
            {
                assertTrue(rounds < 10_000, "seed " + seed + ": the queue drains");
                if (!q.inFlight())
                {
                    assertTrue(q.prepareSend() > 0, "seed " + seed + ": a non-empty idle queue has bytes to send");
                    batch = iovecBytes(q);
                }
                wire.write(batch, 0, batch.length);
                q.onSent(batch.length, listener);
            }
            final ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (int tag = 0; tag < contents.size(); tag++)
            {
                if (!withdrawn.contains(tag))
                {
                    expected.writeBytes(contents.get(tag));
                }
            }
            assertEquals(contents.size(), sentTags.size(), "seed " + seed + ": every tag came back");
            assertArrayEquals(expected.toByteArray(), wire.toByteArray(),
                "seed " + seed + ": the bytes sent are those of the PDUs not withdrawn, in order");
        }
    }

    /** The bytes the prepared SENDMSG's iovecs point at, in order. */
    private static byte[] iovecBytes(final SendQueue q)
    {
        final MemorySegment msghdr = MemorySegment.ofAddress(q.msghdrAddress()).reinterpret(Msghdr.SIZEOF);
        final long count = msghdr.get(ValueLayout.JAVA_LONG, Msghdr.msg_iovlen$OFFSET);
        final MemorySegment iovecs = MemorySegment.ofAddress(msghdr.get(ValueLayout.JAVA_LONG, Msghdr.msg_iov$OFFSET))
            .reinterpret(count * Iovec.SIZEOF);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long i = 0; i < count; i++)
        {
            final long base = iovecs.get(ValueLayout.JAVA_LONG, i * Iovec.SIZEOF + Iovec.iov_base$OFFSET);
            final long length = iovecs.get(ValueLayout.JAVA_LONG, i * Iovec.SIZEOF + Iovec.iov_len$OFFSET);
            out.writeBytes(MemorySegment.ofAddress(base).reinterpret(length).toArray(ValueLayout.JAVA_BYTE));
        }
        return out.toByteArray();
    }
}
