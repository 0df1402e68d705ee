package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.iscsi.transport.PduSender;
import io.ringtarget.pdu.AsyncMessagePdu;
import io.ringtarget.pdu.LogoutRequestPdu;
import io.ringtarget.pdu.LogoutResponsePdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduHeader;

import java.lang.foreign.MemorySegment;

/**
 * Logout (RFC 7143 sections 11.14, 11.15): the initiator's Logout Request is answered, and closes the connection
 * (ERL 0: a request to remove the connection for recovery is answered "not supported"); and the target's own request
 * to log out at shutdown, an Async Message (11.9.1, AsyncEvent 1) giving the initiator {@link #GRACE_SECONDS} before
 * the connection is dropped. Loop thread only.
 */
final class LogoutExchange
{
    static final int GRACE_SECONDS = 2;

    private final LogoutRequestPdu request = new LogoutRequestPdu();
    private final LogoutResponsePdu response = new LogoutResponsePdu();
    private final AsyncMessagePdu asyncMessage = new AsyncMessagePdu();
    private final PduSender sender;
    private final StatSn statSn;
    private final CmdSnWindow window;
    private long deadlineNanos;
    private boolean requested;

    LogoutExchange(final PduSender sender, final StatSn statSn, final CmdSnWindow window)
    {
        this.sender = sender;
        this.statSn = statSn;
        this.window = window;
    }

    /**
     * A Logout Request (its CmdSN accepted), BHS at {@code offset} of {@code from}.
     *
     * @return true when the connection closes once the response is sent.
     */
    boolean onLogoutRequest(final MemorySegment from, final long offset)
    {
        request.wrap(from, offset);
        final boolean recovery = request.reasonCode() == LogoutRequestPdu.REMOVE_CONNECTION_FOR_RECOVERY;
        final int result = recovery ? LogoutResponsePdu.CONNECTION_RECOVERY_NOT_SUPPORTED :
            LogoutResponsePdu.CONNECTION_OR_SESSION_CLOSED_SUCCESSFULLY;
        final long h = sender.stage(0);
        if (h >= 0)
        {
            response.wrap(sender.staging(), h).reset(Opcode.LOGOUT_RESPONSE).finalBit(true)
                .response(result).initiatorTaskTag(request.initiatorTaskTag())
                .statSn(statSn.take()).expCmdSn(window.expCmdSn()).maxCmdSn(window.maxCmdSn())
                .time2Wait(0).time2Retain(0);
            sender.queue(h, 0, PduSender.NO_TAG);
        }
        return !recovery;
    }

    /** Whether the target asked the initiator to log out ({@link #askToLogOut}). */
    boolean requested()
    {
        return requested;
    }

    /** Sends the Async Message asking the initiator to log out within {@link #GRACE_SECONDS}. */
    void askToLogOut(final long nowNanos)
    {
        requested = true;
        deadlineNanos = nowNanos + GRACE_SECONDS * 1_000_000_000L;
        final long h = sender.stage(0);
        if (h < 0)
        {
            return;
        }
        // AsyncEvent 1: Parameter3 is the seconds the initiator has to log out before we drop it (RFC 7143 11.9.1).
        asyncMessage.wrap(sender.staging(), h).reset(Opcode.ASYNC_MESSAGE).finalBit(true)
            .initiatorTaskTag(PduHeader.RESERVED_TAG)
            .statSn(statSn.take()).expCmdSn(window.expCmdSn()).maxCmdSn(window.maxCmdSn())
            .asyncEvent(AsyncMessagePdu.LOGOUT_REQUEST).parameter3(GRACE_SECONDS);
        sender.queue(h, 0, PduSender.NO_TAG);
    }

    /** When the grace period of {@link #askToLogOut} ends; meaningful once {@link #requested()}. */
    long deadlineNanos()
    {
        return deadlineNanos;
    }

    /** Whether the grace period of {@link #askToLogOut} is over. */
    boolean overdue(final long nowNanos)
    {
        return requested && nowNanos - deadlineNanos > 0;
    }
}
