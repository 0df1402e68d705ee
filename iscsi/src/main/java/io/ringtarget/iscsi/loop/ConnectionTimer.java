package io.ringtarget.iscsi.loop;

import io.ringtarget.ring.LoopWorker;

import java.util.List;

/** Periodic per-loop duties, every 100 ms: NOP-In pings, dead connections, requested closes and logouts. */
public final class ConnectionTimer implements LoopWorker
{
    public static final long PERIOD_NANOS = 100_000_000L;

    private final LoopContext context;
    private long nextRunNanos;

    public ConnectionTimer(final LoopContext context)
    {
        this.context = context;
    }

    @Override
    public int doWork(final long nowNanos)
    {
        if (nowNanos - nextRunNanos < 0)
        {
            return 0;
        }
        nextRunNanos = nowNanos + PERIOD_NANOS;
        final List<LoopConnection> connections = context.connections();
        int work = 0;
        for (int i = connections.size() - 1; i >= 0; i--)
        {
            if (i < connections.size())
            {
                work += connections.get(i).onTimer(nowNanos);
            }
        }
        return work;
    }
}
