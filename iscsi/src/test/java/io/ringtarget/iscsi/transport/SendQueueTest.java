package io.ringtarget.iscsi.transport;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The send queue's withdrawal of PDUs not handed to a SENDMSG yet, around batches in flight. */
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
}
