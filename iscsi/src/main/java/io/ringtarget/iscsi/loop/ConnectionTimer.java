package io.ringtarget.iscsi.loop;

import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopWorker;
import io.ringtarget.scsi.LogicalUnit;

import java.util.List;

/**
 * Per-loop timer duties: NOP-In pings, dead connections, requested closes and logouts. A tick visits only the
 * connections whose due time has come ({@link LoopContext#timerDue(int)}, one array), so 1,000 idle sessions cost a
 * read of 1,000 longs per tick rather than 1,000 visits to scattered objects; it visits every connection, in the
 * next duty cycle rather than at a tick, when another thread asked one of them for something
 * ({@link LoopContext#sweepTimers()}). Ticks come when the earliest connection is due, at most every
 * {@link #PERIOD_NANOS} (the duties' granularity) and at least every {@link #MAX_SLEEP_NANOS}: idle sessions, whose
 * pings fall on whole seconds, wake their loop about once a second, not ten times (each wake-up of a sleeping vCPU
 * costs tens to hundreds of microseconds on a VM). In every duty cycle it also looks whether another nexus' reset or
 * PREEMPT AND ABORT asked for tasks to be aborted: it then asks every connection to abort them
 * ({@link LoopConnection#onAbortRequested()}) and wakes the other loops to do the same, and says so in
 * {@link AbortAcknowledgements} once none of the tasks aborted so is still in backstore I/O (a reset's response
 * waits for it). Only while the loop has connections does it ask the loop to wake for its next tick
 * ({@link EventLoop#wakeBy}): a loop without any sleeps until an accept or an offer wakes it, and the first tick
 * then comes at once.
 */
public final class ConnectionTimer implements LoopWorker
{
    /** Ticks are at least this far apart. */
    public static final long PERIOD_NANOS = 100_000_000L;
    /** A loop with connections ticks at least this often, whatever their due times say. */
    public static final long MAX_SLEEP_NANOS = 1_000_000_000L;

    private final LoopContext context;
    private final EventLoop loop;
    /** The earliest the next tick may come: the last one's time and {@link #PERIOD_NANOS}. */
    private long nextTickNanos;
    /** The latest the next tick may come: the last one's time and {@link #MAX_SLEEP_NANOS}. */
    private long latestTickNanos;
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
        final long tickDue = nextTickDue();
        final boolean tick = nowNanos - tickDue >= 0;
        if (!tick && !sweep)
        {
            loop.wakeBy(tickDue);
            return work;
        }
        if (tick)
        {
            nextTickNanos = nowNanos + PERIOD_NANOS;
            latestTickNanos = nowNanos + MAX_SLEEP_NANOS;
        }
        // Every due time again: a visited connection's as it sets it anew, the others' as they stand.
        context.resetEarliestTimerDue(nowNanos + MAX_SLEEP_NANOS);
        for (int i = connections.size() - 1; i >= 0; i--)
        {
            if (i < connections.size())
            {
                final long due = context.timerDue(i);
                if (sweep || nowNanos - due >= 0)
                {
                    work += connections.get(i).onTimer(nowNanos);
                }
                else
                {
                    context.lowerEarliestTimerDue(due);
                }
            }
        }
        if (!connections.isEmpty())
        {
            loop.wakeBy(nextTickDue());
        }
        return work;
    }

    /** When the next tick is due: when the earliest connection is, within the bounds the last tick set. */
    private long nextTickDue()
    {
        final long earliest = context.earliestTimerDue();
        final long due = earliest - nextTickNanos < 0 ? nextTickNanos : earliest;
        return due - latestTickNanos > 0 ? latestTickNanos : due;
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
