package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.RecordingPduSender;
import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.iscsi.stats.ConnectionCounters;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.iscsi.stats.LoopCounters;
import io.ringtarget.pdu.AsyncMessagePdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.ring.Counters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shutdown logout, requested closes and the NOP-In timeout, tick by tick on a clock driven by hand. */
class ConnectionTimeoutsTest
{
    private static final long SECOND = 1_000_000_000L;

    private final RecordingPduSender sender = new RecordingPduSender();
    private final StatSn statSn = new StatSn().reset(1);
    private final CmdSnWindow window = new CmdSnWindow().credit(8).reset(1);
    private final Counters registry = new Counters(64);
    private final LoopCounters loop = new LoopCounters(registry, "test");
    private final NopKeepalive keepalive = new NopKeepalive(sender, statSn, window, 5 * SECOND, 15 * SECOND);
    private final ConnectionTimeouts timeouts = new ConnectionTimeouts(new LogoutExchange(sender, statSn, window),
        keepalive, new ConnectionCounters(loop));

    @AfterEach
    void close()
    {
        loop.close();
        registry.close();
    }

    @Test
    void atShutdownTheInitiatorIsAskedToLogOutThenDroppedAfterTheGrace()
    {
        keepalive.onReceive(0);
        timeouts.requestLogout();
        assertEquals(ConnectionTimeouts.SENT, timeouts.onTimer(SECOND, true, false));
        final AsyncMessagePdu async = new AsyncMessagePdu().wrap(sender.take().get(0).header(), 0);
        assertEquals(Opcode.ASYNC_MESSAGE, async.opcode());
        assertEquals(AsyncMessagePdu.LOGOUT_REQUEST, async.asyncEvent());
        assertEquals(LogoutExchange.GRACE_SECONDS, async.parameter3());
        assertEquals(SECOND + LogoutExchange.GRACE_SECONDS * SECOND + 1, timeouts.dueNanos(SECOND),
            "the grace period's end comes before the next ping");
        assertEquals(ConnectionTimeouts.NOTHING, timeouts.onTimer(SECOND + LogoutExchange.GRACE_SECONDS * SECOND, true, false));
        assertEquals(ConnectionTimeouts.CLOSE, timeouts.onTimer(SECOND + LogoutExchange.GRACE_SECONDS * SECOND + 1, true, false));
        assertTrue(timeouts.closeReason().contains("did not log out"), timeouts.closeReason());
    }

    @Test
    void atShutdownALoginInProgressOrADiscoverySessionIsClosedAtOnce()
    {
        timeouts.requestLogout();
        assertEquals(ConnectionTimeouts.CLOSE, timeouts.onTimer(SECOND, false, false));
        assertEquals(ConnectionTimeouts.CLOSE, timeouts.onTimer(SECOND, true, true));
        assertTrue(sender.sent().isEmpty());
    }

    @Test
    void aRequestedCloseHappensAtTheNextTick()
    {
        keepalive.onReceive(0);
        assertEquals(ConnectionTimeouts.NOTHING, timeouts.onTimer(SECOND, true, false));
        timeouts.requestClose("session reinstated");
        assertEquals(ConnectionTimeouts.CLOSE, timeouts.onTimer(2 * SECOND, true, false));
        assertEquals("session reinstated", timeouts.closeReason());
    }

    @Test
    void anUnansweredPingClosesAndIsCountedOnceTheInitiatorHasAnsweredOne()
    {
        keepalive.onReceive(0);
        assertEquals(ConnectionTimeouts.SENT, timeouts.onTimer(6 * SECOND, true, false));
        answer(sender.take().getFirst().header());
        keepalive.onReceive(7 * SECOND);
        assertEquals(ConnectionTimeouts.SENT, timeouts.onTimer(13 * SECOND, true, false));
        assertEquals(ConnectionTimeouts.NOTHING, timeouts.onTimer(20 * SECOND, true, false));
        assertEquals(ConnectionTimeouts.CLOSE, timeouts.onTimer(29 * SECOND, true, false));
        assertEquals(2, loop.get(IscsiCounter.NOP_IN_PINGS));
        assertEquals(1, loop.get(IscsiCounter.NOP_IN_TIMEOUTS));
    }

    @Test
    void anInitiatorThatAnswersNoPingKeepsItsConnection()
    {
        keepalive.onReceive(0);
        assertEquals(ConnectionTimeouts.SENT, timeouts.onTimer(6 * SECOND, true, false));
        assertEquals(ConnectionTimeouts.PINGS_UNANSWERED, timeouts.onTimer(22 * SECOND, true, false));
        assertEquals(ConnectionTimeouts.NOTHING, timeouts.onTimer(600 * SECOND, true, false));
        assertEquals(1, loop.get(IscsiCounter.NOP_IN_PINGS));
        assertEquals(0, loop.get(IscsiCounter.NOP_IN_TIMEOUTS));
    }

    /** The NOP-Out an initiator answers a ping with (RFC 7143 11.18: ITT reserved, the ping's TTT). */
    private void answer(final java.lang.foreign.MemorySegment ping)
    {
        final int ttt = new io.ringtarget.pdu.NopInPdu().wrap(ping, 0).targetTransferTag();
        final java.lang.foreign.MemorySegment wire = java.lang.foreign.MemorySegment.ofArray(new byte[48]);
        new io.ringtarget.pdu.NopOutPdu().wrap(wire, 0).reset().immediate(true).finalBit(true)
            .initiatorTaskTag(io.ringtarget.pdu.PduHeader.RESERVED_TAG).targetTransferTag(ttt);
        keepalive.onNopOut(wire, 0, 48, 0);
    }

    @Test
    void noPingsWhileLoggingIn()
    {
        keepalive.onReceive(0);
        assertEquals(ConnectionTimeouts.NOTHING, timeouts.onTimer(60 * SECOND, false, false));
        assertTrue(sender.sent().isEmpty());
    }
}
