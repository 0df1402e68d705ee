package io.ringtarget.scsi;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.ErrorHandler;

/**
 * A logical unit's fault boundary (see {@link LogicalUnit}): the frames a task runs in, executing a command,
 * continuing it after a backstore call, starting it once its COMPARE AND WRITE range is free, or running
 * {@link Sanitize}'s steps. A RuntimeException in the outermost frame completes the task with HARDWARE ERROR /
 * INTERNAL TARGET FAILURE, never a second time, and is counted and reported; what the task's listener throws goes to
 * the transport unchanged, once the logical unit has finished its own work. Any loop thread; allocation-free.
 */
final class FaultFrames
{
    private static final System.Logger LOG = System.getLogger(LogicalUnit.class.getName());

    private final LogicalUnit lu;
    private final MediaSteps steps;
    private final AtomicLong internalErrors;
    private volatile ErrorHandler errorHandler = FaultFrames::logInternalError;

    FaultFrames(final LogicalUnit lu, final MediaSteps steps, final AtomicLong internalErrors)
    {
        this.lu = lu;
        this.steps = steps;
        this.internalErrors = internalErrors;
    }

    /** See {@link LogicalUnit#errorHandler(ErrorHandler)}. */
    void errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
    }

    /** {@link LogicalUnit#execute(ScsiTask)}: the outermost frame of a command. */
    boolean execute(final ScsiTask task)
    {
        final long sequence = ++task.executeSequence;
        task.logicalUnit = lu;
        task.clearResult();
        task.descriptorSense = lu.descriptorSense();
        task.clearCommandState();
        task.callDepth++;
        try
        {
            lu.dispatch(task);
        }
        catch (final RuntimeException ex)
        {
            onInternalError(task, sequence, ex);
        }
        finally
        {
            task.callDepth--;
        }
        rethrowListenerFailure(task);
        return completedSince(task, sequence);
    }

    /**
     * Continues a medium-access command: see {@link ScsiTask#onIoComplete(int)}. Outermost (a completion from
     * the ring), it is the task's fault boundary; inside a backstore call this task made (a synchronous backstore),
     * an internal error goes up to the frame that made the call. A second completion of a call is a backstore bug:
     * an internal error, never a second completion of the task.
     */
    void onIoComplete(final ScsiTask t, final int result)
    {
        final long sequence = t.executeSequence;
        t.callDepth++;
        try
        {
            if (t.completedSequence == sequence)
            {
                throw new IllegalStateException("backstore completion for a finished command: " + result);
            }
            steps.onIoComplete(t, result);
        }
        catch (final RuntimeException ex)
        {
            if (t.callDepth > 1)
            {
                throw ex;
            }
            onInternalError(t, sequence, ex);
        }
        finally
        {
            t.callDepth--;
        }
        rethrowListenerFailure(t);
    }

    /**
     * Starts a COMPARE AND WRITE / ORWRITE that waited for its range, on the loop that queued it: its own fault
     * boundary. What its listener throws goes to the transport through the releaser, the task whose frame this
     * runs in.
     */
    void resumeWaiter(final ScsiTask releaser, final ScsiTask waiter)
    {
        final long sequence = waiter.executeSequence;
        waiter.callDepth++;
        try
        {
            steps.resume(waiter);
        }
        catch (final RuntimeException ex)
        {
            onInternalError(waiter, sequence, ex);
        }
        finally
        {
            waiter.callDepth--;
        }
        releaser.deferListenerFailure(waiter.takeListenerFailure());
    }

    /**
     * Runs a task's steps from their current phase in a fault frame of its own: {@link Sanitize}'s task, which no
     * transport executes. An internal error completes it with INTERNAL TARGET FAILURE, as for a command.
     */
    void runSteps(final ScsiTask t)
    {
        final long sequence = t.executeSequence;
        t.callDepth++;
        try
        {
            steps.run(t);
        }
        catch (final RuntimeException ex)
        {
            onInternalError(t, sequence, ex);
        }
        finally
        {
            t.callDepth--;
        }
    }

    /** A failure outside any command's fault boundary (an APTPL write): counted and reported like the others. */
    void reportInternalError(final Throwable ex)
    {
        internalErrors.incrementAndGet();
        errorHandler.onError(ex);
    }

    /** The listener has been called for the execute numbered {@code sequence} (or the task executed again). */
    private static boolean completedSince(final ScsiTask t, final long sequence)
    {
        return t.completedSequence == sequence || t.executeSequence != sequence;
    }

    private static void rethrowListenerFailure(final ScsiTask t)
    {
        if (t.callDepth == 0 && t.listenerFailure != null)
        {
            throw t.takeListenerFailure();
        }
    }

    /**
     * The fault boundary: an unexpected exception of the LU or its backstore while running the execute numbered
     * {@code sequence}. Counted, reported once, and the task, unless its listener was called already, completes
     * with HARDWARE ERROR / INTERNAL TARGET FAILURE (SPC-4 4.5.6) after giving up its COMPARE AND WRITE range.
     */
    private void onInternalError(final ScsiTask t, final long sequence, final RuntimeException ex)
    {
        internalErrors.incrementAndGet();
        if (!completedSince(t, sequence))
        {
            t.phase = MediaSteps.PHASE_NONE; // a stray completion now finds no step to continue
            t.finished = true;
            t.inSubmit = false;
            final boolean released = steps.releaseRangeLock(t);
            t.clearResult();
            Responses.internalTargetFailure(t);
            if (released)
            {
                steps.resumeWaiters(t);
            }
        }
        errorHandler.onError(ex);
    }

    private static void logInternalError(final Throwable ex)
    {
        LOG.log(System.Logger.Level.ERROR, "internal error in a logical unit; the command got INTERNAL TARGET FAILURE",
            ex);
    }
}
