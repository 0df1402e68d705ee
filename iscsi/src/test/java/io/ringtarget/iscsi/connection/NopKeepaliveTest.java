package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.RecordingPduSender;
import io.ringtarget.iscsi.RecordingPduSender.Sent;
import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.pdu.NopInPdu;
import io.ringtarget.pdu.NopOutPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduHeader;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NOP-Out answers and NOP-In pings (RFC 7143 11.18, 11.19) with a clock driven by hand. */
class NopKeepaliveTest
{
    private static final long SECOND = 1_000_000_000L;
    /** The loop's timer period (ConnectionTimer.PERIOD_NANOS). */
    private static final long TICK = 100_000_000L;

    private final RecordingPduSender sender = new RecordingPduSender();
    private final StatSn statSn = new StatSn().reset(40);
    private final CmdSnWindow window = new CmdSnWindow().credit(8).reset(1);
    private final NopKeepalive keepalive = new NopKeepalive(sender, statSn, window, 5 * SECOND, 15 * SECOND);
    private final MemorySegment wire = MemorySegment.ofArray(new byte[4096]);

    private void nopOut(final int itt, final int ttt, final byte[] data)
    {
        new NopOutPdu().wrap(wire, 0).reset().immediate(true).finalBit(true).initiatorTaskTag(itt)
            .targetTransferTag(ttt).dataSegmentLength(data.length);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, wire, PduHeader.LENGTH, data.length);
        keepalive.onNopOut(wire, 0, PduHeader.LENGTH, data.length);
    }

    @Test
    void aPingFromTheInitiatorIsAnsweredWithItsData()
    {
        final byte[] data = "ping data".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        nopOut(0x33, PduHeader.RESERVED_TAG, data);
        final List<Sent> sent = sender.take();
        assertEquals(1, sent.size());
        final NopInPdu nopIn = new NopInPdu().wrap(sent.get(0).header(), 0);
        assertEquals(Opcode.NOP_IN, nopIn.opcode());
        assertEquals(0x33, nopIn.initiatorTaskTag());
        assertEquals(PduHeader.RESERVED_TAG, nopIn.targetTransferTag());
        assertEquals(40, nopIn.statSn(), "an answer takes a StatSN");
        assertEquals(41, statSn.current());
        assertArrayEquals(data, sent.get(0).data());
    }

    @Test
    void aNopOutWithTheReservedTagGetsNoAnswer()
    {
        nopOut(PduHeader.RESERVED_TAG, PduHeader.RESERVED_TAG, new byte[0]);
        assertTrue(sender.sent().isEmpty());
    }

    @Test
    void silenceIsPingedAndAnAnswerKeepsTheConnection()
    {
        keepalive.onReceive(0);
        assertEquals(NopKeepalive.IDLE, keepalive.onTimer(5 * SECOND), "not before the interval");
        assertEquals(NopKeepalive.PINGED, keepalive.onTimer(5 * SECOND + 1));
        final NopInPdu ping = new NopInPdu().wrap(sender.take().get(0).header(), 0);
        assertEquals(PduHeader.RESERVED_TAG, ping.initiatorTaskTag(), "a ping asking for an answer");
        assertFalse(ping.targetTransferTag() == PduHeader.RESERVED_TAG);
        assertEquals(40, ping.statSn());
        assertEquals(40, statSn.current(), "a ping does not take a StatSN");
        assertEquals(NopKeepalive.IDLE, keepalive.onTimer(10 * SECOND), "waiting for the answer");

        keepalive.onReceive(11 * SECOND);
        nopOut(PduHeader.RESERVED_TAG, ping.targetTransferTag(), new byte[0]);
        assertTrue(sender.sent().isEmpty(), "the answer itself is not answered");
        assertEquals(NopKeepalive.IDLE, keepalive.onTimer(12 * SECOND), "answered: no timeout");
        assertEquals(NopKeepalive.PINGED, keepalive.onTimer(16 * SECOND + 1), "the next ping, 5 s after the answer");
    }

    @Test
    void connectionsSilentSinceDifferentMomentsArePingedOnTheSameWholeSecond()
    {
        final NopKeepalive other = new NopKeepalive(new RecordingPduSender(), new StatSn().reset(1),
            new CmdSnWindow().credit(8).reset(1), 5 * SECOND, 15 * SECOND);
        keepalive.onReceive(SECOND / 5);
        other.onReceive(SECOND * 7 / 10);
        for (long t = 5_300_000_000L; t <= 6_000_000_000L; t += TICK)
        {
            assertEquals(NopKeepalive.IDLE, keepalive.onTimer(t), "at " + t + " ns: 5 s passed, not the whole second");
            assertEquals(NopKeepalive.IDLE, other.onTimer(t), "at " + t + " ns");
        }
        assertEquals(NopKeepalive.PINGED, keepalive.onTimer(6 * SECOND + TICK));
        assertEquals(NopKeepalive.PINGED, other.onTimer(6 * SECOND + TICK), "the same tick");
    }

    @Test
    void theDueTimeIsTheFirstMomentSomethingHappens()
    {
        keepalive.onReceive(SECOND / 5);
        long due = keepalive.dueNanos(SECOND);
        assertEquals(6 * SECOND + 1, due, "the whole second after the interval");
        assertEquals(NopKeepalive.IDLE, keepalive.onTimer(due - 1));
        final int tag = ping(due);

        due = keepalive.dueNanos(6 * SECOND + 2);
        assertEquals(6 * SECOND + 1 + 15 * SECOND + 1, due, "the ping's timeout");
        keepalive.onReceive(7 * SECOND);
        assertEquals(due, keepalive.dueNanos(7 * SECOND), "a PDU that is not the answer changes nothing");
        nopOut(PduHeader.RESERVED_TAG, tag, new byte[0]);
        due = keepalive.dueNanos(7 * SECOND);
        assertEquals(12 * SECOND + 1, due, "answered: the next ping");
        assertEquals(NopKeepalive.IDLE, keepalive.onTimer(due - 1));
        assertEquals(NopKeepalive.PINGED, keepalive.onTimer(due));

        keepalive.times(0, 0);
        assertTrue(keepalive.dueNanos(20 * SECOND) - 20 * SECOND >= 3600 * SECOND, "pings off: nothing in sight");
    }

    /** Sends a ping at {@code at} and returns its Target Transfer Tag. */
    private int ping(final long at)
    {
        assertEquals(NopKeepalive.PINGED, keepalive.onTimer(at));
        return new NopInPdu().wrap(sender.take().get(0).header(), 0).targetTransferTag();
    }

    @Test
    void anUnansweredPingTimesOutOnceTheInitiatorHasAnsweredOne()
    {
        keepalive.onReceive(0);
        final int first = ping(6 * SECOND);
        keepalive.onReceive(7 * SECOND);
        nopOut(PduHeader.RESERVED_TAG, first, new byte[0]);
        ping(13 * SECOND);
        keepalive.onReceive(14 * SECOND);   // other PDUs do not answer the ping
        assertEquals(NopKeepalive.IDLE, keepalive.onTimer(28 * SECOND));
        assertEquals(NopKeepalive.TIMED_OUT, keepalive.onTimer(28 * SECOND + 1));
    }

    @Test
    void anInitiatorThatHasAnsweredNoPingIsNotDroppedAndNotPingedAgain()
    {
        // iPXE: reads NOP-Ins, never answers them.
        keepalive.onReceive(0);
        ping(6 * SECOND);
        assertEquals(NopKeepalive.IDLE, keepalive.onTimer(21 * SECOND));
        assertEquals(NopKeepalive.UNANSWERED, keepalive.onTimer(21 * SECOND + 1));
        for (long t = 22; t < 3600; t += 7)
        {
            assertEquals(NopKeepalive.IDLE, keepalive.onTimer(t * SECOND), "at " + t + " s");
        }
        assertTrue(sender.sent().isEmpty(), "no more pings");
    }

    @Test
    void anInitiatorThatPingsTheTargetIsDroppedWhenItAnswersNoPing()
    {
        // open-iscsi pings every noop_out_interval; with its cable pulled it answers nothing, not even the first ping.
        keepalive.onReceive(0);
        nopOut(0x21, PduHeader.RESERVED_TAG, new byte[0]);
        sender.take();
        ping(6 * SECOND);
        assertEquals(NopKeepalive.IDLE, keepalive.onTimer(21 * SECOND));
        assertEquals(NopKeepalive.TIMED_OUT, keepalive.onTimer(21 * SECOND + 1));
    }

    @Test
    void aLateAnswerStartsThePingsAgainAndTheTimeoutThenCloses()
    {
        keepalive.onReceive(0);
        final int tag = ping(6 * SECOND);
        assertEquals(NopKeepalive.UNANSWERED, keepalive.onTimer(22 * SECOND));
        keepalive.onReceive(30 * SECOND);
        nopOut(PduHeader.RESERVED_TAG, tag, new byte[0]);
        ping(36 * SECOND);
        assertEquals(NopKeepalive.TIMED_OUT, keepalive.onTimer(52 * SECOND));
    }

    @Test
    void theSettingsOfTheSessionsTpgReplaceTheEnginesOnes()
    {
        keepalive.onReceive(0);
        keepalive.times(30 * SECOND, 60 * SECOND);
        assertEquals(NopKeepalive.IDLE, keepalive.onTimer(30 * SECOND));
        final int tag = ping(30 * SECOND + 1);
        nopOut(PduHeader.RESERVED_TAG, tag, new byte[0]);
        keepalive.onReceive(31 * SECOND);
        ping(62 * SECOND);
        assertEquals(NopKeepalive.IDLE, keepalive.onTimer(122 * SECOND));
        assertEquals(NopKeepalive.TIMED_OUT, keepalive.onTimer(122 * SECOND + 1));
        keepalive.times(0, 0);
        assertEquals(NopKeepalive.IDLE, keepalive.onTimer(3600 * SECOND), "interval 0: no pings, no timeout");
    }

    @Test
    void noPingsWhenTheIntervalIsZero()
    {
        final NopKeepalive off = new NopKeepalive(sender, statSn, window, 0, 0);
        off.onReceive(0);
        assertEquals(NopKeepalive.IDLE, off.onTimer(3600 * SECOND));
        assertTrue(sender.sent().isEmpty());
    }
}
