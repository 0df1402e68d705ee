package io.ringtarget.iscsi.loop;

import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopWorker;

import java.util.List;

/**
 * Periodic per-loop duties, every 100 ms: NOP-In pings, dead connections, requested closes and logouts. Only while the
 * loop has connections does it ask the loop to wake for its next tick ({@link EventLoop#wakeBy}): a loop without any
 * sleeps until an accept or an offer wakes it, and the first tick then comes at once.
 */
public final class ConnectionTimer implements LoopWorker
{
    public static final long PERIOD_NANOS = 100_000_000L;

    private final LoopContext context;
    private final EventLoop loop;
    private long nextRunNanos;

    public ConnectionTimer(final LoopContext context)
    {
        this.context = context;
        this.loop = context.loop();
    }

    @Override
    public int doWork(final long nowNanos)
    {
        final List<LoopConnection> connections = context.connections();
        if (connections.isEmpty())
        {
            return 0;
        }
        if (nowNanos - nextRunNanos < 0)
        {
            loop.wakeBy(nextRunNanos);
            return 0;
        }
        nextRunNanos = nowNanos + PERIOD_NANOS;
        int work = 0;
        for (int i = connections.size() - 1; i >= 0; i--)
        {
            if (i < connections.size())
            {
                work += connections.get(i).onTimer(nowNanos);
            }
        }
        if (!connections.isEmpty())
        {
            loop.wakeBy(nextRunNanos);
        }
        return work;
    }
}
