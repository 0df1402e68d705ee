package io.ringtarget.iscsi.loop;

import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopWorker;
import io.ringtarget.scsi.LogicalUnit;

import java.util.List;

/**
 * Periodic per-loop duties, every 100 ms: NOP-In pings, dead connections, requested closes and logouts. A tick visits
 * only the connections whose due time has come ({@link LoopContext#timerDue(int)}, one array), so 1,000 idle sessions
 * cost a read of 1,000 longs per tick rather than 1,000 visits to scattered objects; it visits every connection, in
 * the next duty cycle rather than at the tick, when another thread asked one of them for something
 * ({@link LoopContext#sweepTimers()}). In every duty cycle it also looks whether another nexus' reset or PREEMPT
 * AND ABORT asked for tasks to be aborted: it then asks every connection to abort them
 * ({@link LoopConnection#onAbortRequested()}) and wakes the other loops to do the same, and says so in
 * {@link AbortAcknowledgements} once none of the tasks aborted so is still in backstore I/O (a reset's response waits
 * for it). Only while the loop has connections does it ask the loop to wake for its next tick
 * ({@link EventLoop#wakeBy}): a loop without any sleeps until an accept or an offer wakes it, and the first tick then
 * comes at once.
 */
public final class ConnectionTimer implements LoopWorker
{
    public static final long PERIOD_NANOS = 100_000_000L;

    private final LoopContext context;
    private final EventLoop loop;
    private long nextRunNanos;
    private long abortRequests = LogicalUnit.abortRequestCount();
    /** The abort requests this loop has said it carried out. */
    private long acknowledged = abortRequests;

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
        int work = 0;
        final long requested = LogicalUnit.abortRequestCount();
        final boolean newRequest = requested != abortRequests;
        if (newRequest)
        {
            abortRequests = requested;
            // From the end: a connection closed while aborting leaves the list, moving only those already visited.
            for (int i = connections.size() - 1; i >= 0; i--)
            {
                if (i < connections.size())
                {
                    connections.get(i).onAbortRequested();
                }
            }
            work++;
        }
        // Before the duties: a reset's issuer on this loop looks at every loop's acknowledgement in its own duty.
        if (acknowledged != requested && !abortedTasksInBackstoreIo(connections))
        {
            acknowledged = requested;
            context.abortAcknowledgements().acknowledge(context.index(), requested);   // wakes every other loop
            work++;
        }
        else if (newRequest)
        {
            context.abortAcknowledgements().wakeOthers(context.index());   // they look at the request at once
        }
        final boolean sweep = context.takeTimerSweep();
        final boolean tick = nowNanos - nextRunNanos >= 0;
        if (!tick && !sweep)
        {
            loop.wakeBy(nextRunNanos);
            return work;
        }
        if (tick)
        {
            nextRunNanos = nowNanos + PERIOD_NANOS;
        }
        for (int i = connections.size() - 1; i >= 0; i--)
        {
            if (i < connections.size() && (sweep || nowNanos - context.timerDue(i) >= 0))
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

    private static boolean abortedTasksInBackstoreIo(final List<LoopConnection> connections)
    {
        for (int i = 0; i < connections.size(); i++)
        {
            if (connections.get(i).abortedForAnotherNexusInBackstoreIo())
            {
                return true;
            }
        }
        return false;
    }
}
