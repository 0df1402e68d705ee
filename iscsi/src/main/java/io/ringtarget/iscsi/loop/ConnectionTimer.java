package io.ringtarget.iscsi.loop;

import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopWorker;
import io.ringtarget.scsi.LogicalUnit;

import java.util.List;

/**
 * Periodic per-loop duties, every 100 ms: NOP-In pings, dead connections, requested closes and logouts. A tick visits
 * only the connections whose due time has come ({@link LoopContext#timerDue(int)}, one array), so 1,000 idle sessions
 * cost a read of 1,000 longs per tick rather than 1,000 visits to scattered objects; it visits every connection when
 * another thread asked one of them for something ({@link LoopContext#sweepTimers()}), and asks every one to abort its
 * preempted tasks when a PREEMPT AND ABORT happened ({@link LoopConnection#onPreemptAndAbort()}). Only while the loop
 * has connections does it ask the loop to wake for its next tick ({@link EventLoop#wakeBy}): a loop without any
 * sleeps until an accept or an offer wakes it, and the first tick then comes at once.
 */
public final class ConnectionTimer implements LoopWorker
{
    public static final long PERIOD_NANOS = 100_000_000L;

    private final LoopContext context;
    private final EventLoop loop;
    private long nextRunNanos;
    private long preemptAndAborts = LogicalUnit.preemptAndAbortCount();

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
        final boolean sweep = context.takeTimerSweep();
        final long preempted = LogicalUnit.preemptAndAbortCount();
        final boolean preemptAndAbort = preempted != preemptAndAborts;
        preemptAndAborts = preempted;
        int work = 0;
        // From the end: a connection closed by its own duty leaves the list, moving only those already visited.
        for (int i = connections.size() - 1; i >= 0; i--)
        {
            if (i < connections.size())
            {
                if (preemptAndAbort)
                {
                    connections.get(i).onPreemptAndAbort();
                }
                if (i < connections.size() && (sweep || nowNanos - context.timerDue(i) >= 0))
                {
                    work += connections.get(i).onTimer(nowNanos);
                }
            }
        }
        if (!connections.isEmpty())
        {
            loop.wakeBy(nextRunNanos);
        }
        return work;
    }
}
