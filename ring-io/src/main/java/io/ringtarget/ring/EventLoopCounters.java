package io.ringtarget.ring;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * The {@link LoopCounter}s of one {@link EventLoop}, all but {@link LoopCounter#ERRORS} (its group's), allocated
 * together in a {@link Counters} registry, the group's or the loop's own, and freed together when the loop closes.
 * The loop thread is the single writer (release stores through the package's fields); any thread reads them, through
 * the accessors here or the registry's reader ({@link #id}). Updating them allocates nothing.
 */
public final class EventLoopCounters
{
    final AtomicCounter dutyCycles;
    final AtomicCounter completions;
    final AtomicCounter unknownOwnerCompletions;
    final AtomicCounter tasksRun;
    final AtomicCounter submitCalls;
    final AtomicCounter submitErrors;
    final AtomicCounter parks;
    final AtomicCounter wakeups;
    final AtomicCounter handlerFaults;
    final AtomicCounter taskFaults;
    final AtomicCounter workerFaults;
    final AtomicCounter sqFullFlushes;
    final AtomicCounter cqOverflowFlushes;
    final AtomicCounter busyNanos;
    final AtomicCounter idleNanos;
    final AtomicCounter pollWindowNanos;
    private final Counters registry;
    private final AtomicCounter[] byDescriptor = new AtomicCounter[LoopCounter.values().length];

    /** Allocates every counter of loop {@code loopName}; when one cannot be, frees those already allocated. */
    EventLoopCounters(final Counters registry, final String loopName)
    {
        this.registry = registry;
        this.dutyCycles = allocate(LoopCounter.DUTY_CYCLES, loopName);
        this.completions = allocate(LoopCounter.COMPLETIONS, loopName);
        this.unknownOwnerCompletions = allocate(LoopCounter.UNKNOWN_OWNER_COMPLETIONS, loopName);
        this.tasksRun = allocate(LoopCounter.TASKS_RUN, loopName);
        this.submitCalls = allocate(LoopCounter.SUBMIT_CALLS, loopName);
        this.submitErrors = allocate(LoopCounter.SUBMIT_ERRORS, loopName);
        this.parks = allocate(LoopCounter.PARKS, loopName);
        this.wakeups = allocate(LoopCounter.WAKEUPS, loopName);
        this.handlerFaults = allocate(LoopCounter.HANDLER_FAULTS, loopName);
        this.taskFaults = allocate(LoopCounter.TASK_FAULTS, loopName);
        this.workerFaults = allocate(LoopCounter.WORKER_FAULTS, loopName);
        this.sqFullFlushes = allocate(LoopCounter.SQ_FULL_FLUSHES, loopName);
        this.cqOverflowFlushes = allocate(LoopCounter.CQ_OVERFLOW_FLUSHES, loopName);
        this.busyNanos = allocate(LoopCounter.BUSY_NANOS, loopName);
        this.idleNanos = allocate(LoopCounter.IDLE_NANOS, loopName);
        this.pollWindowNanos = allocate(LoopCounter.POLL_WINDOW_NANOS, loopName);
    }

    private AtomicCounter allocate(final LoopCounter descriptor, final String loopName)
    {
        final AtomicCounter counter;
        try
        {
            counter = descriptor.allocate(registry, loopName);
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
        byDescriptor[descriptor.ordinal()] = counter;
        return counter;
    }

    /** Frees the counters in the registry (their last values stay readable until the slots are reused). */
    void close()
    {
        for (final AtomicCounter c : byDescriptor)
        {
            if (c != null)
            {
                c.close();
            }
        }
    }

    /** The registry holding these counters. */
    public Counters registry()
    {
        return registry;
    }

    /** The id of one of the counters in {@link #registry()}, for reading it through the registry's reader. */
    public int id(final LoopCounter descriptor)
    {
        final AtomicCounter c = byDescriptor[descriptor.ordinal()];
        if (c == null)
        {
            throw new IllegalArgumentException(descriptor + " is not a counter of the loop");
        }
        return c.id();
    }

    public long dutyCycles()
    {
        return dutyCycles.get();
    }

    public long completions()
    {
        return completions.get();
    }

    public long unknownOwnerCompletions()
    {
        return unknownOwnerCompletions.get();
    }

    public long tasksRun()
    {
        return tasksRun.get();
    }

    public long submitCalls()
    {
        return submitCalls.get();
    }

    public long submitErrors()
    {
        return submitErrors.get();
    }

    public long parks()
    {
        return parks.get();
    }

    public long wakeups()
    {
        return wakeups.get();
    }

    /** Completion handlers that threw ({@link CompletionHandler#onFault}). */
    public long handlerFaults()
    {
        return handlerFaults.get();
    }

    public long taskFaults()
    {
        return taskFaults.get();
    }

    public long workerFaults()
    {
        return workerFaults.get();
    }

    /** Nanoseconds of duty cycles that did work, by the loop's clock ({@link LoopCounter#BUSY_NANOS}). */
    public long busyNanos()
    {
        return busyNanos.get();
    }

    /** Nanoseconds of duty cycles that found nothing, with the polling and parks after them. */
    public long idleNanos()
    {
        return idleNanos.get();
    }

    /** How long the loop polls after its work now ({@link LoopCounter#POLL_WINDOW_NANOS}); 0 without a window. */
    public long pollWindowNanos()
    {
        return pollWindowNanos.get();
    }

    @Override
    public String toString()
    {
        return "completions=" + completions() + ", unknownOwner=" + unknownOwnerCompletions() +
            ", tasks=" + tasksRun() + ", submitCalls=" + submitCalls() + ", submitErrors=" + submitErrors() +
            ", faults=" + (handlerFaults() + taskFaults() + workerFaults());
    }
}
