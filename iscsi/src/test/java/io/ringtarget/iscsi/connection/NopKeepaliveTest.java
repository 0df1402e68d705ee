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
