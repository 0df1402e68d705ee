package io.ringtarget.bench.iscsi;

import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.iscsi.connection.Connection;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.TargetLimits;
import io.ringtarget.iscsi.loop.IscsiContext;
import io.ringtarget.iscsi.loop.AbortAcknowledgements;
import io.ringtarget.iscsi.loop.ConnectionBalance;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.iscsi.node.DiscoveryAuth;
import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.stats.DisconnectReason;
import io.ringtarget.iscsi.transport.InMemorySocket;
import io.ringtarget.pdu.LoginRequestPdu;
import io.ringtarget.pdu.LoginResponsePdu;
import io.ringtarget.pdu.PduHeader;
import io.ringtarget.pdu.ScsiCommandPdu;
import io.ringtarget.ring.Counters;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.RingConfig;
import io.ringtarget.scsi.AccessState;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.LogicalUnitIdentity;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;

import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The engine's whole command path for one logged-in session, without a socket: the production {@link Connection}
 * (receiver, dispatch, CmdSN window, command table, SCSI logical unit, RAM backstore, response sender, send queue) on
 * an {@link EventLoop} whose ring is never used, its socket an {@link InMemorySocket}. {@link #read} and
 * {@link #write} each put one SCSI Command PDU (READ(10) or WRITE(10) with its data as immediate data) into the
 * connection's receive buffer as a RECV would, let the connection handle it, and complete the SENDMSG of what it
 * staged in answer (the RAM backstore completes synchronously, so the answer is staged before the RECV's completion
 * returns). The session logs in with real Login Requests (no authentication, ImmediateData=Yes). One thread only.
 */
public final class CommandPath implements AutoCloseable
{
    public static final String TARGET = "iqn.2026-12.io.ringtarget:bench";
    public static final String INITIATOR = "iqn.2026-12.io.ringtarget:bench-initiator";
    public static final int BLOCK_SIZE = 512;
    public static final int TRANSFER_LENGTH = 4096;
    public static final long LUN_BYTES = 64L << 20;
    private static final String PORTAL_IP = "127.0.0.1";
    private static final int PORTAL_PORT = 3260;
    private static final int READ_10 = 0x28;
    private static final int WRITE_10 = 0x2A;
    /** READ(10)/WRITE(10): LOGICAL BLOCK ADDRESS at CDB bytes 2-5, TRANSFER LENGTH at 7-8 (SBC-3 5.11, 5.35). */
    private static final int CDB_LBA = 2;
    private static final int CDB_TRANSFER_LENGTH = 7;
    private static final ValueLayout.OfInt BIG_ENDIAN_INT =
        ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BIG_ENDIAN_SHORT =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long ISID = 0x400001370000L;

    private final Arena arena = Arena.ofConfined();
    private final RamBackstore ram;
    private final EventLog log;
    private final Ring ring;
    private final EventLoop loop;
    private final IscsiContext server;
    private final LoopContext context;
    private final InMemorySocket socket = new InMemorySocket();
    private final Connection connection;
    private final ScsiCommandPdu pdu = new ScsiCommandPdu();
    private final MemorySegment readCommand;
    private final MemorySegment writeCommand;
    private final MemorySegment loginResponse;
    private int itt;
    private int cmdSn;
    private int expStatSn;

    private CommandPath(final boolean hugePages)
    {
        ram = new RamBackstore("ram0", LUN_BYTES, BLOCK_SIZE, hugePages);
        // Written once, as fio's runs prefill theirs: a RAM LUN's pages are committed when first written, and a read
        // of a block never written is a fill of zeros, not a copy of the LUN's memory.
        ram.sliceToWrite(0, LUN_BYTES).fill((byte)0x5a);
        log = new EventLog(new PrintStream(OutputStream.nullOutputStream()), false, EventLog.Level.WARN);
        ring = Ring.open(new RingConfig().entries(8));
        final TargetRegistry registry = new TargetRegistry();
        final TargetNode node = new TargetNode(TARGET, "command-path benchmark");
        final TargetPort port =
            new TargetPort(1, TARGET, 1, new TargetPortGroup(1, AccessState.ACTIVE_OPTIMIZED, true));
        final LogicalUnit lu = new LogicalUnit(new LogicalUnitIdentity(LogicalUnitIdentity.DEFAULT_VENDOR, "ringtarget",
            "0001", "benchserial0", 0, TARGET), ram.blockCount(), ram.blockSize(), ram.supportsUnmap(), false)
            .unmapReadsZeros(ram.unmapReadsZeros()).targetPorts(port);
        node.add(new PortalGroup(node, 1, List.of(new Portal(PORTAL_IP, PORTAL_PORT)),
            List.of(new LunMapping(0, lu, ram, false)), List.of(), true, false, port, PortalGroup.ENGINE_NOP_IN,
            PortalGroup.ENGINE_NOP_IN));
        registry.add(node);
        final Counters counters = new Counters(256);
        server = new IscsiContext(registry, DiscoveryAuth.NONE, TargetLimits.defaults(), log, counters, 0, 0);
        loop = new EventLoop("bench-0", ring);
        final ConnectionBalance balance = new ConnectionBalance(1);
        context = new LoopContext(loop, 0, balance, new AbortAcknowledgements(balance), server, 256, 4 << 20);
        // As a portal listener accepts one: admitted under the peer's address, in its loop's table, then started.
        server.admission().admit(PORTAL_IP);
        connection = new Connection(context, socket, -1, PORTAL_IP, PORTAL_PORT, PORTAL_IP + ":40000", PORTAL_IP);
        socket.connection(connection);
        context.addConnection(connection);
        connection.start();
        readCommand = command(READ_10, false);
        writeCommand = command(WRITE_10, true);
        loginResponse = arena.allocate(64 * 1024);
    }

    /** A logged-in session on a 64 MiB RAM LUN in huge pages, as a configuration's; throws if refused. */
    public static CommandPath open()
    {
        return open(true);
    }

    /** A logged-in session on a 64 MiB RAM LUN, in 2 MiB huge pages or 4 KiB ones; throws if the login is refused. */
    public static CommandPath open(final boolean hugePages)
    {
        final CommandPath path = new CommandPath(hugePages);
        try
        {
            path.login();
        }
        catch (final RuntimeException ex)
        {
            path.close();
            throw ex;
        }
        return path;
    }

    private MemorySegment command(final int opcode, final boolean write)
    {
        final MemorySegment bhs = arena.allocate(PduHeader.LENGTH + (write ? TRANSFER_LENGTH : 0), 8);
        pdu.wrap(bhs, 0).reset().finalBit(true).readBit(!write).writeBit(write).attributes(ScsiCommandPdu.ATTR_SIMPLE)
            .lun(0).expectedDataTransferLength(TRANSFER_LENGTH).dataSegmentLength(write ? TRANSFER_LENGTH : 0)
            .cdb(0, opcode);
        bhs.set(BIG_ENDIAN_SHORT, ScsiCommandPdu.CDB_OFFSET + CDB_TRANSFER_LENGTH,
            (short)(TRANSFER_LENGTH / BLOCK_SIZE));
        return bhs;
    }

    private void login()
    {
        loginStep(LoginRequestPdu.SECURITY_NEGOTIATION, LoginRequestPdu.LOGIN_OPERATIONAL_NEGOTIATION,
            "InitiatorName=" + INITIATOR, "TargetName=" + TARGET, "SessionType=Normal", "AuthMethod=None");
        final LoginResponsePdu last = loginStep(LoginRequestPdu.LOGIN_OPERATIONAL_NEGOTIATION,
            LoginRequestPdu.FULL_FEATURE_PHASE, "HeaderDigest=None", "DataDigest=None", "ImmediateData=Yes",
            "InitialR2T=Yes", "MaxRecvDataSegmentLength=262144");
        if (!last.transit() || last.nsg() != LoginRequestPdu.FULL_FEATURE_PHASE)
        {
            throw new IllegalStateException("the login did not reach Full Feature Phase");
        }
    }

    private LoginResponsePdu loginStep(final int csg, final int nsg, final String... keys)
    {
        final StringBuilder text = new StringBuilder();
        for (final String key : keys)
        {
            text.append(key).append('\0');
        }
        final byte[] data = text.toString().getBytes(StandardCharsets.UTF_8);
        final int padded = (data.length + 3) & ~3;
        final MemorySegment request = arena.allocate(PduHeader.LENGTH + padded, 8);
        new LoginRequestPdu().wrap(request, 0).reset().immediate(true).transit(true).csg(csg).nsg(nsg).versionMax(0)
            .versionMin(0).isid(ISID).tsih(0).initiatorTaskTag(itt).cid(0).cmdSn(cmdSn).expStatSn(expStatSn)
            .dataSegmentLength(data.length);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, request, PduHeader.LENGTH, data.length);
        socket.capture(loginResponse);
        socket.deliver(request, 0, (int)request.byteSize());
        socket.completeSend();
        socket.capture(null);
        final LoginResponsePdu response = new LoginResponsePdu().wrap(loginResponse, 0);
        if (response.status() != 0)
        {
            throw new IllegalStateException("login refused: status 0x" + Integer.toHexString(response.status()));
        }
        expStatSn = response.statSn() + 1;
        return response;
    }

    /**
     * One READ(10) of 4 KiB at {@code lba}: the command in, its Data-In with status staged and sent.
     *
     * @return the bytes the connection staged in answer (48 + 4096).
     */
    public long read(final long lba)
    {
        return run(readCommand, lba);
    }

    /**
     * One WRITE(10) of 4 KiB at {@code lba} with the data of {@link #writeData()} as immediate data: the command in,
     * its SCSI Response staged and sent.
     *
     * @return the bytes the connection staged in answer (48).
     */
    public long write(final long lba)
    {
        return run(writeCommand, lba);
    }

    private long run(final MemorySegment command, final long lba)
    {
        // The first command takes the CmdSN the (immediate) Login Requests carried (RFC 7143 4.2.2.1).
        pdu.wrap(command, 0).initiatorTaskTag(++itt).cmdSn(cmdSn++).expStatSn(expStatSn);
        command.set(BIG_ENDIAN_INT, ScsiCommandPdu.CDB_OFFSET + CDB_LBA, (int)lba);
        socket.deliver(command, 0, (int)command.byteSize());
        expStatSn++;   // one status per command: the next StatSN the target uses
        return socket.completeSend();
    }

    /** The 4 KiB every {@link #write} sends (its immediate data). */
    public MemorySegment writeData()
    {
        return writeCommand.asSlice(PduHeader.LENGTH, TRANSFER_LENGTH);
    }

    /**
     * Copies what the connection sends from now on into {@code into}, from its start (null: stops copying); for tests.
     *
     * @return the bytes copied into the previous capture segment.
     */
    public long capture(final MemorySegment into)
    {
        final long copied = socket.captured();
        socket.capture(into);
        return copied;
    }

    /** The ITT of the last command. */
    public int lastItt()
    {
        return itt;
    }

    /** The CmdSN of the last command. */
    public int lastCmdSn()
    {
        return cmdSn - 1;
    }

    /** The StatSN the last command's status should have carried. */
    public int lastStatSn()
    {
        return expStatSn - 1;
    }

    /** The LUN's blocks of {@link #BLOCK_SIZE} bytes. */
    public long blockCount()
    {
        return ram.blockCount();
    }

    /** SQEs on the loop's ring: none, ever (nothing of the path goes through the kernel). */
    public int ringSubmissions()
    {
        return ring.pendingSubmissions();
    }

    /** Whether the connection is waiting for the next PDU with nothing left to send, as after every command. */
    public boolean idle()
    {
        return socket.recvArmed() && !socket.sendPending();
    }

    @Override
    public void close()
    {
        try
        {
            connection.close(DisconnectReason.OTHER, "benchmark finished");
            socket.completeClose();
        }
        finally
        {
            context.close();
            loop.onClose();
            ring.close();
            ram.close();
            log.close();
            arena.close();
        }
    }
}
