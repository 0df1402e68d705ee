package io.ringtarget.iscsi.loop;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The connections of a loop that received lately: each once per window, the last window's count kept for one more. */
class ReceivingConnectionsTest
{
    private static final long WINDOW = 1L << ReceivingConnections.WINDOW_SHIFT;

    @Test
    void eachConnectionCountsOncePerWindowAndTheLastWindowsCountHoldsForOneMore()
    {
        final ReceivingConnections r = new ReceivingConnections();
        assertEquals(0, r.count());
        final long start = 5 * WINDOW;
        long a = ReceivingConnections.NEVER;
        long b = ReceivingConnections.NEVER;
        long c = ReceivingConnections.NEVER;
        a = r.received(a, start);
        a = r.received(a, start + 10);
        b = r.received(b, start + 20);
        a = r.received(a, start + 30);
        assertEquals(2, r.count(), "a and b, a counted once");

        c = r.received(c, start + WINDOW);
        assertEquals(2, r.count(), "the window before still counts");
        a = r.received(a, start + WINDOW + 5);
        b = r.received(b, start + WINDOW + 6);
        assertEquals(3, r.count(), "a, b and c in this window");

        a = r.received(a, start + 3 * WINDOW);
        assertEquals(1, r.count(), "a whole window without a receive between: only a");
        b = r.received(b, start + 4 * WINDOW);
        assertEquals(1, r.count(), "a before, b now");
        c = r.received(c, start + 4 * WINDOW + 1);
        assertEquals(2, r.count());
    }

    @Test
    void negativeClockReadingsAreWindowsLikeAnyOther()
    {
        final ReceivingConnections r = new ReceivingConnections();
        long a = ReceivingConnections.NEVER;
        long b = ReceivingConnections.NEVER;
        a = r.received(a, -2 * WINDOW + 1);
        b = r.received(b, -WINDOW - 1);
        assertEquals(2, r.count(), "both in the window [-2W, -W)");
        a = r.received(a, -1);
        assertEquals(2, r.count(), "the next window, the one before kept");
        assertEquals(-1, a, "windows are floor(nanos / 2^shift)");
    }
}
