package io.ringtarget.ring;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * The counters of one {@link EventLoop}, each a type id and a label suffix (Aeron's SystemCounterDescriptor style).
 * A loop's counters are labelled {@code loop <loop name>: <label>}; the loop thread is the single writer of each,
 * except {@link #ERRORS}, which its {@link EventLoopGroup} counts.
 */
public enum LoopCounter
{
    /** Calls of doWork. */
    DUTY_CYCLES(1, "duty cycles"),
    /** CQEs reaped, the loop's own wake-up reads included. */
    COMPLETIONS(2, "completions"),
    /** CQEs whose owner id is not registered (late completions of an unregistered owner). */
    UNKNOWN_OWNER_COMPLETIONS(3, "unknown-owner completions"),
    /** LoopTasks run, those that threw included. */
    TASKS_RUN(4, "tasks run"),
    /** Ring.submit calls (end of cycle and mid-cycle). */
    SUBMIT_CALLS(5, "submit calls"),
    /** submit or park calls that returned -errno. */
    SUBMIT_ERRORS(6, "submit errors"),
    /** Blocking waits in io_uring_enter. */
    PARKS(7, "parks"),
    /** Parks ended by an offer (eventfd). */
    WAKEUPS(8, "wakeups"),
    /** CompletionHandlers that threw. */
    HANDLER_FAULTS(9, "handler faults"),
    /** LoopTasks that threw. */
    TASK_FAULTS(10, "task faults"),
    /** LoopWorker calls that threw. */
    WORKER_FAULTS(11, "worker faults"),
    /** Preps that found the SQ full and submitted first (Ring.sqFullFlushes). */
    SQ_FULL_FLUSHES(12, "SQ-full flushes"),
    /** Enters to flush the kernel's CQ overflow backlog (Ring.cqOverflowFlushes). */
    CQ_OVERFLOW_FLUSHES(13, "CQ-overflow flushes"),
    /** Nanoseconds from the start of each duty cycle that did work to the start of the next. */
    BUSY_NANOS(14, "busy ns"),
    /** Nanoseconds from the start of each duty cycle that found nothing to do to the next: polling and parks. */
    IDLE_NANOS(15, "idle ns"),
    /** Errors reported to the group's error handler for this loop: unhandled faults and what AgentRunner caught. */
    ERRORS(16, "errors"),
    /** A gauge: how long the loop polls after its work now ({@link RingIdleStrategy#spinLimitNanos()}), else 0. */
    POLL_WINDOW_NANOS(17, "poll window ns");

    private static final LoopCounter[] BY_TYPE_ID = new LoopCounter[Counters.FIRST_FREE_TYPE_ID];

    static
    {
        for (final LoopCounter c : values())
        {
            if (BY_TYPE_ID[c.typeId] != null)
            {
                throw new IllegalStateException("type id " + c.typeId + " used twice: " + c + ", " + BY_TYPE_ID[c.typeId]);
            }
            BY_TYPE_ID[c.typeId] = c;
        }
    }

    private final int typeId;
    private final String label;

    LoopCounter(final int typeId, final String label)
    {
        this.typeId = typeId;
        this.label = label;
    }

    public int typeId()
    {
        return typeId;
    }

    public String label()
    {
        return label;
    }

    /** The full label of this counter of loop {@code loopName}. */
    public String label(final String loopName)
    {
        return "loop " + loopName + ": " + label;
    }

    /** The descriptor of a counter's type id, or null when it is not a loop counter. */
    public static LoopCounter get(final int typeId)
    {
        return typeId >= 0 && typeId < BY_TYPE_ID.length ? BY_TYPE_ID[typeId] : null;
    }

    AtomicCounter allocate(final Counters counters, final String loopName)
    {
        return counters.allocate(label(loopName), typeId);
    }
}
