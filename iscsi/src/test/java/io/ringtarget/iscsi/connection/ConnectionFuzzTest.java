package io.ringtarget.iscsi.connection;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.iscsi.command.ChunkRegion;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.loop.AbortAcknowledgements;
import io.ringtarget.iscsi.loop.ConnectionBalance;
import io.ringtarget.iscsi.loop.ConnectionTimer;
import io.ringtarget.iscsi.loop.IscsiContext;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.stats.DisconnectReason;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.iscsi.transport.InMemorySocket;
import io.ringtarget.pdu.LoginRequestPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduHeader;
import io.ringtarget.ring.Counters;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.RingConfig;
import io.ringtarget.scsi.AccessState;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.LogicalUnitIdentity;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterAll;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing (Jazzer) of a logged-in session: the production {@link Connection} over an
 * {@link InMemorySocket} on a real event loop and ring, a 1 MiB RAM LUN behind it, fed a run of request PDUs of every
 * opcode with fuzzed fields (CmdSN near the window, tags the session used, CDBs of the commands initiators send, data
 * segments, task management of the tasks in flight), cut into arbitrary receives, with the loop's clock moved on
 * between them (NOP-In pings, timeouts). Whatever arrives: no internal error in the connection or the logical unit,
 * every PDU the target sends is one of its opcodes and framed whole within the negotiated data segment length, and once
 * the connection has closed every data buffer is back and the loop holds nothing of it.
 * <p>
 * A normal build replays the seeds and findings in
 * src/test/resources/io/ringtarget/iscsi/connection/ConnectionFuzzTestInputs/; {@code CI=true} fuzzes it briefly; a
 * longer run (README, "Fuzzing"):
 * <pre>
 *   JAZZER_FUZZ=1 m test -pl iscsi -am -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dtest='ConnectionFuzzTest#fullFeaturePhase' -Djazzer.max_duration=30m
 * </pre>
 */
class ConnectionFuzzTest
{
    private static final String TARGET = "iqn.2026-12.io.ringtarget:fuzz";
    private static final String INITIATOR = "iqn.2026-12.io.ringtarget:fuzz-initiator";
    private static final String PORTAL_IP = "127.0.0.1";
    private static final int PORTAL_PORT = 3260;
    private static final int BLOCK_SIZE = 512;
    private static final long LUN_BYTES = 1 << 20;
    private static final int MAX_RECV_DATA_SEGMENT_LENGTH = 262144;
    private static final int SMALL_BUFFERS = 8;
    private static final int REGION_BYTES = 2 << 20;
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** The CDB opcodes initiators send most, and those with the most state: a fuzzed one is any of these or a byte. */
    private static final int[] CDB_OPCODES = {
        0x00, 0x03, 0x12, 0x1A, 0x5A, 0x15, 0x55, 0x25, 0x9E, 0x28, 0x2A, 0x88, 0x8A, 0x08, 0x0A, 0x2F, 0x8F, 0x35,
        0x91, 0x41, 0x93, 0x42, 0x89, 0x8E, 0x5E, 0x5F, 0x16, 0x17, 0x56, 0x57, 0xA0, 0xA3, 0x1D, 0x1C, 0x48, 0x04,
        0x3B, 0x3C, 0x83, 0x84, 0x4D, 0x9C, 0x7F};
    private static final int[] REQUEST_OPCODES = {
        Opcode.SCSI_COMMAND, Opcode.SCSI_COMMAND, Opcode.SCSI_COMMAND, Opcode.SCSI_DATA_OUT, Opcode.SCSI_DATA_OUT,
        Opcode.NOP_OUT, Opcode.TASK_MANAGEMENT_REQUEST, Opcode.TEXT_REQUEST, Opcode.LOGOUT_REQUEST,
        Opcode.SNACK_REQUEST, Opcode.LOGIN_REQUEST};

    private static final EventLog LOG =
        new EventLog(new PrintStream(OutputStream.nullOutputStream()), false, EventLog.Level.ERROR);
    private static final Arena ARENA = Arena.ofShared();
    /** What the connection sends in one SENDMSG: its staging queue (1 MiB) and Data-In from data buffers. */
    private static final MemorySegment SENT = ARENA.allocate(32 << 20, 8);
    private static final MemorySegment STREAM = ARENA.allocate(4 << 20, 8);
    private static final MemorySegment LOGIN = ARENA.allocate(4096, 8);

    @AfterAll
    static void close()
    {
        LOG.close();
        ARENA.close();
    }

    @FuzzTest(maxDuration = "30s")
    void fullFeaturePhase(final FuzzedDataProvider data)
    {
        try (Session s = new Session())
        {
            s.login(data.consumeBoolean(), data.consumeBoolean());
            final int pdus = data.consumeInt(1, 24);
            long end = 0;
            for (int i = 0; i < pdus && data.remainingBytes() > 0 && end < STREAM.byteSize() - (1 << 17); i++)
            {
                end = s.appendPdu(data, end);
            }
            long at = 0;
            while (at < end && !s.socket.closeRequested())
            {
                s.runLoop();
                if (!s.socket.recvArmed())
                {
                    break;   // closing, or logged out: what is left of the stream is not read
                }
                // Once the input is used up, the rest of the stream in receives as large as the room allows.
                final int wanted = data.remainingBytes() > 0 ? data.consumeInt(1, 300_000) : Integer.MAX_VALUE;
                final int piece = (int)Math.min(Math.min(end - at, s.socket.recvRoom()), wanted);
                s.socket.deliver(STREAM, at, piece);
                at += piece;
                s.completeSends();
                if (data.consumeBoolean())
                {
                    s.clock.advance(data.consumeLong(0, 40_000_000_000L));   // pings, their timeouts, a logout's grace
                }
            }
            s.runLoop();
            s.closeAndCheck();
        }
    }

    /** One session's loop, logical unit and connection; each input gets its own, so none inherits another's state. */
    private static final class Session implements AutoCloseable
    {
        final CachedNanoClock clock = new CachedNanoClock();
        final RamBackstore ram = new RamBackstore("ram0", LUN_BYTES, BLOCK_SIZE, false);
        final Ring ring = Ring.open(new RingConfig().entries(16));
        final EventLoop loop = new EventLoop("fuzz-0", ring, clock, 64);
        final LogicalUnit lu;
        final IscsiContext server;
        final LoopContext context;
        final InMemorySocket socket = new InMemorySocket();
        final Connection connection;
        int cmdSn;
        int expStatSn;
        int itt;

        Session()
        {
            clock.update(1_000_000_000L);
            final TargetNode node = new TargetNode(TARGET, "fuzz");
            final TargetPort port =
                new TargetPort(1, TARGET, 1, new TargetPortGroup(1, AccessState.ACTIVE_OPTIMIZED, true));
            lu = new LogicalUnit(new LogicalUnitIdentity(LogicalUnitIdentity.DEFAULT_VENDOR, "ringtarget", "0001",
                "fuzzserial0", 0, TARGET), ram.blockCount(), ram.blockSize(), ram.supportsUnmap(), false)
                .unmapReadsZeros(ram.unmapReadsZeros()).targetPorts(port);
            node.add(new PortalGroup(node, 1, List.of(new Portal(PORTAL_IP, PORTAL_PORT)),
                List.of(new LunMapping(0, lu, ram, false)), List.of(), true, false, port, PortalGroup.ENGINE_NOP_IN,
                PortalGroup.ENGINE_NOP_IN));
            final TargetRegistry registry = new TargetRegistry();
            registry.add(node);
            server =
                new IscsiContext(registry, DiscoveryAuth.NONE, TargetLimits.defaults(), LOG, new Counters(256), 5, 5);
            final ConnectionBalance balance = new ConnectionBalance(1);
            context = new LoopContext(loop, 0, balance, new AbortAcknowledgements(balance), server, SMALL_BUFFERS,
                REGION_BYTES);
            loop.addWorker(context.readyWorker());
            loop.addWorker(new ConnectionTimer(context));
            server.admission().admit(PORTAL_IP);
            connection = new Connection(context, socket, -1, PORTAL_IP, PORTAL_PORT, PORTAL_IP + ":40000", PORTAL_IP);
            socket.connection(connection);
            context.addConnection(connection);
            connection.start();
        }

        /** A login without authentication, then Full Feature Phase with the data phase keys fuzzed. */
        void login(final boolean immediateData, final boolean initialR2T)
        {
            loginStep(LoginRequestPdu.SECURITY_NEGOTIATION, LoginRequestPdu.LOGIN_OPERATIONAL_NEGOTIATION,
                "InitiatorName=" + INITIATOR + "\0TargetName=" + TARGET + "\0SessionType=Normal\0AuthMethod=None\0");
            loginStep(LoginRequestPdu.LOGIN_OPERATIONAL_NEGOTIATION, LoginRequestPdu.FULL_FEATURE_PHASE,
                "HeaderDigest=None\0DataDigest=None\0ImmediateData=" + (immediateData ? "Yes" : "No") +
                "\0InitialR2T=" + (initialR2T ? "Yes" : "No") + "\0MaxRecvDataSegmentLength=" +
                MAX_RECV_DATA_SEGMENT_LENGTH + "\0FirstBurstLength=65536\0MaxBurstLength=262144\0");
        }

        private void loginStep(final int csg, final int nsg, final String text)
        {
            final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            new LoginRequestPdu().wrap(LOGIN, 0).reset().immediate(true).transit(true).csg(csg).nsg(nsg).versionMax(0)
                .versionMin(0).isid(0x400001370000L).tsih(0).initiatorTaskTag(0).cid(0).cmdSn(0).expStatSn(expStatSn)
                .dataSegmentLength(bytes.length);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, LOGIN, PduHeader.LENGTH, bytes.length);
            socket.deliver(LOGIN, 0, PduHeader.LENGTH + ((bytes.length + 3) & ~3));
            socket.capture(SENT);
            socket.completeSend();
            assertEquals(Opcode.LOGIN_RESPONSE, SENT.get(ValueLayout.JAVA_BYTE, 0) & Opcode.MASK);
            assertEquals(0, SENT.get(ValueLayout.JAVA_BYTE, 36), "login refused: status class");
            expStatSn = SENT.get(BE_INT, 24) + 1;
        }

        /** A request PDU with fuzzed fields at {@code at} of the stream; returns where the next one goes. */
        long appendPdu(final FuzzedDataProvider data, final long at)
        {
            final byte[] bhs = data.consumeBytes(PduHeader.LENGTH);
            MemorySegment.copy(MemorySegment.ofArray(bhs), 0, STREAM, at, bhs.length);
            for (long i = bhs.length; i < PduHeader.LENGTH; i++)
            {
                STREAM.set(ValueLayout.JAVA_BYTE, at + i, (byte)0);
            }
            final int opcode = data.consumeBoolean() ? data.consumeInt(0, Opcode.MASK) :
                REQUEST_OPCODES[data.consumeInt(0, REQUEST_OPCODES.length - 1)];
            final boolean immediate = data.consumeBoolean();
            STREAM.set(ValueLayout.JAVA_BYTE, at, (byte)(opcode | (immediate ? 0x40 : 0)));
            if (data.consumeBoolean())
            {
                STREAM.set(ValueLayout.JAVA_BYTE, at + 4, (byte)0);   // TotalAHSLength: mostly none
                STREAM.set(ValueLayout.JAVA_LONG_UNALIGNED, at + 8, 0L);   // LUN 0
            }
            if (data.consumeBoolean())
            {
                // ITT: a new tag, or one of the last few (the tasks in flight, an ABORT TASK's RTT)
                final int tag = data.consumeBoolean() ? ++itt : itt - data.consumeInt(0, 4);
                STREAM.set(BE_INT, at + 16, tag);
                if (opcode == Opcode.TASK_MANAGEMENT_REQUEST)
                {
                    STREAM.set(BE_INT, at + 20, itt - data.consumeInt(0, 4));   // Referenced Task Tag
                }
            }
            if (data.consumeBoolean())
            {
                STREAM.set(BE_INT, at + 24, cmdSn + data.consumeInt(-2, 3));
                STREAM.set(BE_INT, at + 28, expStatSn);
                if (!immediate)
                {
                    cmdSn++;
                }
            }
            if (opcode == Opcode.SCSI_COMMAND && data.consumeBoolean())
            {
                cdb(data, at);
            }
            int length = 0;
            if (data.consumeBoolean())
            {
                length = Math.min(data.consumeInt(0, 300_000), (int)(STREAM.byteSize() - at - PduHeader.LENGTH - 4));
                STREAM.set(ValueLayout.JAVA_BYTE, at + 5, (byte)(length >>> 16));
                STREAM.set(ValueLayout.JAVA_BYTE, at + 6, (byte)(length >>> 8));
                STREAM.set(ValueLayout.JAVA_BYTE, at + 7, (byte)length);
                if (opcode == Opcode.SCSI_DATA_OUT)
                {
                    STREAM.set(BE_INT, at + 40, data.consumeInt(0, 8) * 4096);   // BufferOffset
                }
            }
            else
            {
                final int ahs = STREAM.get(ValueLayout.JAVA_BYTE, at + 4) & 0xFF;
                length = ahs * 4 + (STREAM.get(BE_INT, at + 4) & 0xFFFFFF);
                length = Math.min(length, (int)(STREAM.byteSize() - at - PduHeader.LENGTH - 4));
            }
            final byte[] segment = data.consumeBytes(length);
            MemorySegment.copy(MemorySegment.ofArray(segment), 0, STREAM, at + PduHeader.LENGTH, segment.length);
            STREAM.asSlice(at + PduHeader.LENGTH + segment.length, length - segment.length + 4L).fill((byte)0);
            return at + PduHeader.LENGTH + ((length + 3) & ~3);
        }

        /** A CDB of a command initiators send, its LBA and length within the LUN or just beyond it. */
        private static void cdb(final FuzzedDataProvider data, final long at)
        {
            final long cdb = at + 32;
            final int opcode = CDB_OPCODES[data.consumeInt(0, CDB_OPCODES.length - 1)];
            STREAM.set(ValueLayout.JAVA_BYTE, cdb, (byte)opcode);
            final int blocks = data.consumeInt(0, 2 * 1024);
            final int lba = data.consumeInt(0, (int)(LUN_BYTES / BLOCK_SIZE) + 4);
            final boolean write = data.consumeBoolean();
            final int edtl = data.consumeBoolean() ? blocks * BLOCK_SIZE : data.consumeInt(0, 1 << 20);
            // F, R or W, SIMPLE; the EDTL the CDB asks for, or another
            STREAM.set(ValueLayout.JAVA_BYTE, at + 1, (byte)(0x80 | (write ? 0x20 : 0x40) | data.consumeInt(0, 4)));
            STREAM.set(BE_INT, at + 20, edtl);
            if (opcode >= 0x80 && opcode < 0xA0)
            {
                STREAM.set(BE_INT, cdb + 6, lba);   // 16-byte CDBs: LBA in bytes 2-9, length in 10-13
                STREAM.set(BE_INT, cdb + 10, blocks);
            }
            else if (opcode >= 0x20)
            {
                STREAM.set(BE_INT, cdb + 2, lba);   // 10- and 12-byte CDBs: LBA in bytes 2-5, length from byte 7
                STREAM.set(ValueLayout.JAVA_BYTE, cdb + 7, (byte)(blocks >>> 8));
                STREAM.set(ValueLayout.JAVA_BYTE, cdb + 8, (byte)blocks);
            }
        }

        /** The loop's duty cycles (ready connections, timers, a medium operation's steps) until nothing is left. */
        void runLoop()
        {
            for (int i = 0; i < 64 && loop.doWork() > 0; i++)
            {
                completeSends();
            }
            completeSends();
        }

        /** Completes the SENDMSGs the connection starts, checking each PDU in them. */
        void completeSends()
        {
            while (socket.sendPending())
            {
                socket.capture(SENT);
                socket.completeSend();
                checkSent(socket.captured());
            }
        }

        private void checkSent(final long bytes)
        {
            long at = 0;
            while (at < bytes)
            {
                assertTrue(bytes - at >= PduHeader.LENGTH, "a whole BHS");
                final int opcode = SENT.get(ValueLayout.JAVA_BYTE, at) & Opcode.MASK;
                assertTrue(opcode == Opcode.NOP_IN || opcode == Opcode.SCSI_RESPONSE ||
                    opcode == Opcode.TASK_MANAGEMENT_RESPONSE || opcode == Opcode.TEXT_RESPONSE ||
                    opcode == Opcode.SCSI_DATA_IN || opcode == Opcode.LOGOUT_RESPONSE || opcode == Opcode.R2T ||
                    opcode == Opcode.ASYNC_MESSAGE || opcode == Opcode.REJECT || opcode == Opcode.LOGIN_RESPONSE,
                    "a target opcode: 0x" + Integer.toHexString(opcode));
                final int ahs = SENT.get(ValueLayout.JAVA_BYTE, at + 4) & 0xFF;
                final int length = SENT.get(BE_INT, at + 4) & 0xFFFFFF;
                assertEquals(0, ahs, "no AHS from the target");
                assertTrue(length <= MAX_RECV_DATA_SEGMENT_LENGTH, "a data segment within MaxRecvDataSegmentLength: " +
                    length);
                at += PduHeader.LENGTH + ((length + 3L) & ~3L);
            }
            assertEquals(bytes, at, "PDUs framed whole");
        }

        /** Closes the connection (if it has not closed itself) and checks that it left nothing behind. */
        void closeAndCheck()
        {
            connection.close(DisconnectReason.OTHER, "fuzz input ended");
            final long deadline = System.nanoTime() + 5_000_000_000L;
            for (int i = 0; context.connectionCount() > 0 && System.nanoTime() < deadline; i++)
            {
                socket.completeClose();
                runLoop();
                if (i > 10)
                {
                    Thread.yield();   // a backstore call on its aside thread (PERSISTENT RESERVE OUT) ends
                }
            }
            assertEquals(0, context.connectionCount(), "the connection closed");
            assertEquals(0, context.counters().get(IscsiCounter.CONNECTION_FAULTS), "no fault in the connection");
            assertEquals(0, lu.status().internalErrorCount(), "no internal error in the logical unit");
            assertEquals(SMALL_BUFFERS, context.buffers().freeSmallBuffers(), "every small buffer back");
            assertEquals(REGION_BYTES / ChunkRegion.CHUNK_SIZE, context.buffers().freeRegionChunks(),
                "every region chunk back");
            assertEquals(context.buffers().spillSize() / ChunkRegion.CHUNK_SIZE, context.buffers().freeSpillChunks(),
                "every spill chunk back");
        }

        @Override
        public void close()
        {
            context.close();
            loop.onClose();
            ring.close();
            ram.close();
        }
    }
}
