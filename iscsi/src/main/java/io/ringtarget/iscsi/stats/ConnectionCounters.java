package io.ringtarget.iscsi.stats;

/**
 * What one connection counts: each event goes to its loop's {@link LoopCounters} (read by other threads) and to
 * this connection's own tallies, which its close line reports; labelled events (Reject reasons, task management,
 * logins, per-LUN I/O) go to its loop's {@link LoopMetrics} through {@link #metrics()}. Loop thread only.
 */
public final class ConnectionCounters
{
    private final LoopCounters loop;
    private final ConnectionMetrics metrics;
    private long pdus;
    private long commands;
    private long protocolErrors;
    private long digestErrors;
    private long ignoredCommands;
    private long ignoredDataOut;
    private long dedicatedBuffers;

    public ConnectionCounters(final LoopCounters loop, final ConnectionMetrics metrics)
    {
        this.loop = loop;
        this.metrics = metrics;
    }

    /** For code under test: labelled metrics go nowhere. */
    public ConnectionCounters(final LoopCounters loop)
    {
        this(loop, ConnectionMetrics.detached());
    }

    public ConnectionMetrics metrics()
    {
        return metrics;
    }

    /** A Reject PDU with this reason code is sent. */
    public void reject(final int reason)
    {
        count(IscsiCounter.REJECTS_SENT);
        metrics.loop().reject(reason);
    }

    /** A task management function was answered with {@code response}. */
    public void taskManagement(final int function, final int response)
    {
        metrics.loop().taskManagement(function, response);
    }

    public LoopCounters loop()
    {
        return loop;
    }

    /** Counts an event this connection has no tally of its own for. */
    public void count(final IscsiCounter counter)
    {
        loop.increment(counter);
        switch (counter)
        {
            case PDUS_RECEIVED -> pdus++;
            case SCSI_COMMANDS -> commands++;
            case PROTOCOL_ERRORS, REJECTS_SENT, DATA_PHASE_ERRORS -> protocolErrors++;
            // Not an error: the Data-Out of an R2T already sent when the task ended (aborted, reset, failed).
            case DATA_OUT_IGNORED -> ignoredDataOut++;
            case HEADER_DIGEST_ERRORS, DATA_DIGEST_ERRORS -> digestErrors++;
            case CMDSN_OUT_OF_WINDOW, CMDSN_DUPLICATES -> ignoredCommands++;
            case DEDICATED_BUFFERS -> dedicatedBuffers++;
            default ->
            {
            }
        }
    }

    /** Adds {@code amount} to a counter that sums a quantity (bytes of write data). */
    public void add(final IscsiCounter counter, final long amount)
    {
        loop.add(counter, amount);
    }

    /** SCSI commands this connection received. */
    public long commands()
    {
        return commands;
    }

    /**
     * What went wrong so far, for {@code sessions -v}: "digest errors 0, protocol errors 0, ignored commands 0,
     * ignored Data-Out 0" (as the close line counts them: a rising digest count points at a path that corrupts data).
     */
    public String errors()
    {
        return "digest errors " + digestErrors + ", protocol errors " + protocolErrors + ", ignored commands " +
            ignoredCommands + ", ignored Data-Out " + ignoredDataOut;
    }

    /** The tallies for the connection's close line. */
    public String summary()
    {
        return "PDUs " + pdus + ", commands " + commands + ", protocol errors " + protocolErrors +
            ", digest errors " + digestErrors + ", ignored commands " + ignoredCommands +
            ", ignored Data-Out " + ignoredDataOut + ", unpooled buffers " + dedicatedBuffers;
    }
}
