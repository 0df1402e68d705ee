package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.loop.LoopConnection;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.iscsi.loop.ReceivingConnections;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.iscsi.stats.ConnectionCounters;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.iscsi.transport.RingPduSender;

/**
 * A connection's sends and its waits: whether its ready responses wait for those of the initiator's next commands
 * ({@link ReceiveCoalescing#holdResponses} decides), the one wake at a time it may have in its loop's waiting list
 * (a held send or a receive that waits, {@link LoopContext#readyAt}), and its count among the loop's receiving
 * connections. Loop thread only; allocates nothing.
 */
final class HeldResponses
{
    /** Responses with more data than this go at once: 4 KiB reads gain from company, 128 KiB ones do not. */
    static final int MAX_HELD_DATA_BYTES = 64 * 1024;

    private final LoopContext context;
    private final LoopConnection connection;
    private final ReceiveCoalescing coalescing;
    private final StatSn statSn;
    private final RingPduSender sender;
    private final ConnectionCounters counters;
    private boolean held;
    /** StatSN of the next response when the connection last sent: the responses numbered since are ready. */
    private int statSnAtSend;
    private boolean wakePending;
    private long wakeDueNanos;
    /** The window the loop last counted this connection in ({@link ReceivingConnections#received}). */
    private long receivedIn = ReceivingConnections.NEVER;

    HeldResponses(
        final LoopContext context, final LoopConnection connection, final ReceiveCoalescing coalescing,
        final StatSn statSn, final RingPduSender sender, final ConnectionCounters counters)
    {
        this.context = context;
        this.connection = connection;
        this.coalescing = coalescing;
        this.statSn = statSn;
        this.sender = sender;
        this.counters = counters;
    }

    /** The connection received: counted among the loop's receiving connections. */
    void onReceived()
    {
        receivedIn = context.receiving().received(receivedIn, context.loop().nowNanos());
    }

    /** Sends everything queued (or, with a send in flight, once it completes); nothing is held any more. */
    void send()
    {
        held = false;
        statSnAtSend = statSn.current();
        sender.flush();
    }

    /**
     * Whether the responses ready wait for the initiator's next commands, at most
     * {@link ReceiveCoalescing#delayNanos()} from the first of them; only SCSI Responses and Data-In of small commands
     * wait, never while a receive waits.
     */
    boolean hold(final boolean receiveWaiting)
    {
        if (receiveWaiting || !coalescing.holdResponses(statSn.current() - statSnAtSend, context.loop().saturated(),
            context.receiving().count()) || !sender.onlyResponsesQueued(MAX_HELD_DATA_BYTES))
        {
            held = false;   // a wake still pending finds nothing held
            return false;
        }
        if (!held)
        {
            held = true;
            counters.count(IscsiCounter.RESPONSES_HELD);
            wakeAfter(coalescing.delayNanos());
        }
        return true;
    }

    /**
     * The connection's {@link LoopConnection#onReady()} began: a wake that was due is no longer pending.
     *
     * @return whether responses were held (and are no more: the caller sends them).
     */
    boolean onReady()
    {
        if (wakePending && context.loop().nowNanos() - wakeDueNanos >= 0)
        {
            wakePending = false;
        }
        final boolean wasHeld = held;
        held = false;
        return wasHeld;
    }

    /** {@link LoopConnection#onReady()} in {@code nanos}, or sooner when a wake is already pending. */
    void wakeAfter(final long nanos)
    {
        if (!wakePending)
        {
            wakePending = true;
            wakeDueNanos = context.loop().nowNanos() + nanos;
            context.readyAt(connection, wakeDueNanos);
        }
    }
}
