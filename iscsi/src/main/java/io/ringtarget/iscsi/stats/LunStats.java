package io.ringtarget.iscsi.stats;

import io.ringtarget.ring.EventLoop;
import io.ringtarget.scsi.ScsiStatus;
import io.ringtarget.scsi.ScsiTask;

/**
 * What one event loop counts for one LUN: commands in flight, reads and writes answered GOOD with their bytes,
 * failures by {@link IoOp} and {@link SenseKeys sense key}, and a latency histogram per {@link IoOp} with the
 * {@link LatencyBuckets fixed buckets} and the sum of the durations. A command's latency runs from its arrival (the
 * clock of the loop's duty cycle that received it, {@link EventLoop#nowNanos()}) to the moment its status is queued
 * for sending (the loop's clock read then). The loop thread is the only writer; the scrape sums the LUN's
 * {@code LunStats} of every loop. Recording allocates nothing.
 */
public final class LunStats
{
    private static final int READS = 0;
    private static final int WRITES = 1;
    private static final int READ_BYTES = 2;
    private static final int WRITTEN_BYTES = 3;
    private static final int IN_FLIGHT = 4;
    private static final int ERRORS = 5;
    private static final int BUCKETS = ERRORS + IoOp.COUNT * SenseKeys.COUNT;
    private static final int SUMS = BUCKETS + IoOp.COUNT * LatencyBuckets.COUNT;
    private static final int LENGTH = SUMS + IoOp.COUNT;

    private final EventLoop loop;
    private final SingleWriterLongs values = new SingleWriterLongs(LENGTH);

    public LunStats(final EventLoop loop)
    {
        this.loop = loop;
    }

    /** A command for this LUN arrived; returns its arrival time for {@link #answered} or {@link #ended}. */
    public long arrived()
    {
        values.increment(IN_FLIGHT);
        return loop.nowNanos();
    }

    /**
     * The status of a command that {@link #arrived} is queued for sending.
     *
     * @param op           its {@link IoOp}.
     * @param task         its result: status, sense data.
     * @param bytes        data moved: Data-In sent for a read, Data-Out received for a write.
     * @param arrivalNanos what {@link #arrived} returned.
     */
    public void answered(final int op, final ScsiTask task, final long bytes, final long arrivalNanos)
    {
        values.decrement(IN_FLIGHT);
        final int status = task.status();
        if (status == ScsiStatus.GOOD || status == ScsiStatus.CONDITION_MET)
        {
            if (op == IoOp.READ)
            {
                values.increment(READS);
                values.add(READ_BYTES, bytes);
            }
            else if (op == IoOp.WRITE)
            {
                values.increment(WRITES);
                values.add(WRITTEN_BYTES, bytes);
            }
        }
        else
        {
            final int key = status == ScsiStatus.CHECK_CONDITION ?
                SenseKeys.of(task.senseData(), task.senseLength()) : SenseKeys.NONE;
            values.increment(ERRORS + op * SenseKeys.COUNT + key);
        }
        final long nanos = Math.max(0, loop.clock().nanoTime() - arrivalNanos);
        values.increment(BUCKETS + op * LatencyBuckets.COUNT + LatencyBuckets.index(nanos));
        values.add(SUMS + op, nanos);
    }

    /** A command that {@link #arrived} ended without a status (aborted, or its connection closed). */
    public void ended()
    {
        values.decrement(IN_FLIGHT);
    }

    // Readers, any thread.

    public long reads()
    {
        return values.get(READS);
    }

    public long writes()
    {
        return values.get(WRITES);
    }

    public long readBytes()
    {
        return values.get(READ_BYTES);
    }

    public long writtenBytes()
    {
        return values.get(WRITTEN_BYTES);
    }

    public long inFlight()
    {
        return values.get(IN_FLIGHT);
    }

    public long errors(final int op, final int senseKey)
    {
        return values.get(ERRORS + op * SenseKeys.COUNT + senseKey);
    }

    /** Commands of kind {@code op} in bucket {@code bucket} (not cumulative). */
    public long bucket(final int op, final int bucket)
    {
        return values.get(BUCKETS + op * LatencyBuckets.COUNT + bucket);
    }

    public long sumNanos(final int op)
    {
        return values.get(SUMS + op);
    }
}
