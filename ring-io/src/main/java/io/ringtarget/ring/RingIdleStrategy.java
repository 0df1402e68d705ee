package io.ringtarget.ring;

import org.agrona.concurrent.IdleStrategy;

/**
 * Spins {@code maxSpins} idle cycles (none by default), then blocks in io_uring_enter (GETEVENTS, min 1, bounded by
 * {@code parkNanos}) so that a completion wakes the loop at once; with an {@link EventLoop}, an offered task wakes it
 * too. Must run on the ring's thread (as AgentRunner runs its idle strategy).
 */
public final class RingIdleStrategy implements IdleStrategy
{
    public static final String ALIAS = "ring";
    /**
     * No spinning by default. Measured (docs/benchmarks.md, 2026-11-29): with the initiator on the same CPU, every
     * spin delays the thread that will send the next request (QD1 reads 13.6 us with 0 spins, 17.3 us with 100, and
     * 7.3 against 10.7 us of CPU per I/O); with the initiator on another CPU, the next request comes after its own
     * wake-up, tens of microseconds later, so a short spin never catches it; and at QD32 the loop seldom idles
     * (0 spins: same IOPS, 4.1 against 4.7-5.2 us of CPU per I/O).
     */
    public static final int DEFAULT_MAX_SPINS = 0;
    public static final long DEFAULT_PARK_NANOS = 10_000_000L;

    private final EventLoop loop;
    private final Ring ring;
    private final int maxSpins;
    private final long parkNanos;
    private int spins;

    public RingIdleStrategy(final EventLoop loop)
    {
        this(loop, DEFAULT_MAX_SPINS, DEFAULT_PARK_NANOS);
    }

    public RingIdleStrategy(final EventLoop loop, final int maxSpins, final long parkNanos)
    {
        this.loop = loop;
        this.ring = loop.ring();
        this.maxSpins = maxSpins;
        this.parkNanos = parkNanos;
    }

    /** Without a loop: parks in the ring only (offers cannot wake it before {@code parkNanos}). */
    public RingIdleStrategy(final Ring ring, final int maxSpins, final long parkNanos)
    {
        this.loop = null;
        this.ring = ring;
        this.maxSpins = maxSpins;
        this.parkNanos = parkNanos;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            spins = 0;
            return;
        }
        idle();
    }

    @Override
    public void idle()
    {
        if (spins < maxSpins)
        {
            spins++;
            Thread.onSpinWait();
            return;
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
        spins = 0;
    }

    @Override
    public String alias()
    {
        return ALIAS;
    }
}
