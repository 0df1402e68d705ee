package io.ringtarget.iscsi.loop;

import io.ringtarget.iscsi.command.AbortsElsewhere;
import io.ringtarget.scsi.LogicalUnit;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where each loop says how far it has carried out the abort requests of the process' logical units (a LOGICAL UNIT
 * RESET, TARGET RESET or CLEAR TASK SET of one nexus aborting every other nexus' tasks, a PREEMPT AND ABORT the
 * preempted nexuses'): the count of requests ({@link LogicalUnit#abortRequestCount()}) up to which it has aborted the
 * tasks of its connections and seen every such task's backstore I/O end. The issuer of a reset holds its response
 * until every loop has got that far ({@link #endedUpTo}); a loop without connections has nothing to abort.
 * <p>
 * One writer per value, the loop's timer, publishing with a release store on a cache line of its own; read with
 * acquire loads by a connection holding a response, once per timer tick. Not on the I/O path.
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

    /** Loop {@code loop} has carried out the first {@code abortRequests} requests. That loop's thread only. */
    void acknowledge(final int loop, final long abortRequests)
    {
        acknowledged.setRelease(loop * STRIDE, abortRequests);
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
