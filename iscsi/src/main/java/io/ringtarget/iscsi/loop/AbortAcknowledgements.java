package io.ringtarget.iscsi.loop;

import io.ringtarget.iscsi.command.AbortsElsewhere;
import io.ringtarget.scsi.LogicalUnit;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where each loop says how far it has carried out the abort requests of the process' logical units (a LOGICAL UNIT
 * RESET or TARGET RESET of one nexus aborting every other nexus' tasks, a PREEMPT AND ABORT the
 * preempted nexuses'): the count of requests ({@link LogicalUnit#abortRequestCount()}) up to which it has aborted the
 * tasks of its connections and seen every such task's backstore I/O end. The issuer of a reset holds its response
 * until every loop has got that far ({@link #endedUpTo}); a loop without connections has nothing to abort.
 * <p>
 * One writer per value, the loop's timer, publishing with a release store on a cache line of its own; read with
 * acquire loads by a connection holding a response, in its loop's timer sweep. Not on the I/O path. The loops do not
 * wait for their 100 ms ticks: the first to see a new request wakes the others ({@link #wakeOthers}), and each
 * acknowledgement has every loop's timer visit its connections at once, so that a held response goes out as soon
 * as the last loop has acknowledged (a reset with nothing in flight elsewhere is answered in about a millisecond).
 */
public final class AbortAcknowledgements implements AbortsElsewhere
{
    /** Longs between two loops' values: 128 bytes, as in {@link ConnectionBalance}. */
    private static final int STRIDE = 16;

    private final ConnectionBalance balance;
    private final AtomicLongArray acknowledged;

    public AbortAcknowledgements(final ConnectionBalance balance)
    {
        this.balance = balance;
        this.acknowledged = new AtomicLongArray(balance.loops() * STRIDE);
        final long now = LogicalUnit.abortRequestCount();   // nothing this engine runs was asked before it started
        for (int loop = 0; loop < balance.loops(); loop++)
        {
            acknowledged.set(loop * STRIDE, now);
        }
    }

    /**
     * Loop {@code loop} has carried out the first {@code abortRequests} requests: every loop's timer then looks at its
     * connections, among them the one holding a response for it. That loop's thread only.
     */
    void acknowledge(final int loop, final long abortRequests)
    {
        acknowledged.setRelease(loop * STRIDE, abortRequests);
        for (int other = 0; other < balance.loops(); other++)
        {
            final LoopContext context = balance.context(other);
            if (context != null)
            {
                context.sweepTimers();
            }
        }
    }

    /** Loop {@code loop} saw a new abort request: the others, parked or not, look at it in their next duty cycle. */
    void wakeOthers(final int loop)
    {
        for (int other = 0; other < balance.loops(); other++)
        {
            final LoopContext context = balance.context(other);
            if (other != loop && context != null)
            {
                context.loop().wakeup();
            }
        }
    }

    /** Requests made off the loops (another gateway's PREEMPT AND ABORT): every loop looks at them now. */
    @Override
    public void requested()
    {
        wakeOthers(-1);
    }

    @Override
    public boolean endedUpTo(final long abortRequests)
    {
        for (int loop = 0; loop < balance.loops(); loop++)
        {
            // A loop with no connection open at this instant has no task of an earlier request left anywhere.
            if (acknowledged.getAcquire(loop * STRIDE) - abortRequests < 0 && balance.open(loop) != 0)
            {
                return false;
            }
        }
        return true;
    }
}
