package io.ringtarget.iscsi.command;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringtarget.iscsi.RecordingPduSender;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.Chap;
import io.ringtarget.iscsi.login.LoginExchange;
import io.ringtarget.iscsi.login.LoginLimits;
import io.ringtarget.iscsi.login.LoginStateMachine;
import io.ringtarget.iscsi.login.LoginThrottle;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.node.ChapCredentials;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.NodeAcl;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.ServedTargets;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.iscsi.session.SessionConnection;
import io.ringtarget.iscsi.session.SessionRegistry;
import io.ringtarget.iscsi.transport.PduHandler;
import io.ringtarget.iscsi.transport.PduReceiver;
import io.ringtarget.pdu.DataOutPdu;
import io.ringtarget.pdu.LoginRequestPdu;
import io.ringtarget.pdu.LoginResponsePdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduHeader;
import org.junit.jupiter.api.AfterAll;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing (Jazzer) of what an iSCSI peer drives before and after it authenticates, through the
 * classes production runs: the login at the PDU level ({@link LoginExchange}: continuations, the text accumulator,
 * {@link LoginStateMachine} with CHAP of every algorithm and the lockouts, operational negotiation), the receive side
 * fed an arbitrary byte stream in arbitrary pieces ({@link PduReceiver} and its framer, digests), and the write data
 * phase fed arbitrary Data-Out PDUs, some with a wrong data digest ({@link WriteDataPhase}). Each asserts what must
 * hold whatever arrives: no exception, one answer per whole login request, nothing read or written outside the
 * buffers.
 * <p>
 * A normal build replays the seeds and findings in src/test/resources/io/ringtarget/iscsi/command/IscsiFuzzTestInputs/;
 * {@code CI=true} fuzzes each target briefly; a longer run of one target (README, "Fuzzing"):
 * <pre>
 *   JAZZER_FUZZ=1 m test -pl iscsi -am -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dtest='IscsiFuzzTest#login' -Djazzer.max_duration=30m
 * </pre>
 */
class IscsiFuzzTest
{
    private static final String TARGET = "iqn.2026-11.io.ringtarget:fuzz";
    private static final String INITIATOR = "iqn.1994-05.com.redhat:host1";
    private static final EventLog LOG = EventLog.to(new PrintStream(OutputStream.nullOutputStream()));
    private static final TargetRegistry TARGETS = targets();
    private static final DiscoveryAuth DISCOVERY =
        new DiscoveryAuth(true, new ChapCredentials("disc", "discoverysecret", "t", "targetsecret12"));
    private static final Arena ARENA = Arena.ofShared();
    private static final DataBuffers BUFFERS = new DataBuffers(2, 2 * ChunkRegion.CHUNK_SIZE);

    private final MemorySegment wire = MemorySegment.ofArray(new byte[PduHeader.LENGTH + 70_000]);

    private static TargetRegistry targets()
    {
        final TargetRegistry registry = new TargetRegistry();
        final TargetNode node = new TargetNode(TARGET, "fuzz");
        node.add(new PortalGroup(node, 1, List.of(new Portal("127.0.0.1", 3260)), List.of(),
            List.of(new NodeAcl(INITIATOR, new ChapCredentials("host1", "initiatorsecret1", "target1", "targetsecret12"))),
            false, true));
        registry.add(node);
        return registry;
    }

    @AfterAll
    static void close()
    {
        BUFFERS.close();
        ARENA.close();
    }

    /** Login Requests with fuzzed header fields and text, until the login completes or fails. */
    @FuzzTest(maxDuration = "30s")
    void login(final FuzzedDataProvider data)
    {
        final RecordingPduSender sender = new RecordingPduSender();
        final LoginThrottle throttle = new LoginThrottle(LoginLimits.defaults(), LOG);
        final LoginExchange login = new LoginExchange(
            new LoginStateMachine(new ServedTargets(TARGETS, DISCOVERY), TargetLimits.defaults(), new Chap(), "127.0.0.1",
                3260, throttle, "127.0.0.9"),
            new SessionRegistry(1, 1), new NoConnection(), sender, new StatSn(), new CmdSnWindow());
        final LoginRequestPdu request = new LoginRequestPdu();
        for (int i = 0; i < 12 && data.remainingBytes() > 0; i++)
        {
            request.wrap(wire, 0).reset().transit(data.consumeBoolean()).continueBit(data.consumeBoolean())
                .csg(data.consumeInt(0, 3)).nsg(data.consumeInt(0, 3)).versionMax(data.consumeInt(0, 2))
                .versionMin(data.consumeInt(0, 1)).isid(data.consumeLong()).tsih(data.consumeInt(0, 3))
                .cmdSn(data.consumeInt()).expStatSn(data.consumeInt());
            final byte[] text = data.consumeBytes(data.consumeInt(0, 9000));
            MemorySegment.copy(MemorySegment.ofArray(text), 0, wire, PduHeader.LENGTH, text.length);
            final int before = sender.sent().size();
            final int outcome = login.onLoginRequest(wire, 0, PduHeader.LENGTH, text.length);
            assertEquals(before + 1, sender.sent().size(), "one Login Response per Login Request");
            final RecordingPduSender.Sent answer = sender.sent().get(before);
            assertEquals(Opcode.LOGIN_RESPONSE, answer.opcode());
            assertTrue(answer.data().length <= LoginExchange.MAX_RESPONSE_TEXT);
            if (outcome == LoginExchange.FAILED)
            {
                assertTrue(login.status() != LoginResponsePdu.SUCCESS, "a failure has a status");
                return;
            }
            if (outcome == LoginExchange.COMPLETE)
            {
                return;
            }
        }
    }

    /** An arbitrary byte stream received in arbitrary pieces, in login limits or not, with digests or not. */
    @FuzzTest(maxDuration = "30s")
    void receiveStream(final FuzzedDataProvider data)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final PduReceiver receiver = new PduReceiver(arena, data.consumeInt(512, 262144), 64 * 1024);
            if (data.consumeBoolean())
            {
                receiver.loginLimits();
            }
            receiver.digests(data.consumeBoolean(), data.consumeBoolean());
            final long[] delivered = new long[1];
            final boolean[] stopped = new boolean[1];
            final PduHandler handler = new PduHandler()
            {
                @Override
                public boolean onPdu(final MemorySegment buffer, final long offset, final long dataOffset,
                    final int dataLength)
                {
                    assertTrue(offset >= 0 && dataOffset >= offset + PduHeader.LENGTH && dataLength >= 0 &&
                        dataOffset + dataLength <= buffer.byteSize(), "a PDU within the buffer");
                    delivered[0]++;
                    return true;
                }

                @Override
                public boolean onDataDigestError(final MemorySegment buffer, final long offset)
                {
                    return true;
                }

                @Override
                public void onStreamError(final String reason, final boolean headerDigest)
                {
                    stopped[0] = true;
                }
            };
            while (data.remainingBytes() > 0 && !stopped[0])
            {
                final int room = receiver.receiveRoom();
                if (room == 0)
                {
                    break;   // the connection closes: "receive buffer full without a complete PDU"
                }
                final byte[] piece = data.consumeBytes(Math.min(room, data.consumeInt(1, 70_000)));
                MemorySegment.copy(MemorySegment.ofArray(piece), 0, receiver.buffer(),
                    receiver.receiveAddress() - receiver.buffer().address(), piece.length);
                receiver.received(piece.length);
                do
                {
                    receiver.poll(handler, PduReceiver.MAX_PDUS_PER_POLL);
                }
                while (receiver.hasWholePdu() && !stopped[0]);
            }
        }
    }

    /** A write command and a run of Data-Out PDUs with fuzzed tags, numbers, offsets and lengths. */
    @FuzzTest(maxDuration = "30s")
    void dataOut(final FuzzedDataProvider data)
    {
        final CmdSnWindow window = new CmdSnWindow();
        window.reset(1);
        final CommandTable table = new CommandTable(BUFFERS, window);
        final WriteDataPhase phase = new WriteDataPhase(new RecordingPduSender(), new StatSn(), window, table);
        phase.parameters(data.consumeBoolean(), data.consumeBoolean(), data.consumeInt(512, 262144),
            data.consumeInt(512, 1 << 20), data.consumeInt(1, 4));
        final int edtl = data.consumeInt(0, 1 << 20);
        final int itt = 7;
        final Command c = table.allocate(itt, 1, 0);
        try
        {
            BUFFERS.acquire(c, edtl);
            c.write = true;
            c.expectedDataTransferLength = edtl;
            c.task.reset().expectedDataTransferLength(edtl).dataOut(true);
            final byte[] immediate = data.consumeBytes(data.consumeInt(0, 65536));
            MemorySegment.copy(MemorySegment.ofArray(immediate), 0, wire, PduHeader.LENGTH, immediate.length);
            // dataOk false: the data came with a wrong data digest (counted, not kept; RFC 7143 7.8).
            final boolean dataOk = data.consumeBoolean();
            if (phase.start(c, wire, PduHeader.LENGTH, immediate.length, dataOk) != WriteDataPhase.WAITING)
            {
                return;
            }
            final DataOutPdu pdu = new DataOutPdu();
            for (int i = 0; i < 64 && data.remainingBytes() > 0; i++)
            {
                final int length = data.consumeInt(0, 65536);
                pdu.wrap(wire, 0).reset().finalBit(data.consumeBoolean()).lun(0)
                    .initiatorTaskTag(data.consumeBoolean() ? itt : data.consumeInt())
                    .targetTransferTag(data.consumeInt(-1, 3)).dataSn(data.consumeInt(0, 70))
                    .bufferOffset(data.consumeInt(0, (1 << 20) + 1)).dataSegmentLength(length);
                final int outcome = phase.onDataOut(wire, 0, PduHeader.LENGTH, length, data.consumeBoolean());
                assertTrue(outcome >= WriteDataPhase.WAITING && outcome <= WriteDataPhase.IGNORED, "outcome " + outcome);
                if (outcome == WriteDataPhase.COMPLETE || outcome == WriteDataPhase.FAILED)
                {
                    return;
                }
            }
        }
        finally
        {
            table.release(c.index());
        }
    }

    /** The login's own connection: nothing for the session table to close or wake here. */
    private static final class NoConnection implements SessionConnection
    {
        @Override
        public void requestClose(final String reason)
        {
        }

        @Override
        public void reinstatedSessionEnded()
        {
        }

        @Override
        public void requestAdminLogout(final boolean now)
        {
        }
    }
}
