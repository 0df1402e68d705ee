package io.ringtarget.ring;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * N event loops, each with its own ring, on AgentRunner threads named {@code <name>-<i>}; optionally loop i pinned to
 * CPU {@code i % availableProcessors}. Idle strategies: {@code "ring"} (spin then block in the ring: default),
 * {@code "busy"} (spin), {@code "backoff"} (spin, yield, park). Errors are logged and counted ({@link #errors()}):
 * the faults of handlers, tasks and workers that each loop catches and reports (unless a handler's owner deals with
 * its own), and whatever else a loop throws, which AgentRunner catches; the loop keeps running.
 * <p>
 * Every loop's {@link LoopCounter}s, and one {@link LoopCounter#ERRORS} per loop, live in one {@link Counters}
 * registry ({@link #counters()}): the group's own, or the caller's, so that the layers above allocate their counters
 * next to the loops'. Closing the group frees the loops' counters, and closes the registry only if it is its own.
 */
public final class EventLoopGroup implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(EventLoopGroup.class.getName());
    private static final int CLOSE_RETRY_MS = 100;

    private final EventLoop[] loops;
    private final AgentRunner[] runners;
    private final AtomicCounter[] errors;
    private final Counters counters;
    private final boolean ownsCounters;
    private boolean closed;

    public EventLoopGroup(final String name, final int size, final RingConfig config, final String idleStrategy, final boolean pinCpus)
    {
        this(name, size, config, idleStrategy, RingIdleStrategy.DEFAULT_SPIN_NANOS, pinCpus);
    }

    /**
     * @param spinNanos for the "ring" idle strategy: how long a loop keeps polling after its last work before it
     *                  blocks in io_uring_enter ({@link RingIdleStrategy}).
     */
    public EventLoopGroup(
        final String name, final int size, final RingConfig config, final String idleStrategy, final long spinNanos,
        final boolean pinCpus)
    {
        this(name, size, config, idleStrategy, spinNanos, pinCpus, null);
    }

    /**
     * @param counters the registry for the loops' counters, shared with the caller (who closes it); null = the
     *                 group's own, of {@link Counters#DEFAULT_CAPACITY}.
     */
    public EventLoopGroup(
        final String name, final int size, final RingConfig config, final String idleStrategy, final long spinNanos,
        final boolean pinCpus, final Counters counters)
    {
        if (size <= 0)
        {
            throw new IllegalArgumentException("size must be > 0: " + size);
        }
        this.ownsCounters = counters == null;
        this.counters = ownsCounters ? new Counters(Counters.DEFAULT_CAPACITY) : counters;
        loops = new EventLoop[size];
        runners = new AgentRunner[size];
        errors = new AtomicCounter[size];
        final int cpus = Runtime.getRuntime().availableProcessors();
        try
        {
            for (int i = 0; i < size; i++)
            {
                final String loopName = name + "-" + i;
                final AtomicCounter loopErrors = this.counters.allocate(LoopCounter.ERRORS.label(loopName),
                    LoopCounter.ERRORS.typeId());
                errors[i] = loopErrors;
                // Called on the loop's thread for its faults, and by its AgentRunner for what escapes doWork.
                final ErrorHandler errorHandler = t ->
                {
                    loopErrors.increment();
                    LOG.log(System.Logger.Level.ERROR, "error on event loop " + loopName, t);
                };
                final Ring ring = Ring.open(config);
                try
                {
                    loops[i] = new EventLoop(loopName, ring, SystemNanoClock.INSTANCE,
                        EventLoop.DEFAULT_TASK_QUEUE_CAPACITY, errorHandler, this.counters);
                }
                catch (final RuntimeException ex)
                {
                    ring.close();
                    throw ex;
                }
                if (pinCpus)
                {
                    loops[i].pinToCpu(i % cpus);
                }
                runners[i] = new AgentRunner(idle(idleStrategy, spinNanos, loops[i]), errorHandler, null, loops[i]);
            }
        }
        catch (final RuntimeException ex)
        {
            for (final EventLoop loop : loops)
            {
                if (loop != null)
                {
                    loop.onClose();
                    loop.ring().close();
                }
            }
            closeCounters();
            throw ex;
        }
        for (final AgentRunner runner : runners)
        {
            AgentRunner.startOnThread(runner);
        }
    }

    private static IdleStrategy idle(final String name, final long spinNanos, final EventLoop loop)
    {
        return switch (name)
        {
            case "ring" -> new RingIdleStrategy(loop, spinNanos, RingIdleStrategy.DEFAULT_PARK_NANOS);
            case "busy" -> new BusySpinIdleStrategy();
            case "backoff" -> new BackoffIdleStrategy();
            default -> throw new IllegalArgumentException("idle strategy must be ring, busy or backoff: " + name);
        };
    }

    public EventLoop loop(final int index)
    {
        return loops[index];
    }

    public int size()
    {
        return loops.length;
    }

    /** Errors reported on all loops (each loop's {@link LoopCounter#ERRORS}). */
    public long errors()
    {
        long sum = 0;
        for (final AtomicCounter c : errors)
        {
            sum += c.get();
        }
        return sum;
    }

    /** The registry of the loops' counters; allocate more in it with {@link Counters#allocate}. */
    public Counters counters()
    {
        return counters;
    }

    /** Stops every loop, joins its thread, then closes its ring. Idempotent. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (int i = 0; i < runners.length; i++)
        {
            final EventLoop loop = loops[i];
            // A loop parked in io_uring_enter sees the stop flag only when it returns: wake it, and again on every
            // retry in case it parked between our wake-up and the flag.
            loop.wakeup();
            runners[i].close(CLOSE_RETRY_MS, t -> loop.wakeup());
        }
        for (final EventLoop loop : loops)
        {
            loop.ring().close();
        }
        closeCounters();
    }

    private void closeCounters()
    {
        for (final AtomicCounter c : errors)
        {
            if (c != null)
            {
                c.close();
            }
        }
        if (ownsCounters)
        {
            counters.close();
        }
    }
}
