package io.ringtarget.iscsi.loop;

import io.ringtarget.iscsi.command.DataBuffers;
import io.ringtarget.ring.LoopWorker;

/**
 * Gives a loop's spill region back to the kernel once its commands have not needed it for a while
 * ({@link DataBuffers#trimIdleSpill}): a look at two fields per duty cycle, a madvise after a burst of large commands.
 */
public final class SpillTrimmer implements LoopWorker
{
    private final DataBuffers buffers;

    public SpillTrimmer(final DataBuffers buffers)
    {
        this.buffers = buffers;
    }

    @Override
    public int doWork(final long nowNanos)
    {
        return buffers.trimIdleSpill(nowNanos);
    }
}
