package io.ringtarget.iscsi.connection;

/**
 * Receive coalescing, as a network card's interrupt moderation: when the initiator is behind with our responses and
 * a receive brought one PDU or less, the connection waits {@link #delayNanos()} before it receives again, so that
 * the next receive takes a batch of commands and their responses leave in one send. Without it a loop that is
 * quicker than its initiator answers each command on its own: at queue depth 32, 4 KiB writes from fio's libiscsi
 * engine came one per receive and were answered one per send, 1.3 ring entries per write, each send running the
 * loopback's whole TCP path for a 48-byte response (docs/benchmarks.md, 2026-12-06 18:01).
 * <p>
 * How far behind the initiator is comes from the ExpStatSN of its SCSI Command PDUs (RFC 7143 11.3.6), those whose
 * immediate data is received straight into the command's buffer included: the responses we had numbered that it had not
 * yet taken in when it sent the command. The largest such count over the last {@link #WINDOW} commands is its lag. An
 * initiator {@link #MIN_LAG} or more responses behind is the bottleneck: it has that many responses to take in before
 * it sends more, so a short wait on our side costs it no throughput. At queue depth 1 the lag is 0 (each command
 * follows the response to the one before) and nothing waits; fio's libiscsi engine at depth 32 lags up to 31 responses,
 * at depth 8 up to 7. A lag holds until the next window is full: when a deep queue turns shallow, up to {@link #WINDOW}
 * of its commands may each wait once.
 * <p>
 * The same wait serves many initiators at shallower depths ({@link #holdResponses}): 32 fio jobs at depth 4 each
 * send their four commands together after taking in four responses, but a quick loop answers each command as it
 * comes, so each job wakes up for one or two responses at a time. When the loop is saturated by several
 * initiators, a connection's ready responses wait for its next commands and leave with theirs, as SPDK's reactor,
 * passing over its sockets in turn, answers them. Owned by the connection's loop.
 */
public final class ReceiveCoalescing
{
    /**
     * The lag from which receives are coalesced and the loop does not poll after the initiator's commands
     * ({@link #holdsPolling}): fio at depth 16 gains from both, at depth 8 it loses IOPS to either.
     */
    public static final int MIN_LAG = 12;
    /**
     * A receive that brought this many PDUs or more is a batch already: the next receive is armed at once. Fio's 4 KiB
     * reads at depth 32 mostly come several to a receive; waiting after receives of up to 3 gave them a longer p99 and
     * no CPU back.
     */
    public static final int BATCH = 2;
    /**
     * Connections a saturated loop must be receiving from for responses to be held ({@link #holdResponses}): 32 fio
     * jobs at depth 4 over two loops gained 26-37 % IOPS from holds (docs/benchmarks.md, 2026-12-06 21:48), two of
     * them at depth 4 lost half theirs to holds on a loop that was not saturated (2026-12-06 20:54-21:40).
     */
    public static final int MIN_RECEIVING_CONNECTIONS = 4;
    /**
     * Transfers from this size on, from an initiator that keeps commands in flight, make the loop sleep rather than
     * poll when it runs out of work ({@link #holdsPolling}). Such an initiator is the bottleneck (it has more commands
     * out than the one it waits for), and a wake-up is small beside moving the data: 128 KiB writes at depth 8 cost
     * 36.9 us of CPU with polling and 25.1 us without, at the same 3485 MB/s with fio at 98-99 % of a core
     * (docs/benchmarks.md, 2026-12-07 07:30). Smaller commands keep polling unless the initiator is {@link #MIN_LAG}
     * behind: at depth 8 polling served 1.10-1.26x the IOPS (2026-12-06 02:45).
     */
    public static final long STREAMING_TRANSFER_BYTES = 64 * 1024;
    /** Commands over which the largest lag is taken. */
    public static final int WINDOW = 32;
    /** Unseen responses beyond this are an ExpStatSN out of step (an old or a wrong one), not a lag. */
    private static final int MAX_LAG = 1 << 16;

    private long delayNanos;
    private int windowCommands;
    private int windowLag;
    private int lag;

    /** @param delayNanos how long a receive waits; 0 turns coalescing off. */
    public ReceiveCoalescing(final long delayNanos)
    {
        delayNanos(delayNanos);
    }

    public long delayNanos()
    {
        return delayNanos;
    }

    /**
     * A live change of the engine's setting: the next receive that waits waits this long (one waiting already keeps
     * its time); 0 turns coalescing off. The lag measured so far stays.
     */
    public ReceiveCoalescing delayNanos(final long delayNanos)
    {
        if (delayNanos < 0)
        {
            throw new IllegalArgumentException("receive coalescing delay must not be negative: " + delayNanos);
        }
        this.delayNanos = delayNanos;
        return this;
    }

    /**
     * A SCSI Command PDU arrived.
     *
     * @param nextStatSn the StatSN the connection's next response takes.
     * @param expStatSn  the command's ExpStatSN.
     */
    public void onCommand(final int nextStatSn, final int expStatSn)
    {
        final int unseen = nextStatSn - expStatSn;   // serial number arithmetic (RFC 7143 4.2.2.1)
        if (unseen > windowLag && unseen < MAX_LAG)
        {
            windowLag = unseen;
        }
        if (++windowCommands == WINDOW)
        {
            lag = windowLag;
            windowLag = 0;
            windowCommands = 0;
        }
    }

    /** The initiator's lag as last measured: 0 until {@link #WINDOW} commands have arrived. */
    public int lag()
    {
        return lag;
    }

    /**
     * Whether the loop should not poll after a command of {@code transferBytes} (its Expected Data Transfer Length,
     * unsigned): the initiator is {@link #MIN_LAG} or more responses behind, whatever the size, or it keeps commands
     * in flight (a lag of 1 or more) and the transfer is {@link #STREAMING_TRANSFER_BYTES} or larger. An initiator
     * that far behind has responses to take in before it sends again: polling for its next command only turns its
     * pauses into CPU time. Fio's 4 KiB reads at depth 16 got 1.22-1.23x the IOPS at 0.74-0.76x the CPU per read when
     * the loop stopped polling for them, and at depth 32 0.99-1.10x at 0.80-0.88x; writes, whose receives were mostly
     * coalesced already, served the same (docs/benchmarks.md, 2026-12-07 21:34). An initiator at queue depth 1 (lag
     * 0) waits for each response, and polling saves it a wake-up per command, whatever the size.
     */
    public boolean holdsPolling(final long transferBytes)
    {
        return lag >= MIN_LAG || lag > 0 && transferBytes >= STREAMING_TRANSFER_BYTES;
    }

    /**
     * Whether the loop should poll after this initiator's commands whatever else holds it off (a stream on another
     * connection, a receive that waits): the initiator waits for each response (a lag of 0, as at queue depth 1, and
     * before its lag is measured), so a park would cost it a wake-up per command, 20-40 us on this project's VM.
     */
    public boolean keepsPolling()
    {
        return lag == 0;
    }

    /** Whether the next receive should wait {@link #delayNanos()}, after one that handed over {@code pdus} PDUs. */
    public boolean defer(final int pdus)
    {
        return delayNanos > 0 && pdus < BATCH && lag >= MIN_LAG;
    }

    /**
     * Whether responses ready to send should wait up to {@link #delayNanos()} for the initiator's next commands, so
     * that they go out with theirs: the loop is saturated by {@link #MIN_RECEIVING_CONNECTIONS} or more initiators
     * (a wait then costs none of them throughput: the loop serves the others meanwhile), this initiator keeps
     * commands in flight without being far behind (a lag of 1 to {@link #MIN_LAG} - 1; further behind, receives are
     * coalesced instead), and fewer responses are ready than that lag says are coming. Never for a lone initiator
     * however busy the loop: one that waits for its responses before sending more would lose its round trip.
     *
     * @param ready     responses numbered since the connection last sent.
     * @param saturated whether the loop has been busy nearly all of its time of late.
     * @param receiving connections of the loop that received lately.
     */
    public boolean holdResponses(final int ready, final boolean saturated, final int receiving)
    {
        return delayNanos > 0 && saturated && receiving >= MIN_RECEIVING_CONNECTIONS && lag > 0 && lag < MIN_LAG &&
            ready > 0 && ready <= lag;
    }
}
