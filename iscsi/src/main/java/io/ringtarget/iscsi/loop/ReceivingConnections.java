package io.ringtarget.iscsi.loop;

/**
 * How many of a loop's connections received lately: each receive is counted once per connection and window of
 * 2^{@link #WINDOW_SHIFT} ns (about a millisecond), and the count is the larger of the current window's and the last
 * one's. Tells a loop serving many initiators from one serving a single busy one. Loop thread only; no allocation.
 */
public final class ReceivingConnections
{
    /** Windows of 2^20 ns, about 1 ms. */
    public static final int WINDOW_SHIFT = 20;
    /** What a connection not yet counted passes to {@link #received}. */
    public static final long NEVER = Long.MIN_VALUE;

    private long window = NEVER;
    private int now;
    private int before;

    /**
     * A connection received at {@code nowNanos}.
     *
     * @param countedIn the window the connection was last counted in: what this returned to it last time, at first
     *                  {@link #NEVER}.
     * @return the window it is counted in now.
     */
    public long received(final long countedIn, final long nowNanos)
    {
        final long w = nowNanos >> WINDOW_SHIFT;
        if (w != window)
        {
            before = w == window + 1 ? now : 0;   // a window without any receive between: none before
            now = 0;
            window = w;
        }
        if (countedIn != w)
        {
            now++;
        }
        return w;
    }

    /** Connections that received in the current window or the one before it. */
    public int count()
    {
        return Math.max(now, before);
    }
}
