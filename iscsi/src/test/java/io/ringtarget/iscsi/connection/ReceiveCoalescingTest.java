package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestTarget;
import io.ringtarget.iscsi.engine.EngineChange;
import io.ringtarget.iscsi.engine.EngineSettings;
import io.ringtarget.iscsi.engine.IscsiEngine;
import io.ringtarget.iscsi.engine.Reconfigured;
import io.ringtarget.iscsi.login.LoginLimits;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.pdu.DataInPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.ScsiResponsePdu;
import io.ringtarget.scsi.ScsiStatus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Receive coalescing: how far behind the initiator is, from its commands' ExpStatSN; and over real sockets and a real
 * ring, that an initiator far behind has its receives coalesced without a write lost, while one that waits for each
 * response (queue depth 1) never waits on our side, and that a live change of the setting reaches an open session;
 * and that on a loop saturated by several initiators responses wait for the next commands, every read right.
 */
class ReceiveCoalescingTest
{
    private static final int BLOCK = TestTarget.BLOCK_SIZE;
    private static final int IN_FLIGHT = 32;
    private static final int WRITES = 3000;
    private static final int SESSIONS = 8;
    private static final int READ_DEPTH = 4;
    private static final int READ_ROUNDS = 1500;
    private static final int STREAM_READS = 200;

    @Test
    void theLagIsTheMostResponsesTheInitiatorHadNotSeenOverAWindowOfCommands()
    {
        final ReceiveCoalescing c = new ReceiveCoalescing(50_000);
        assertEquals(0, c.lag());
        assertFalse(c.defer(0), "nothing measured yet");
        for (int i = 0; i < ReceiveCoalescing.WINDOW; i++)
        {
            c.onCommand(100 + i, 100 + i);   // queue depth 1: each command has seen every response before it
        }
        assertEquals(0, c.lag());
        assertFalse(c.defer(1));

        for (int i = 0; i < ReceiveCoalescing.WINDOW; i++)
        {
            c.onCommand(200 + i, 200 + i - (i % 20));   // up to 19 responses not yet taken in
        }
        assertEquals(19, c.lag());
        assertTrue(c.defer(0), "a header alone");
        assertTrue(c.defer(ReceiveCoalescing.BATCH - 1));
        assertFalse(c.defer(ReceiveCoalescing.BATCH), "a batch already");

        for (int i = 0; i < ReceiveCoalescing.WINDOW - 1; i++)
        {
            c.onCommand(300, 300 - ReceiveCoalescing.MIN_LAG + 1);
        }
        assertEquals(19, c.lag(), "kept until the window is full");
        c.onCommand(300, 300);
        assertEquals(ReceiveCoalescing.MIN_LAG - 1, c.lag());
        assertFalse(c.defer(0), "below the lag that pays for a wait");
    }

    @Test
    void anInitiatorWithCommandsInFlightAndLargeTransfersOrFarBehindHoldsThePollingOffAndOneAtDepthOneKeepsIt()
    {
        final ReceiveCoalescing c = new ReceiveCoalescing(50_000);
        final long large = ReceiveCoalescing.STREAMING_TRANSFER_BYTES;
        assertFalse(c.holdsPolling(large), "nothing measured yet");
        assertTrue(c.keepsPolling(), "nothing measured yet: taken as waiting for each response");
        for (int i = 0; i < ReceiveCoalescing.WINDOW; i++)
        {
            c.onCommand(100 + i, 100 + i);   // queue depth 1: it waits for each response
        }
        assertFalse(c.holdsPolling(16L << 20), "an initiator that waits for us keeps the polling, whatever the size");
        assertTrue(c.keepsPolling());

        for (int i = 0; i < ReceiveCoalescing.WINDOW; i++)
        {
            c.onCommand(200 + i, 200 + i - (i % 8));   // depth 8: up to 7 responses not yet taken in
        }
        assertTrue(c.holdsPolling(large));
        assertFalse(c.keepsPolling());
        assertTrue(c.holdsPolling(0xFFFF_FFFFL), "an Expected Data Transfer Length is unsigned");
        assertFalse(c.holdsPolling(large - 1), "small commands less than MIN_LAG behind keep it");
        assertFalse(c.holdsPolling(0));

        for (int i = 0; i < ReceiveCoalescing.WINDOW; i++)
        {
            c.onCommand(300 + i, 300 + i - (i % ReceiveCoalescing.MIN_LAG) - 1);   // MIN_LAG responses behind at most
        }
        assertEquals(ReceiveCoalescing.MIN_LAG, c.lag());
        assertTrue(c.holdsPolling(0), "an initiator MIN_LAG behind is the bottleneck, whatever the size");
        assertTrue(c.holdsPolling(BLOCK));
        assertFalse(c.keepsPolling());
    }

    @Test
    void aStreamOfLargeReadsOrSmallReadsFarBehindHoldTheLoopsPollingOffAndSmallReadsAtAShallowDepthDoNot()
        throws Exception
    {
        try (TestTarget target = start(EngineSettingsFor.coalescing(0));
             TestInitiator i = new TestInitiator("127.0.0.1", target.port()))
        {
            i.login(TestTarget.IQN, "MaxRecvDataSegmentLength=262144");
            // Looked at on the loop itself, after the connection's commands of each duty cycle have run.
            final AtomicBoolean held = new AtomicBoolean();
            assertTrue(target.engine().offer(0, loop -> loop.addWorker(now ->
            {
                if (loop.pollingHeld())
                {
                    held.set(true);
                }
                return 0;
            })));
            readsBehind(i, BLOCK);
            assertFalse(held.get(), "small reads from an initiator with commands in flight: the loop may poll");
            readsBehind(i, (int)ReceiveCoalescing.STREAMING_TRANSFER_BYTES);
            assertTrue(held.get(), "64 KiB reads from an initiator with commands in flight: the loop sleeps instead");
            Thread.sleep(20);   // the loop parks, which ends the stream's hold
            held.set(false);
            readsBehind(i, BLOCK, 16);
            assertTrue(held.get(), "small reads from an initiator 12 or more responses behind: the loop sleeps");
        }
    }

    @Test
    void largeWritesWhoseImmediateDataIsPlacedInTheirBufferCountForTheLagAndHoldThePollingOff() throws Exception
    {
        try (TestTarget target = start(EngineSettingsFor.coalescing(0));
             TestInitiator i = new TestInitiator("127.0.0.1", target.port()))
        {
            i.login(TestTarget.IQN, "ImmediateData=Yes", "InitialR2T=No", "FirstBurstLength=262144",
                "MaxRecvDataSegmentLength=262144");
            final AtomicBoolean held = new AtomicBoolean();
            assertTrue(target.engine().offer(0, loop -> loop.addWorker(now ->
            {
                held.compareAndSet(false, loop.pollingHeld());
                return 0;
            })));
            final int bytes = (int)ReceiveCoalescing.STREAMING_TRANSFER_BYTES;
            final int commands = ReceiveCoalescing.WINDOW + 8;
            final long placed = target.counter(IscsiCounter.WRITE_DATA_PLACED_BYTES);
            for (int n = 0; n < commands; n++)
            {
                // The ExpStatSN is never brought up to date: each command has seen none of the responses before it.
                final byte[] pdu = i.pdu(i.scsiCommand(0, write10(n * bytes / BLOCK, bytes / BLOCK), bytes, false,
                    true), TestInitiator.pattern(bytes, n));
                // The header first: once the target has it, the rest of the data is received into the buffer.
                i.sendRaw(Arrays.copyOf(pdu, 48 + BLOCK));
                Thread.sleep(20);
                i.sendRaw(Arrays.copyOfRange(pdu, 48 + BLOCK, pdu.length));
            }
            for (int n = 0; n < commands; n++)
            {
                final TestInitiator.Pdu pdu = i.receive();
                assertEquals(Opcode.SCSI_RESPONSE, pdu.opcode(), TestInitiator.name(pdu));
                assertEquals(ScsiStatus.GOOD, new ScsiResponsePdu().wrap(pdu.header(), 0).status());
            }
            final long placedNow = target.counter(IscsiCounter.WRITE_DATA_PLACED_BYTES) - placed;
            assertEquals((long)commands * (bytes - BLOCK), placedNow, "each write's data after its first part placed");
            assertTrue(held.get(), "64 KiB writes from an initiator with commands in flight: the loop sleeps instead");
        }
    }

    @Test
    void anInitiatorThatWaitsForEachResponseKeepsTheLoopPollingBesideAStream() throws Exception
    {
        try (TestTarget target = start(EngineSettingsFor.coalescing(0));
             TestInitiator stream = new TestInitiator("127.0.0.1", target.port());
             TestInitiator waiting = new TestInitiator("127.0.0.1", target.port()))
        {
            stream.login(TestTarget.IQN, "MaxRecvDataSegmentLength=262144");
            waiting.isid += 1;
            waiting.login(TestTarget.IQN);
            final AtomicBoolean held = new AtomicBoolean();
            final AtomicBoolean kept = new AtomicBoolean();
            assertTrue(target.engine().offer(0, loop -> loop.addWorker(now ->
            {
                held.compareAndSet(false, loop.pollingHeld());
                kept.compareAndSet(false, loop.pollingKept());
                return 0;
            })));
            readsBehind(stream, (int)ReceiveCoalescing.STREAMING_TRANSFER_BYTES);   // its lag measured
            Thread.sleep(20);   // the loop parks, which ends what the first commands (lag not yet known) kept
            held.set(false);
            kept.set(false);

            readsBehind(stream, (int)ReceiveCoalescing.STREAMING_TRANSFER_BYTES);
            assertTrue(held.get(), "a stream alone: the loop sleeps instead of polling");
            assertFalse(kept.get(), "an initiator with commands in flight does not keep the polling");

            for (int n = 0; n < 2 * ReceiveCoalescing.WINDOW; n++)
            {
                assertEquals(ScsiStatus.GOOD, waiting.command(0, read10(n, 1), null, new byte[BLOCK]).status());
            }
            assertTrue(kept.get(), "an initiator at queue depth 1 on the same loop keeps it polling");
        }
    }

    /**
     * {@link #STREAM_READS} READs of {@code bytes} each, 4 in flight, the ExpStatSN brought up to date every fourth
     * response only (RFC 7143 allows an initiator to acknowledge late): an initiator some responses behind.
     */
    private static void readsBehind(final TestInitiator i, final int bytes) throws IOException
    {
        readsBehind(i, bytes, 4);
    }

    /**
     * {@link #STREAM_READS} reads of {@code bytes}, {@code depth} in flight, the ExpStatSN brought up to date once
     * every {@code depth} responses: a lag of {@code depth} or more.
     */
    private static void readsBehind(final TestInitiator i, final int bytes, final int depth) throws IOException
    {
        final int blocks = bytes / BLOCK;
        int sent = 0;
        for (; sent < depth; sent++)
        {
            i.send(i.scsiCommand(0, read10(sent * blocks, blocks), bytes, true, false), null);
        }
        for (int answered = 0; answered < STREAM_READS; )
        {
            final TestInitiator.Pdu pdu = i.receive();
            assertEquals(Opcode.SCSI_DATA_IN, pdu.opcode(), TestInitiator.name(pdu));
            final DataInPdu din = new DataInPdu().wrap(pdu.header(), 0);
            if (!din.statusBit())
            {
                continue;
            }
            assertEquals(ScsiStatus.GOOD, din.status());
            if (++answered % depth == 0)
            {
                i.expStatSn = din.statSn() + 1;
            }
            if (sent < STREAM_READS)
            {
                i.send(i.scsiCommand(0, read10((sent++ % 64) * blocks, blocks), bytes, true, false), null);
            }
        }
    }

    @Test
    void statSnWrapsAndAnExpStatSnOutOfStepIsNoLag()
    {
        final ReceiveCoalescing c = new ReceiveCoalescing(50_000);
        for (int i = 0; i < ReceiveCoalescing.WINDOW; i++)
        {
            c.onCommand(5, i % 2 == 0 ? -20 : 6);   // 25 behind across the wrap; one ahead is out of step
        }
        assertEquals(25, c.lag());
        for (int i = 0; i < ReceiveCoalescing.WINDOW; i++)
        {
            c.onCommand(5, 5 + (1 << 20));   // far from anything numbered: not a lag of a million responses
        }
        assertEquals(0, c.lag());
    }

    @Test
    void noDelayNeverDefersAndANegativeOneIsRefused()
    {
        final ReceiveCoalescing c = new ReceiveCoalescing(0);
        for (int i = 0; i < ReceiveCoalescing.WINDOW; i++)
        {
            c.onCommand(1000, 900);
        }
        assertEquals(100, c.lag());
        assertFalse(c.defer(0));
        assertThrows(IllegalArgumentException.class, () -> new ReceiveCoalescing(-1));
    }

    @Test
    void anInitiatorFarBehindHasItsReceivesCoalescedAndEveryWriteLands() throws IOException
    {
        try (TestTarget target = start(EngineSettingsFor.coalescing(50_000)))
        {
            final byte[] written = writeBehind(target);
            assertTrue(target.counter(IscsiCounter.RECEIVES_COALESCED) > 0,
                "receives coalesced: " + target.counter(IscsiCounter.RECEIVES_COALESCED));
            assertArrayEquals(written, readBack(target, written.length));
        }
    }

    @Test
    void noReceiveWaitsWhenCoalescingIsOffOrTheInitiatorWaitsForEachResponse() throws IOException
    {
        try (TestTarget target = start(EngineSettingsFor.coalescing(0)))
        {
            final byte[] written = writeBehind(target);
            assertArrayEquals(written, readBack(target, written.length));
            assertEquals(0, target.counter(IscsiCounter.RECEIVES_COALESCED), "coalescing off");
        }
        try (TestTarget target = start(EngineSettingsFor.coalescing(50_000));
             TestInitiator i = new TestInitiator("127.0.0.1", target.port()))
        {
            i.login(TestTarget.IQN, "ImmediateData=Yes");
            for (int n = 0; n < 500; n++)
            {
                final byte[] block = TestInitiator.pattern(BLOCK, n);
                assertEquals(ScsiStatus.GOOD, i.command(0, write10(n, 1), block, null).status());
            }
            assertEquals(0, target.counter(IscsiCounter.RECEIVES_COALESCED), "queue depth 1");
        }
    }

    @Test
    void aLiveChangeOfTheSettingReachesTheConnectionsAlreadyOpen() throws IOException
    {
        try (TestTarget target = start(EngineSettingsFor.coalescing(50_000));
             TestInitiator i = new TestInitiator("127.0.0.1", target.port()))
        {
            i.login(TestTarget.IQN, "ImmediateData=Yes");
            writeBehind(i);
            final long coalesced = target.counter(IscsiCounter.RECEIVES_COALESCED);
            assertTrue(coalesced > 0, "coalesced before the change: " + coalesced);

            assertEquals(0, coalescing(target, 0).sessionsEnded());
            assertEquals(0, target.engine().server().receiveCoalescingNanos(), "and for connections to come");
            writeBehind(i);
            assertEquals(coalesced, target.counter(IscsiCounter.RECEIVES_COALESCED),
                "the open session no longer waits");

            coalescing(target, 20_000);
            final byte[] written = writeBehind(i);
            assertTrue(target.counter(IscsiCounter.RECEIVES_COALESCED) > coalesced, "it waits again, the same session");
            assertArrayEquals(written, readBack(target, written.length));
        }
    }

    @Test
    void holdingResponsesFollowsTheLoopsLoadAndTheInitiatorsCountAndNoDecisionOutsideItsRange()
    {
        final ReceiveCoalescing c = new ReceiveCoalescing(50_000);
        for (int i = 0; i < ReceiveCoalescing.WINDOW; i++)
        {
            c.onCommand(100 + i, 100 + i - (i % 4));   // queue depth 4: up to 3 responses not yet taken in
        }
        assertEquals(3, c.lag());
        final int many = ReceiveCoalescing.MIN_RECEIVING_CONNECTIONS;
        assertTrue(c.holdResponses(1, true, many), "a saturated loop, enough initiators, more commands coming");
        assertTrue(c.holdResponses(3, true, many));
        assertFalse(c.holdResponses(4, true, many), "as many ready as the lag says: they all came");
        assertFalse(c.holdResponses(0, true, many), "nothing ready");
        assertFalse(c.holdResponses(1, false, many), "a loop with time to spare answers at once");
        assertFalse(c.holdResponses(1, true, many - 1), "too few initiators: a lone one would lose its round trip");
        assertFalse(new ReceiveCoalescing(0).holdResponses(1, true, many), "off");

        final ReceiveCoalescing deep = new ReceiveCoalescing(50_000);
        for (int i = 0; i < ReceiveCoalescing.WINDOW; i++)
        {
            deep.onCommand(500, 500 - ReceiveCoalescing.MIN_LAG);
        }
        assertFalse(deep.holdResponses(1, true, many), "far behind: its receives are coalesced instead");
        final ReceiveCoalescing depth1 = new ReceiveCoalescing(50_000);
        for (int i = 0; i < ReceiveCoalescing.WINDOW; i++)
        {
            depth1.onCommand(700 + i, 700 + i);
        }
        assertFalse(depth1.holdResponses(1, true, many), "an initiator that waits for each response");
    }

    @Test
    void onALoopSaturatedBySeveralInitiatorsResponsesWaitForTheNextCommandsAndEveryReadIsRight() throws IOException
    {
        try (TestTarget target = start(EngineSettingsFor.coalescing(50_000)))
        {
            final byte[] written = writeBehind(target);
            assertEquals(0, target.counter(IscsiCounter.RESPONSES_HELD), "one initiator: nothing held");
            final AtomicBoolean busy = new AtomicBoolean(true);
            // Real work on the real loop: each duty cycle 20 us longer, so that the loop is saturated.
            assertTrue(target.engine().offer(0, loop -> loop.addWorker(now -> spin(busy))));
            try
            {
                readPipelined(target, written);
            }
            finally
            {
                busy.set(false);
            }
            assertTrue(target.counter(IscsiCounter.RESPONSES_HELD) > 0,
                "responses held: " + target.counter(IscsiCounter.RESPONSES_HELD));
        }
    }

    private static int spin(final AtomicBoolean busy)
    {
        if (!busy.get())
        {
            return 0;
        }
        final long end = System.nanoTime() + 20_000;
        while (System.nanoTime() - end < 0)
        {
            Thread.onSpinWait();
        }
        return 1;
    }

    /**
     * {@link #SESSIONS} sessions, each with {@link #READ_DEPTH} one-block READs in flight, from one thread that takes
     * one response from each session in turn and sends that session its next READ: every block read must be the one
     * written.
     */
    private static void readPipelined(final TestTarget target, final byte[] written) throws IOException
    {
        final TestInitiator[] sessions = new TestInitiator[SESSIONS];
        final List<Map<Integer, Integer>> lbaByTag = new ArrayList<>();
        try
        {
            int next = 0;
            for (int s = 0; s < SESSIONS; s++)
            {
                sessions[s] = new TestInitiator("127.0.0.1", target.port());
                sessions[s].isid += s;
                sessions[s].login(TestTarget.IQN, "ImmediateData=Yes");
                lbaByTag.add(new HashMap<>());
                for (int d = 0; d < READ_DEPTH; d++)
                {
                    sendRead(sessions[s], lbaByTag.get(s), next++ % WRITES);
                }
            }
            for (int round = 0; round < READ_ROUNDS; round++)
            {
                for (int s = 0; s < SESSIONS; s++)
                {
                    final TestInitiator i = sessions[s];
                    final TestInitiator.Pdu pdu = i.receive();
                    assertEquals(Opcode.SCSI_DATA_IN, pdu.opcode(), TestInitiator.name(pdu));
                    final DataInPdu din = new DataInPdu().wrap(pdu.header(), 0);
                    assertTrue(din.statusBit(), "one Data-In with the status");
                    assertEquals(ScsiStatus.GOOD, din.status());
                    final int lba = lbaByTag.get(s).remove(pdu.itt());
                    assertArrayEquals(Arrays.copyOfRange(written, lba * BLOCK, (lba + 1) * BLOCK), pdu.data(),
                        "block " + lba);
                    i.expStatSn = din.statSn() + 1;
                    sendRead(i, lbaByTag.get(s), next++ % WRITES);
                }
            }
        }
        finally
        {
            for (final TestInitiator i : sessions)
            {
                if (null != i)
                {
                    i.close();
                }
            }
        }
    }

    private static void sendRead(final TestInitiator i, final Map<Integer, Integer> lbaByTag, final int lba)
        throws IOException
    {
        final byte[] command = i.scsiCommand(0, read10(lba, 1), BLOCK, true, false);
        lbaByTag.put(i.itt, lba);
        i.send(command, null);
    }

    private static Reconfigured coalescing(final TestTarget target, final long nanos) throws IOException
    {
        final IscsiEngine engine = target.engine();
        return engine.reconfigure(new EngineChange(engine.server().targets(), DiscoveryAuth.NONE, 0, 0, nanos, null,
            List.of(), List.of()), 10_000);
    }

    /**
     * {@link #WRITES} one-block WRITEs with immediate data, {@link #IN_FLIGHT} at a time, each sent after reading one
     * response and carrying the ExpStatSN that response gives: an initiator that takes its responses in one by one
     * while the target has answered every command it had.
     *
     * @return what the LUN must hold from block 0 on.
     */
    private static byte[] writeBehind(final TestTarget target) throws IOException
    {
        try (TestInitiator i = new TestInitiator("127.0.0.1", target.port()))
        {
            i.login(TestTarget.IQN, "ImmediateData=Yes");
            return writeBehind(i);
        }
    }

    /** {@link #writeBehind(TestTarget)} on a session already logged in. */
    private static byte[] writeBehind(final TestInitiator i) throws IOException
    {
        final byte[] all = new byte[WRITES * BLOCK];
        int sent = 0;
        for (; sent < IN_FLIGHT; sent++)
        {
            sendWrite(i, all, sent);
        }
        for (int answered = 0; answered < WRITES; answered++)
        {
            final TestInitiator.Pdu pdu = i.receive();
            assertEquals(Opcode.SCSI_RESPONSE, pdu.opcode(), TestInitiator.name(pdu));
            final ScsiResponsePdu response = new ScsiResponsePdu().wrap(pdu.header(), 0);
            assertEquals(ScsiStatus.GOOD, response.status());
            i.expStatSn = response.statSn() + 1;
            if (sent < WRITES)
            {
                sendWrite(i, all, sent++);
            }
        }
        return all;
    }

    private static void sendWrite(final TestInitiator i, final byte[] all, final int lba) throws IOException
    {
        final byte[] block = TestInitiator.pattern(BLOCK, 7L * lba + 3);
        System.arraycopy(block, 0, all, lba * BLOCK, BLOCK);
        i.send(i.scsiCommand(0, write10(lba, 1), BLOCK, false, true), block);
    }

    private static byte[] readBack(final TestTarget target, final int length) throws IOException
    {
        try (TestInitiator i = new TestInitiator("127.0.0.1", target.port()))
        {
            i.login(TestTarget.IQN, "MaxRecvDataSegmentLength=262144");
            final byte[] in = new byte[length];
            assertEquals(ScsiStatus.GOOD, i.command(0, read10(0, length / BLOCK), null, in).status());
            return in;
        }
    }

    private static TestTarget start(final EngineSettings settings) throws IOException
    {
        return TestTarget.start(settings, LoginLimits.defaults(), 64L << 20,
            new PrintStream(new ByteArrayOutputStream(), true));
    }

    private static byte[] read10(final int lba, final int blocks)
    {
        return TestInitiator.cdb10(0x28, lba, blocks);
    }

    private static byte[] write10(final int lba, final int blocks)
    {
        return TestInitiator.cdb10(0x2a, lba, blocks);
    }

    /** One loop, the test target's other settings, and this receive coalescing. */
    private static final class EngineSettingsFor
    {
        static EngineSettings coalescing(final long nanos)
        {
            final EngineSettings d = new EngineSettings(1, false, "ring", 50_000, 0, 0);
            return new EngineSettings(d.loops(), d.pinCpus(), d.idleStrategy(), d.idleSpinNanos(),
                d.nopInIntervalSeconds(), d.nopInTimeoutSeconds(), d.tcpCongestionControl(), d.dataBuffers(),
                d.largeTransferRegionBytes(), d.spillRegionBytes(), nanos);
        }
    }
}
