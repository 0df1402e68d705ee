package io.ringtarget.ring;

import io.ringtarget.ffi.Libc;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * Hybrid polling, as Linux's socket busy polling: after work, the loop keeps polling for up to {@code spinNanos},
 * calling sched_yield between polls so that a thread sharing its CPU (a local initiator) runs first; then it blocks
 * in io_uring_enter (GETEVENTS, min 1, bounded by {@code parkNanos} and by the loop's {@link EventLoop#wakeBy}
 * deadline) so that a completion wakes it at once, and with an {@link EventLoop} an offered task wakes it too. A loop
 * that wakes from a park with nothing to do parks again without polling, so an idle target costs no CPU; and as its
 * timers ask for no deadline while it has no connection, it wakes about once per {@link #DEFAULT_PARK_NANOS}. Nor does a loop poll while it waits for its storage, or after a
 * storage completion until it next parks ({@link EventLoop#deviceIoStarted()}): when a disk paces the requests, the
 * one wake-up polling saves is worth less than the CPU it takes from the disk's own completion path (measured on a
 * loop device over a virtual disk: QD1 reads 119-132 us and 36-49 us of CPU per I/O without polling, 132-153 us
 * and 53-77 us with it). Must run on the ring's thread (as AgentRunner runs it).
 * <p>
 * Nor does a loop poll while a handler holds it off ({@link EventLoop#holdPolling}: a receive that waits on purpose,
 * an initiator streaming large transfers or far behind with its responses, which paces the loop itself), until it
 * next parks; unless a peer that waits for each response keeps it polling ({@link EventLoop#keepPolling}) in the
 * same time.
 * <p>
 * Nor does a busy loop poll: polling is for a loop that waits for each request, as at queue depth 1. The strategy
 * keeps the share of wall time the loop spends in productive duty cycles (from {@link EventLoop#nowNanos()}, the
 * cycle's start, to the idle call after it) over about the last {@link #LOAD_WINDOW_NANOS}, and polls only while
 * that share is below {@link #MAX_BUSY_PERCENT_TO_POLL}. A busier loop rarely sleeps in io_uring_enter anyway (its
 * next requests are there by the time it enters), and when it does, it wakes to a larger batch; polling would
 * only turn its initiator's pauses into CPU time. Measured with fio on this project's VM (docs/benchmarks.md,
 * 2026-11-29): at queue depth 1 the loop is busy 21-46 % of the time and polls as before; at queue depth 32, 4 KiB
 * writes, it is busy 63-77 %, and its CPU per I/O fell from 7.2-10.4 us (always polling) to 6.0-8.6 us (5.7-7.9
 * us never polling). At queue depth 32, 4 KiB reads, it is busy about half of its time, so the limit was 50 % until
 * 2026-12-02, when reads at 60 % gave 1.07-1.10x the IOPS for 1.00-1.04x the CPU per I/O; at 75 % writes polled too,
 * 0.91x the IOPS for 1.24x the CPU. The share moves with the choice (polling lowers it), so QD32 reads settle at
 * the limit, flipping between polling and sleeping; letting a busy loop poll where a trial of both found polling
 * served more gave reads 5-8 % more IOPS for 12-16 % more CPU per I/O and a p99.9 up to 3.6x longer, and was
 * dropped (docs/benchmarks.md, 2026-12-02 12:50).
 * <p>
 * How long to poll adapts as Linux's haltpoll cpuidle governor adapts its poll limit: a wait that outlasted the
 * window but would have been caught by one up to {@link #MAX_SPIN_GROWTH} times {@code spinNanos} doubles the window
 * (up to that bound); a wait longer than the bound halves it (down to {@code spinNanos}). An initiator at queue depth
 * 1 that pauses 50-200 us between requests (it computes, or its vCPU is slow to wake) so keeps the loop polling
 * through the pauses instead of parking and paying a wake-up on top of each; a loop whose requests come milliseconds
 * apart (NOP-Out pings, idle sessions, a client that thinks longer) stays at {@code spinNanos}. Measured on this
 * project's VM, fio QD1 4 KiB reads with a 100 us pause after each: a mean of 36-51 us instead of 106-116 with a fixed
 * 50 us window (p99.9 171-309 against 930-1237 us), for about a core's polling instead of half of one; without
 * pauses 0.1 % of the requests found the loop parked instead of 1-1.5 %; 1 ms pauses and 1,000 idle sessions cost what
 * they did (docs/benchmarks.md, 2026-12-07 16:03-16:30).
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
    /**
     * The longest park: what is due at a time of its own asks for it ({@link EventLoop#wakeBy}), so this bounds only
     * how stale the loop's published idle time ({@link LoopCounter#IDLE_NANOS}) may be when nothing happens.
     */
    public static final long DEFAULT_PARK_NANOS = 1_000_000_000L;
    /** About how far back the busy share looks: the sums are halved whenever they exceed it. */
    public static final long LOAD_WINDOW_NANOS = 4_000_000L;
    /** A loop working this share of its wall time or more does not poll. */
    public static final int MAX_BUSY_PERCENT_TO_POLL = 60;
    /** The poll window grows to at most this many times the configured one. */
    public static final int MAX_SPIN_GROWTH = 4;

    private final EventLoop loop;
    private final Ring ring;
    private final long spinNanos;
    private final long maxSpinNanos;
    private final long parkNanos;
    private final NanoClock clock;
    private long spinLimitNanos;
    private boolean polling;
    private boolean idling;
    private boolean idlePolled;
    private long idleSinceNanos;
    private boolean marked;
    private long dutyCyclesSeen;
    private long markNanos;
    private long busyNanos;
    private long idleNanos;

    public RingIdleStrategy(final EventLoop loop)
    {
        this(loop, DEFAULT_SPIN_NANOS, DEFAULT_PARK_NANOS);
    }

    /** Times the loop's work and its polling with the loop's own clock ({@link EventLoop#clock()}). */
    public RingIdleStrategy(final EventLoop loop, final long spinNanos, final long parkNanos)
    {
        this.loop = loop;
        this.ring = loop.ring();
        this.spinNanos = spinNanos;
        this.maxSpinNanos = spinNanos * MAX_SPIN_GROWTH;
        this.parkNanos = parkNanos;
        this.clock = loop.clock();
        setSpinLimit(spinNanos);
    }

    /** Without a loop: parks in the ring only (offers cannot wake it before {@code parkNanos}). */
    public RingIdleStrategy(final Ring ring, final long spinNanos, final long parkNanos)
    {
        this.loop = null;
        this.ring = ring;
        this.spinNanos = spinNanos;
        this.maxSpinNanos = spinNanos * MAX_SPIN_GROWTH;
        this.spinLimitNanos = spinNanos;
        this.parkNanos = parkNanos;
        this.clock = SystemNanoClock.INSTANCE;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            if (idling && idlePolled)
            {
                // The work ended a wait that began with polling: it started with this cycle (loop.nowNanos()).
                adaptSpinLimit((loop == null ? clock.nanoTime() : loop.nowNanos()) - idleSinceNanos);
            }
            // One read: this runs on the loop's thread, the counter's only writer.
            final long dutyCycles = loop == null ? dutyCyclesSeen : loop.counters().dutyCycles();
            if (dutyCycles != dutyCyclesSeen)
            {
                // The cycle that did the work started at loop.nowNanos(): busy from there to now, idle before it.
                final long now = clock.nanoTime();
                final long cycleStart = loop.nowNanos();
                account(marked ? cycleStart - markNanos : 0, now - cycleStart);
                markNanos = now;
                marked = true;
                dutyCyclesSeen = dutyCycles;
            }
            polling = spinNanos > 0 && lightlyLoaded();
            idling = false;
            return;
        }
        idle();
    }

    @Override
    public void idle()
    {
        final long now = clock.nanoTime();
        final boolean mayPoll = polling && (loop == null ||
            (loop.deviceIoInFlight() == 0 && !loop.deviceIoSincePark() && !loop.pollingHeld()));
        if (!idling)
        {
            idling = true;
            idlePolled = mayPoll;
            idleSinceNanos = now;
            if (!marked)
            {
                markNanos = idleSinceNanos;
                marked = true;
            }
        }
        if (mayPoll)
        {
            if (now - idleSinceNanos < spinLimitNanos)
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

    /**
     * After a wait that began with polling and lasted {@code waitedNanos}: one that a longer window would have caught
     * grows the window, one that no window up to the bound would have caught shrinks it (haltpoll's rule).
     */
    private void adaptSpinLimit(final long waitedNanos)
    {
        if (waitedNanos > maxSpinNanos)
        {
            if (spinLimitNanos > spinNanos)
            {
                setSpinLimit(Math.max(spinNanos, spinLimitNanos >> 1));
            }
        }
        else if (waitedNanos > spinLimitNanos && spinLimitNanos < maxSpinNanos)
        {
            setSpinLimit(Math.min(maxSpinNanos, spinLimitNanos << 1));
        }
    }

    /** Sets the poll window and publishes it as the loop's {@link LoopCounter#POLL_WINDOW_NANOS} (rarely: a change). */
    private void setSpinLimit(final long nanos)
    {
        spinLimitNanos = nanos;
        if (loop != null)
        {
            loop.counters().pollWindowNanos.setRelease(nanos);
        }
    }

    /** Busy less than {@link #MAX_BUSY_PERCENT_TO_POLL} of the time (or not measured yet). */
    private boolean lightlyLoaded()
    {
        final long total = busyNanos + idleNanos;
        return total == 0 || busyNanos * 100 < MAX_BUSY_PERCENT_TO_POLL * total;
    }

    private void account(final long idleDelta, final long busyDelta)
    {
        if (idleDelta > 0)
        {
            idleNanos += idleDelta;
        }
        if (busyDelta > 0)
        {
            busyNanos += busyDelta;
        }
        while (busyNanos + idleNanos > LOAD_WINDOW_NANOS)
        {
            busyNanos >>= 1;
            idleNanos >>= 1;
        }
    }

    @Override
    public void reset()
    {
        polling = false;
        idling = false;
        marked = false;
        setSpinLimit(spinNanos);
        busyNanos = 0;
        idleNanos = 0;
    }

    /** How long the loop polls after its work now: {@code spinNanos}, up to {@link #MAX_SPIN_GROWTH} times that. */
    public long spinLimitNanos()
    {
        return spinLimitNanos;
    }

    /** Whether the next {@link #idle()} polls rather than parks. */
    public boolean polling()
    {
        return polling;
    }

    /** The share of wall time the loop worked over about the last {@link #LOAD_WINDOW_NANOS}, in percent. */
    public int busyPercent()
    {
        final long total = busyNanos + idleNanos;
        return total == 0 ? 0 : (int)(busyNanos * 100 / total);
    }

    @Override
    public String alias()
    {
        return ALIAS;
    }
}
