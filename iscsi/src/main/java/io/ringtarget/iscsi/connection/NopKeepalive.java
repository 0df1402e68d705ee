package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.iscsi.transport.PduSender;
import io.ringtarget.pdu.BasicHeaderSegment;
import io.ringtarget.pdu.NopInPdu;
import io.ringtarget.pdu.NopOutPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduHeader;

import java.lang.foreign.MemorySegment;

/**
 * NOP-Out and NOP-In (RFC 7143 sections 11.18, 11.19): answers the initiator's pings, echoing their data, and
 * finds a dead initiator — after {@code intervalNanos} without any PDU from it the target pings it with a NOP-In
 * asking for an answer, and the connection is given up when none comes within {@code timeoutNanos}. Driven by the
 * loop's clock ({@link #onTimer}); loop thread only.
 * <p>
 * An initiator must answer such a ping (RFC 7143 11.19: "the initiator MUST respond"), but some never do: iPXE, which
 * boots machines from iSCSI and then leaves the session idle while the OS takes over, ignores NOP-Ins asking for an
 * answer. So the timeout closes only a connection whose initiator has answered a ping before (or pinged the target
 * itself, which iPXE never does), and has stopped: one that has done neither is not closed on a ping's timeout
 * ({@link #UNANSWERED}), it is pinged no more, and TCP keepalive ({@link TcpKeepalive}) finds out whether the peer
 * is still there. A late answer starts the pings again.
 */
final class NopKeepalive
{
    /** Nothing to do. */
    static final int IDLE = 0;
    /** A ping was sent. */
    static final int PINGED = 1;
    /** The last ping went unanswered for the timeout, by an initiator that answered earlier ones: close. */
    static final int TIMED_OUT = 2;
    /** The first ping went unanswered for the timeout: this initiator does not answer pings, they stop. */
    static final int UNANSWERED = 3;

    /**
     * A ping falls due on the first whole second (of the loop's clock) at or after the interval, so that a loop's
     * idle connections are pinged in one burst a second and their answers come back together, rather than one
     * ping and one answer each waking the loop at every timer tick: with 1,000 idle sessions the wake-ups, not the
     * pings, were the cost. A ping is thus sent between the interval and the interval plus one second.
     */
    static final long PING_GRID_NANOS = 1_000_000_000L;

    private final NopOutPdu nopOut = new NopOutPdu();
    private final NopInPdu nopIn = new NopInPdu();
    private final PduSender sender;
    private final StatSn statSn;
    private final CmdSnWindow window;
    private long intervalNanos;
    private long timeoutNanos;
    private long lastReceiveNanos;
    /** The tag of the ping awaiting its answer, or the reserved tag. */
    private int pingTag = PduHeader.RESERVED_TAG;
    /** The tag of the last ping sent, answered or not (a late answer still counts). */
    private int lastPingTag = PduHeader.RESERVED_TAG;
    private int nextPingTag = 1;
    private long pingSentNanos;
    /** The initiator has answered a ping on this connection: it knows how, so silence means it is gone. */
    private boolean answered;
    /** A ping went unanswered by an initiator that has answered none: no more pings. */
    private boolean notAnswering;

    /** @param intervalNanos 0 or less: no pings. */
    NopKeepalive(
        final PduSender sender, final StatSn statSn, final CmdSnWindow window, final long intervalNanos,
        final long timeoutNanos)
    {
        this.sender = sender;
        this.statSn = statSn;
        this.window = window;
        this.intervalNanos = intervalNanos;
        this.timeoutNanos = timeoutNanos;
    }

    /**
     * Other ping settings, once the connection knows its TPG (RFC 7143 leaves them to the target; a TPG may set
     * its own). A ping already sent keeps its timeout from when it was sent, measured with the new one.
     *
     * @param intervalNanos 0 or less: no pings.
     */
    void times(final long intervalNanos, final long timeoutNanos)
    {
        this.intervalNanos = intervalNanos;
        this.timeoutNanos = timeoutNanos;
    }

    long intervalNanos()
    {
        return intervalNanos;
    }

    long timeoutNanos()
    {
        return timeoutNanos;
    }

    /** The initiator sent something: it is alive. */
    void onReceive(final long nowNanos)
    {
        lastReceiveNanos = nowNanos;
    }

    /** Whether a NOP-Out takes a CmdSN: only one that asks for an answer and is not immediate (RFC 7143 11.18). */
    static boolean takesCmdSn(final MemorySegment from, final long offset)
    {
        return !BasicHeaderSegment.immediate(from, offset) &&
            BasicHeaderSegment.initiatorTaskTag(from, offset) != PduHeader.RESERVED_TAG;
    }

    /** A NOP-Out (its CmdSN accepted when it takes one): BHS at {@code offset} of {@code from}, ping data after it. */
    void onNopOut(final MemorySegment from, final long offset, final long dataOffset, final int dataLength)
    {
        nopOut.wrap(from, offset);
        final int itt = nopOut.initiatorTaskTag();
        if (nopOut.targetTransferTag() != PduHeader.RESERVED_TAG && nopOut.targetTransferTag() == lastPingTag)
        {
            // The answer to our last ping, in time or late: the initiator answers pings.
            pingTag = PduHeader.RESERVED_TAG;
            answered = true;
            notAnswering = false;
        }
        if (itt == PduHeader.RESERVED_TAG)
        {
            return;   // a ping answer or an unsolicited NOP-Out: no response (RFC 7143 section 11.18)
        }
        // An initiator that pings knows NOP (open-iscsi pings every noop_out_interval; iPXE never does): its silence
        // to our ping means it is gone, even before it has answered one.
        answered = true;
        notAnswering = false;
        final long h = sender.stage(dataLength);
        if (h < 0)
        {
            return;
        }
        nopIn.wrap(sender.staging(), h).reset(Opcode.NOP_IN).finalBit(true)
            .lun(nopOut.lun()).initiatorTaskTag(itt).targetTransferTag(PduHeader.RESERVED_TAG)
            .statSn(statSn.take()).expCmdSn(window.expCmdSn()).maxCmdSn(window.maxCmdSn())
            .dataSegmentLength(dataLength);
        if (dataLength > 0)
        {
            // Ping data is echoed back (RFC 7143 section 11.19.2).
            MemorySegment.copy(from, dataOffset, sender.staging(), sender.dataSegmentOffset(h), dataLength);
        }
        sender.queue(h, dataLength, PduSender.NO_TAG);
    }

    /**
     * The first moment {@link #onTimer} can return other than {@link #IDLE} if nothing is received meanwhile: the
     * ping's timeout while one awaits its answer, else the next ping (a receive only moves it later).
     */
    long dueNanos(final long nowNanos)
    {
        if (intervalNanos <= 0 || notAnswering)
        {
            return nowNanos + ConnectionTimeouts.RECHECK_NANOS;
        }
        if (pingTag != PduHeader.RESERVED_TAG)
        {
            return pingSentNanos + timeoutNanos + 1;
        }
        return pingDueNanos() + 1;
    }

    /** The whole second of the loop's clock at or after the interval since the last receive. */
    private long pingDueNanos()
    {
        final long due = lastReceiveNanos + intervalNanos;
        return due + Math.floorMod(-due, PING_GRID_NANOS);
    }

    /** Periodic check: {@link #IDLE}, {@link #PINGED}, {@link #TIMED_OUT} or {@link #UNANSWERED}. */
    int onTimer(final long nowNanos)
    {
        if (intervalNanos <= 0 || notAnswering)
        {
            return IDLE;
        }
        if (pingTag != PduHeader.RESERVED_TAG)
        {
            if (nowNanos - pingSentNanos <= timeoutNanos)
            {
                return IDLE;
            }
            if (answered)
            {
                return TIMED_OUT;
            }
            pingTag = PduHeader.RESERVED_TAG;
            notAnswering = true;
            return UNANSWERED;
        }
        if (nowNanos - pingDueNanos() <= 0)
        {
            return IDLE;
        }
        final long h = sender.stage(0);
        if (h < 0)
        {
            return IDLE;
        }
        pingTag = nextPingTag;
        lastPingTag = pingTag;
        nextPingTag = nextPingTag == Integer.MAX_VALUE ? 1 : nextPingTag + 1;
        pingSentNanos = nowNanos;
        // A ping asking for an answer: ITT reserved, TTT ours; StatSN not taken (RFC 7143 section 11.19.1).
        nopIn.wrap(sender.staging(), h).reset(Opcode.NOP_IN).finalBit(true)
            .initiatorTaskTag(PduHeader.RESERVED_TAG).targetTransferTag(pingTag)
            .statSn(statSn.current()).expCmdSn(window.expCmdSn()).maxCmdSn(window.maxCmdSn());
        sender.queue(h, 0, PduSender.NO_TAG);
        return PINGED;
    }
}
