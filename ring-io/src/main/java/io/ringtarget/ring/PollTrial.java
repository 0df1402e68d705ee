package io.ringtarget.ring;

/**
 * Whether a busy loop should poll for its next requests rather than sleep in io_uring_enter, found by trying both.
 * <p>
 * A loop busy most of its time does not poll by default ({@link RingIdleStrategy#MAX_BUSY_PERCENT_TO_POLL}): when
 * its initiator is the bottleneck, polling only turns the initiator's pauses into CPU time. When the loop itself is
 * the bottleneck, sleeping costs it the wake-up before each batch, and polling serves more. The busy share cannot
 * tell the two apart (it moves with the choice: QD32 4 KiB reads from fio settle at the limit while sleeping and at
 * about 80 % while polling; writes at 65 % and 85 %), so this measures what each choice serves: while the loop is
 * busy it alternates {@link #EPOCH_NANOS} epochs polling and epochs as without this class ({@link #TRIAL_EPOCHS} in
 * all), compares the commands served per second ({@link EventLoop#commandsServed()}), and polls while busy until the
 * next trial only if polling served at least {@link #MIN_GAIN_PERCENT} more. The next trial comes
 * {@link #RETRIAL_NANOS} later, or twice as long as the last wait (up to {@link #MAX_RETRIAL_NANOS}) when this one
 * confirmed the choice before it: a steady workload's trials soon cost it a few epochs a minute. Measured
 * with fio on this project's 2-vCPU VM (docs/benchmarks.md, 2026-12-02 12:50): always polling served QD32 4 KiB
 * reads 1.09-1.21x, writes 0.90-1.03x, each for a third more CPU; with the trial, reads 1.06x the IOPS at 1.12x the
 * CPU per I/O, writes unchanged.
 * <p>
 * Loop thread only; no allocation.
 */
public final class PollTrial
{
    /** The length of one trial epoch. */
    public static final long EPOCH_NANOS = 10_000_000L;
    /** Epochs per trial, alternating: polling, then as without this class. */
    public static final int TRIAL_EPOCHS = 8;
    /** From one trial's end to the next, while the loop stays busy, after a trial that changed the choice. */
    public static final long RETRIAL_NANOS = 1_000_000_000L;
    /**
     * The longest wait between trials: each trial that confirms the choice before it doubles the wait up to this,
     * so that a steady workload pays for few epochs of the choice it does not make.
     */
    public static final long MAX_RETRIAL_NANOS = 8_000_000_000L;
    /** Polling must serve this much more per second than sleeping to be chosen. */
    public static final int MIN_GAIN_PERCENT = 8;
    /** An epoch this much longer than {@link #EPOCH_NANOS} (the loop stopped being busy) drops the trial undecided. */
    private static final long STALE_EPOCH_NANOS = 4 * EPOCH_NANOS;

    private boolean pollWhenBusy;
    private long retrialNanos = RETRIAL_NANOS;
    private long decidedNanos;
    private boolean decidedOnce;
    /** The current trial epoch, or -1 between trials. */
    private int epoch = -1;
    private long epochStartNanos;
    private long epochStartServed;
    private long pollServed;
    private long pollNanos;
    private long sleepServed;
    private long sleepNanos;
    private long trials;
    private long pollsChosen;

    /**
     * At the end of a duty cycle that did work while the loop is busy: whether to poll for the next requests.
     *
     * @param nowNanos the loop's clock.
     * @param served   {@link EventLoop#commandsServed()}: commands served so far.
     */
    public boolean pollWhileBusy(final long nowNanos, final long served)
    {
        if (epoch < 0)
        {
            if (decidedOnce && nowNanos - decidedNanos < retrialNanos)
            {
                return pollWhenBusy;
            }
            startTrial(nowNanos, served);
        }
        else if (nowNanos - epochStartNanos >= EPOCH_NANOS)
        {
            endEpoch(nowNanos, served);
            if (epoch < 0)
            {
                return pollWhenBusy;
            }
        }
        return epochPolls();
    }

    /** A trial is under way: it is told of every productive duty cycle, busy or not, until it decides. */
    public boolean inTrial()
    {
        return epoch >= 0;
    }

    /** The decision of the last trial: poll while busy. */
    public boolean pollWhenBusy()
    {
        return pollWhenBusy;
    }

    /** Trials that decided so far (dropped ones not counted). */
    public long trials()
    {
        return trials;
    }

    /** Trials that chose polling. */
    public long pollsChosen()
    {
        return pollsChosen;
    }

    /** Forgets the trial in progress and the decision (the loop restarted). */
    public void reset()
    {
        epoch = -1;
        pollWhenBusy = false;
        decidedOnce = false;
        retrialNanos = RETRIAL_NANOS;
    }

    /** How long after the last decision the next trial starts, while the loop is busy. */
    public long retrialNanos()
    {
        return retrialNanos;
    }

    private boolean epochPolls()
    {
        return (epoch & 1) == 0;
    }

    private void startTrial(final long nowNanos, final long served)
    {
        epoch = 0;
        epochStartNanos = nowNanos;
        epochStartServed = served;
        pollServed = 0;
        pollNanos = 0;
        sleepServed = 0;
        sleepNanos = 0;
    }

    private void endEpoch(final long nowNanos, final long served)
    {
        final long nanos = nowNanos - epochStartNanos;
        if (nanos > STALE_EPOCH_NANOS)
        {
            // The loop was not busy for most of it: what it served says nothing about either choice. The trial is
            // dropped (not counted); the loop's next busy cycle starts another unless the last decision is recent.
            epoch = -1;
            return;
        }
        if (epochPolls())
        {
            pollServed += served - epochStartServed;
            pollNanos += nanos;
        }
        else
        {
            sleepServed += served - epochStartServed;
            sleepNanos += nanos;
        }
        epochStartNanos = nowNanos;
        epochStartServed = served;
        if (++epoch == TRIAL_EPOCHS)
        {
            // pollServed / pollNanos >= (1 + gain) * sleepServed / sleepNanos, in longs (microseconds).
            final boolean gain = pollServed > 0 &&
                100 * pollServed * (sleepNanos / 1000) >= (100 + MIN_GAIN_PERCENT) * sleepServed * (pollNanos / 1000);
            decide(nowNanos, gain);
        }
    }

    private void decide(final long nowNanos, final boolean poll)
    {
        retrialNanos = decidedOnce && poll == pollWhenBusy ?
            Math.min(2 * retrialNanos, MAX_RETRIAL_NANOS) : RETRIAL_NANOS;
        epoch = -1;
        pollWhenBusy = poll;
        decidedNanos = nowNanos;
        decidedOnce = true;
        trials++;
        if (poll)
        {
            pollsChosen++;
        }
    }
}
