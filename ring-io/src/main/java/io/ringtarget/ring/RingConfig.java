package io.ringtarget.ring;

/**
 * How to set up a {@link Ring}. Fluent; the defaults suit one ring per event-loop thread.
 * {@link Ring#open} falls back from the requested flags to what the kernel supports and logs what it used.
 */
public final class RingConfig
{
    private int entries = 1024;
    private int cqEntries = -1;
    private boolean singleIssuer = true;
    private boolean deferTaskrun = true;
    private boolean coopTaskrun = true;
    private boolean sqPoll = false;
    private int sqThreadIdleMillis = 1000;
    private boolean submitAll = true;

    /** SQ size (rounded up to a power of two by the kernel); default 1024. */
    public RingConfig entries(final int entries)
    {
        if (entries <= 0 || entries > 32768)
        {
            throw new IllegalArgumentException("entries must be in 1..32768: " + entries);
        }
        this.entries = entries;
        return this;
    }

    public int entries()
    {
        return entries;
    }

    /** CQ size; default 4 * entries, so that completions outstanding beyond one SQ's worth do not overflow. */
    public RingConfig cqEntries(final int cqEntries)
    {
        this.cqEntries = cqEntries;
        return this;
    }

    public int cqEntries()
    {
        return cqEntries > 0 ? cqEntries : 4 * entries;
    }

    /** IORING_SETUP_SINGLE_ISSUER (6.0): only one thread submits, the first to submit. Default true. */
    public RingConfig singleIssuer(final boolean singleIssuer)
    {
        this.singleIssuer = singleIssuer;
        return this;
    }

    public boolean singleIssuer()
    {
        return singleIssuer;
    }

    /** IORING_SETUP_DEFER_TASKRUN (6.1): completions run only when the owner enters with GETEVENTS. Default true. */
    public RingConfig deferTaskrun(final boolean deferTaskrun)
    {
        this.deferTaskrun = deferTaskrun;
        return this;
    }

    public boolean deferTaskrun()
    {
        return deferTaskrun;
    }

    /** IORING_SETUP_COOP_TASKRUN (5.19), the fallback when DEFER_TASKRUN is unavailable. Default true. */
    public RingConfig coopTaskrun(final boolean coopTaskrun)
    {
        this.coopTaskrun = coopTaskrun;
        return this;
    }

    public boolean coopTaskrun()
    {
        return coopTaskrun;
    }

    /** IORING_SETUP_SQPOLL: a kernel thread polls the SQ (costs a core). Default false. */
    public RingConfig sqPoll(final boolean sqPoll)
    {
        this.sqPoll = sqPoll;
        return this;
    }

    public boolean sqPoll()
    {
        return sqPoll;
    }

    public RingConfig sqThreadIdleMillis(final int millis)
    {
        this.sqThreadIdleMillis = millis;
        return this;
    }

    public int sqThreadIdleMillis()
    {
        return sqThreadIdleMillis;
    }

    /** IORING_SETUP_SUBMIT_ALL (5.18): one bad SQE does not stop the rest of the batch. Default true. */
    public RingConfig submitAll(final boolean submitAll)
    {
        this.submitAll = submitAll;
        return this;
    }

    public boolean submitAll()
    {
        return submitAll;
    }

    @Override
    public String toString()
    {
        return "RingConfig{entries=" + entries + ", cqEntries=" + cqEntries() + ", singleIssuer=" + singleIssuer +
            ", deferTaskrun=" + deferTaskrun + ", coopTaskrun=" + coopTaskrun + ", sqPoll=" + sqPoll +
            ", submitAll=" + submitAll + '}';
    }
}
