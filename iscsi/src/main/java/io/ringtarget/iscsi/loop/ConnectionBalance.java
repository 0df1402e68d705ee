package io.ringtarget.iscsi.loop;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which loop a new connection goes to: the one with the fewest connections. Every loop accepts on the portals (the
 * kernel hashes each connection's 4-tuple to one of their SO_REUSEPORT sockets, so 32 connections over 2 loops
 * split 20/12 as easily as 16/16); the accepting loop keeps a connection only when no loop has fewer, and otherwise
 * hands its descriptor to the least loaded loop, which owns it from then on.
 * <p>
 * A loop's load is what it has open plus what is on the way to it. Each value here has one writer, a loop, which
 * publishes it with a release store; the others read it with acquire loads (no lock, no shared read-modify-write):
 * <ul>
 * <li>{@code open[L]}: connections open on loop L, closing ones included (they still hold a descriptor and memory);
 * written by L.</li>
 * <li>{@code handedOver[A][B]}: descriptors loop A has handed to loop B, ever; written by A.</li>
 * <li>{@code adopted[B][A]}: of those, how many B has taken over (or closed, when the target was draining); written
 * by B once it counted the connection in {@code open[B]}.</li>
 * </ul>
 * Load of B = open[B] + sum over A of (handedOver[A][B] - adopted[B][A]). Without the hand-overs in flight, a loop
 * that accepts a burst of connections in one duty cycle would send all of them to the same loop before it had taken
 * any. Reads are made in the order that keeps a sum from going below the truth (adopted before handedOver, both
 * before open); a read racing a close may see one connection too many, for one decision.
 * <p>
 * Not on the I/O path: read once per accepted connection, written when one opens or closes. Each loop's values sit
 * on cache lines of their own, so a loop's writes never invalidate another loop's.
 */
public final class ConnectionBalance
{
    /** Longs between two loops' values: 128 bytes, two cache lines (the adjacent-line prefetcher pairs them). */
    private static final int STRIDE = 16;

    private final int loops;
    /** Longs between two loops' rows of {@code handedOver} and {@code adopted}: a multiple of STRIDE, >= loops. */
    private final int row;
    private final AtomicLongArray open;
    private final AtomicLongArray handedOver;
    private final AtomicLongArray adopted;
    private final LoopContext[] contexts;

    public ConnectionBalance(final int loops)
    {
        if (loops <= 0)
        {
            throw new IllegalArgumentException("loops must be > 0: " + loops);
        }
        this.loops = loops;
        this.row = (loops + STRIDE - 1) / STRIDE * STRIDE;
        this.open = new AtomicLongArray(loops * STRIDE);
        this.handedOver = new AtomicLongArray(loops * row);
        this.adopted = new AtomicLongArray(loops * row);
        this.contexts = new LoopContext[loops];
    }

    /** Every loop's context is here before any loop starts to accept (the engine creates them all first). */
    void register(final LoopContext context)
    {
        if (null != contexts[context.index()])
        {
            throw new IllegalStateException("loop " + context.index() + " has a context already");
        }
        contexts[context.index()] = context;
    }

    /** The context of loop {@code loop}, to hand a connection to. */
    public LoopContext context(final int loop)
    {
        return contexts[loop];
    }

    public int loops()
    {
        return loops;
    }

    /** Loop {@code loop} publishes how many connections it has open. That loop's thread only. */
    public void open(final int loop, final int connections)
    {
        open.setRelease(loop * STRIDE, connections);
    }

    /** Connections open on {@code loop}; any thread. */
    public long open(final int loop)
    {
        return open.getAcquire(loop * STRIDE);
    }

    /**
     * The loop a connection accepted by {@code acceptor} should go to: {@code acceptor} itself when no loop has
     * fewer connections (open and on the way), else the least loaded one (the lowest index among equals). Any loop's
     * thread; allocates nothing.
     */
    public int choose(final int acceptor)
    {
        if (loops == 1)
        {
            return acceptor;
        }
        long best = load(acceptor);
        int chosen = acceptor;
        for (int loop = 0; loop < loops; loop++)
        {
            if (loop != acceptor)
            {
                final long load = load(loop);
                if (load < best)
                {
                    best = load;
                    chosen = loop;
                }
            }
        }
        return chosen;
    }

    /** Open on {@code loop} plus handed to it and not yet taken over. */
    public long load(final int loop)
    {
        long onTheWay = 0;
        for (int from = 0; from < loops; from++)
        {
            final long taken = adopted.getAcquire(loop * row + from);
            onTheWay += Math.max(0, handedOver.getAcquire(from * row + loop) - taken);
        }
        return open(loop) + onTheWay;
    }

    /** {@code from} is about to hand a descriptor to {@code to}: counted before the task is offered. From's thread. */
    public void handingOver(final int from, final int to)
    {
        final int i = from * row + to;
        handedOver.setRelease(i, handedOver.getPlain(i) + 1);
    }

    /** The hand-over counted by {@link #handingOver} could not be offered (the loop's task queue was full). */
    public void handOverFailed(final int from, final int to)
    {
        final int i = from * row + to;
        handedOver.setRelease(i, handedOver.getPlain(i) - 1);
    }

    /**
     * {@code to} has taken over (or closed) a descriptor from {@code from}, and published its open count. To's
     * thread.
     */
    public void adopted(final int to, final int from)
    {
        final int i = to * row + from;
        adopted.setRelease(i, adopted.getPlain(i) + 1);
    }

    /** Descriptors {@code from} has handed to other loops, ever. Any thread. */
    public long handedOver(final int from)
    {
        long n = 0;
        for (int to = 0; to < loops; to++)
        {
            n += handedOver.getAcquire(from * row + to);
        }
        return n;
    }

    /** Descriptors handed over and not yet taken over by their loop, over all loops. Any thread. */
    public long inFlight()
    {
        long n = 0;
        for (int to = 0; to < loops; to++)
        {
            for (int from = 0; from < loops; from++)
            {
                final long taken = adopted.getAcquire(to * row + from);
                n += handedOver.getAcquire(from * row + to) - taken;
            }
        }
        return n;
    }
}
