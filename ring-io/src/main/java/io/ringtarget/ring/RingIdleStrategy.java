package io.ringtarget.ring;

import io.ringtarget.ffi.Libc;

import org.agrona.concurrent.IdleStrategy;

/**
 * Hybrid polling, as Linux's socket busy polling: after work, the loop keeps polling for up to {@code spinNanos},
 * calling sched_yield between polls so that a thread sharing its CPU (a local initiator) runs first; then it blocks
 * in io_uring_enter (GETEVENTS, min 1, bounded by {@code parkNanos}) so that a completion wakes it at once, and with
 * an {@link EventLoop} an offered task wakes it too. A loop that wakes from a park with nothing to do parks again
 * without polling, so an idle target costs no CPU. Nor does a loop poll while it waits for its storage, or after a
 * storage completion until it next parks ({@link EventLoop#deviceIoStarted()}): when a disk paces the requests, the
 * one wake-up polling saves is worth less than the CPU it takes from the disk's own completion path (measured on a
 * loop device over a virtual disk: QD1 reads 119-132 us and 36-49 us of CPU per I/O without polling, 132-153 us
 * and 53-77 us with it). Must run on the ring's thread (as AgentRunner runs it).
 * <p>
 * Why poll: with DEFER_TASKRUN a request that arrives while the loop polls only sets IORING_SQ_TASKRUN, which the
 * next {@link Ring#submit()} sees; no wake-up crosses CPUs. Measured on this project's 2-vCPU VM, QD1 4 KiB reads
 * from fio on the other CPU: 80-93 us mean without polling, 27-34 us with 50 us, and less CPU per I/O (38-52
 * against 29-36 us), because a wake-up there costs more than the polling it replaces (docs/benchmarks.md,
 * 2026-11-29).
 */
public final class RingIdleStrategy implements IdleStrategy
{
    public static final String ALIAS = "ring";
    public static final long DEFAULT_SPIN_NANOS = 50_000L;
    public static final long DEFAULT_PARK_NANOS = 10_000_000L;

    private final EventLoop loop;
    private final Ring ring;
    private final long spinNanos;
    private final long parkNanos;
    private boolean polling;
    private boolean idling;
    private long idleSinceNanos;

    public RingIdleStrategy(final EventLoop loop)
    {
        this(loop, DEFAULT_SPIN_NANOS, DEFAULT_PARK_NANOS);
    }

    public RingIdleStrategy(final EventLoop loop, final long spinNanos, final long parkNanos)
    {
        this.loop = loop;
        this.ring = loop.ring();
        this.spinNanos = spinNanos;
        this.parkNanos = parkNanos;
    }

    /** Without a loop: parks in the ring only (offers cannot wake it before {@code parkNanos}). */
    public RingIdleStrategy(final Ring ring, final long spinNanos, final long parkNanos)
    {
        this.loop = null;
        this.ring = ring;
        this.spinNanos = spinNanos;
        this.parkNanos = parkNanos;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            polling = spinNanos > 0;
            idling = false;
            return;
        }
        idle();
    }

    @Override
    public void idle()
    {
        if (polling && (loop == null || (loop.deviceIoInFlight() == 0 && !loop.deviceIoSincePark())))
        {
            final long now = System.nanoTime();
            if (!idling)
            {
                idling = true;
                idleSinceNanos = now;
            }
            if (now - idleSinceNanos < spinNanos)
            {
                Libc.schedYield();
                return;
            }
            polling = false;
        }
        if (loop != null)
        {
            loop.park(parkNanos);
        }
        else
        {
            ring.submitAndWait(1, parkNanos);
        }
    }

    @Override
    public void reset()
    {
        polling = false;
        idling = false;
    }

    /** Whether the next {@link #idle()} polls rather than parks. */
    public boolean polling()
    {
        return polling;
    }

    @Override
    public String alias()
    {
        return ALIAS;
    }
}
