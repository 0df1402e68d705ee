package io.ringtarget.iscsi.connection;

import io.ringtarget.pdu.AsyncMessagePdu;
import io.ringtarget.pdu.BasicHeaderSegment;
import io.ringtarget.pdu.Crc32cDigest;
import io.ringtarget.pdu.DataInPdu;
import io.ringtarget.pdu.DataOutPdu;
import io.ringtarget.pdu.LoginRequestPdu;
import io.ringtarget.pdu.LoginResponsePdu;
import io.ringtarget.pdu.LogoutRequestPdu;
import io.ringtarget.pdu.LogoutResponsePdu;
import io.ringtarget.pdu.NopInPdu;
import io.ringtarget.pdu.NopOutPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduFramer;
import io.ringtarget.pdu.R2tPdu;
import io.ringtarget.pdu.RejectPdu;
import io.ringtarget.pdu.ScsiCommandPdu;
import io.ringtarget.pdu.ScsiResponsePdu;
import io.ringtarget.pdu.SerialNumber;
import io.ringtarget.pdu.TaskManagementRequestPdu;
import io.ringtarget.pdu.TaskManagementResponsePdu;
import io.ringtarget.pdu.TextRequestPdu;
import io.ringtarget.pdu.TextResponsePdu;
import io.ringtarget.ring.BufferPool;
import io.ringtarget.ring.CompletionHandler;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.UserData;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.ReportLuns;
import io.ringtarget.scsi.ScsiStatus;
import io.ringtarget.scsi.ScsiTask;
import io.ringtarget.scsi.ScsiTaskListener;
import io.ringtarget.scsi.TransportCommands;
import io.ringtarget.iscsi.text.SendTargets;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.loop.IscsiContext;
import io.ringtarget.iscsi.login.LoginHandler;
import io.ringtarget.iscsi.loop.LoopConnection;
import io.ringtarget.iscsi.session.Session;
import io.ringtarget.iscsi.session.SessionConnection;

import io.ringtarget.iscsi.login.LoginStatus;
import io.ringtarget.iscsi.login.SessionParameters;
import io.ringtarget.iscsi.login.TextKeys;
import org.agrona.collections.Int2IntHashMap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One iSCSI connection on one event loop: receives into an off-heap buffer, frames PDUs in place, handles login
 * and then the Full Feature Phase (SCSI commands with immediate, unsolicited and solicited data, Data-In, NOP,
 * text, task management, logout), and sends its PDUs through a {@link SendQueue}. Owned by its loop's thread.
 */
public final class Connection
    implements CompletionHandler, ScsiTaskListener, SendQueue.SlotReleaser, LoopConnection, SessionConnection
{
    static final int OP_RECV = 1;
    static final int OP_SEND = 2;
    static final int OP_CLOSE = 3;
    static final int OP_CANCEL = 4;

    /** Commands a connection accepts at once: the CmdSN window (MaxCmdSN - ExpCmdSN + 1 when idle). */
    public static final int QUEUE_DEPTH = 128;
    private static final int STAGING_CAPACITY = 1024 * 1024;
    private static final int MAX_DEDICATED_TRANSFER = 16 * 1024 * 1024;
    private static final int MAX_TEXT = 64 * 1024;
    private static final int NO_TAG = 0xffffffff;
    private static final int IMMEDIATE_RESERVE = 4;
    private static final int LOGOUT_GRACE_SECONDS = 2;

    private enum State
    {
        LOGIN, FULL_FEATURE, LOGGED_OUT, CLOSING, CLOSED
    }

    private final LoopContext context;
    private final IscsiContext server;
    private final Ring ring;
    private final int fd;
    private final String localIp;
    private final int localPort;
    private final String peer;
    private final Arena arena = Arena.ofConfined();   // created and closed on the loop thread
    private final int ownerId;

    private final MemorySegment recv;
    private final long recvAddress;
    private final int recvCapacity;
    private long readPos;
    private long writePos;
    private boolean recvInFlight;

    private final PduFramer framer = new PduFramer();
    private final Crc32cDigest recvDigest;
    private final Crc32cDigest stagingDigest;
    private final SendQueue sendQueue;

    private final BasicHeaderSegment bhs = new BasicHeaderSegment();
    private final ScsiCommandPdu scsiCommand = new ScsiCommandPdu();
    private final DataOutPdu dataOut = new DataOutPdu();
    private final NopOutPdu nopOut = new NopOutPdu();
    private final LoginRequestPdu loginRequest = new LoginRequestPdu();
    private final TextRequestPdu textRequest = new TextRequestPdu();
    private final LogoutRequestPdu logoutRequest = new LogoutRequestPdu();
    private final TaskManagementRequestPdu tmfRequest = new TaskManagementRequestPdu();
    private final DataInPdu dataIn = new DataInPdu();
    private final ScsiResponsePdu scsiResponse = new ScsiResponsePdu();
    private final R2tPdu r2t = new R2tPdu();
    private final NopInPdu nopIn = new NopInPdu();
    private final LoginResponsePdu loginResponse = new LoginResponsePdu();
    private final TextResponsePdu textResponse = new TextResponsePdu();
    private final LogoutResponsePdu logoutResponse = new LogoutResponsePdu();
    private final TaskManagementResponsePdu tmfResponse = new TaskManagementResponsePdu();
    private final RejectPdu reject = new RejectPdu();
    private final AsyncMessagePdu asyncMessage = new AsyncMessagePdu();

    private final CommandSlot[] slots = new CommandSlot[QUEUE_DEPTH];
    private final int[] freeSlots = new int[QUEUE_DEPTH];
    private int freeSlotCount;
    private final Int2IntHashMap slotByItt = new Int2IntHashMap(QUEUE_DEPTH * 2, 0.5f, -1);

    private State state = State.LOGIN;
    private LoginHandler login;
    private final LoginHandler.LoginResult loginResult = new LoginHandler.LoginResult();
    private final byte[] textBuffer = new byte[MAX_TEXT];
    private int textLength;
    private byte[] pendingTextResponse;
    private int pendingTextOffset;
    private int textResponseTtt = 1;
    private SessionParameters params;
    private Session session;
    private PortalGroup portalGroup;
    private boolean headerDigest;
    private boolean dataDigest;

    private int statSn;
    private int expCmdSn;
    private boolean loginStarted;
    private long isid;
    private int loginTsih;
    private int loginCid;

    private long lastReceiveNanos;
    private int nopInTtt = NO_TAG;
    private long nopInSentNanos;
    private int nextNopTtt = 1;
    private boolean closeAfterSend;
    private String closeReason;
    private volatile boolean closeRequested;
    private volatile boolean logoutRequested;
    private long logoutDeadlineNanos;
    private volatile String closeRequestReason;

    // Counters, reported in the log line when the connection closes.
    long pdusReceived;
    long commands;
    long protocolErrors;
    long digestErrors;
    long dedicatedBuffers;

    public Connection(
        final LoopContext context, final int fd, final String localIp, final int localPort, final String peer)
    {
        this.context = context;
        this.server = context.server();
        this.ring = context.loop().ring();
        this.fd = fd;
        this.localIp = localIp;
        this.localPort = localPort;
        this.peer = peer;
        final int maxPdu = 48 + 1024 + 8 + server.limits().maxRecvDataSegmentLength() + 4;
        this.recvCapacity = Math.max(2 * maxPdu, 256 * 1024);
        this.recv = arena.allocate(recvCapacity, 4096);
        this.recvAddress = recv.address();
        this.recvDigest = new Crc32cDigest().wrap(recv);
        this.sendQueue = new SendQueue(arena, STAGING_CAPACITY);
        this.stagingDigest = new Crc32cDigest().wrap(sendQueue.staging());
        for (int i = 0; i < QUEUE_DEPTH; i++)
        {
            slots[i] = new CommandSlot(i);
            freeSlots[i] = QUEUE_DEPTH - 1 - i;
        }
        freeSlotCount = QUEUE_DEPTH;
        this.ownerId = context.loop().registerOwner(this);
        this.login = new LoginHandler(
            server.targets(), server.discoveryAuth(), server.limits(), server.chap(), localIp, localPort);
        framer.maxRecvDataSegmentLength(server.limits().maxRecvDataSegmentLength());
    }

    /** Starts receiving; called on the loop thread once the connection is in the loop's table. */
    public void start()
    {
        lastReceiveNanos = context.loop().nowNanos();
        armRecv();
    }

    public String peer()
    {
        return peer;
    }

    public Session session()
    {
        return session;
    }

    public boolean closed()
    {
        return state == State.CLOSED;
    }

    /** Thread-safe: asks the owning loop to close this connection (session reinstatement, shutdown). */
    @Override
    public void requestClose(final String reason)
    {
        closeRequestReason = reason;
        closeRequested = true;
    }

    /**
     * Thread-safe: asks the initiator to log out (target shutdown). A connection in Full Feature Phase gets an
     * Async Message "target requests logout" (RFC 7143 11.9.1, AsyncEvent 1) and {@code seconds} to do it;
     * afterwards, or at once for one still logging in, the connection is closed.
     */
    @Override
    public void requestLogout()
    {
        logoutRequested = true;
    }

    /** Periodic duties on the loop thread: requested closes, NOP-In pings, dead-peer detection. */
    @Override
    public int onTimer(final long nowNanos)
    {
        if (logoutRequested && state != State.CLOSING && state != State.CLOSED)
        {
            if (state != State.FULL_FEATURE || session.discovery())
            {
                close("target shutting down");
                return 1;
            }
            if (logoutDeadlineNanos == 0)
            {
                logoutDeadlineNanos = nowNanos + LOGOUT_GRACE_SECONDS * 1_000_000_000L;
                sendLogoutRequest();
                return 1;
            }
            if (nowNanos - logoutDeadlineNanos > 0)
            {
                close("target shutting down (initiator did not log out in " + LOGOUT_GRACE_SECONDS + " s)");
                return 1;
            }
        }
        if (closeRequested && state != State.CLOSING && state != State.CLOSED)
        {
            close(closeRequestReason);
            return 1;
        }
        if (state != State.FULL_FEATURE || server.nopInIntervalNanos() <= 0)
        {
            return 0;
        }
        if (nopInTtt != NO_TAG)
        {
            if (nowNanos - nopInSentNanos > server.nopInTimeoutNanos())
            {
                close("no NOP-Out answer to our NOP-In ping within the timeout");
                return 1;
            }
            return 0;
        }
        if (nowNanos - lastReceiveNanos > server.nopInIntervalNanos())
        {
            sendNopInPing(nowNanos);
            return 1;
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Completions
    // ---------------------------------------------------------------------------------------------------------

    @Override
    public void onCompletion(final long userData, final int res, final int flags)
    {
        switch (UserData.op(userData))
        {
            case OP_RECV -> onReceived(res);
            case OP_SEND -> onSendComplete(res);
            case OP_CLOSE -> onClosed();
            default ->
            {
            }
        }
    }

    private void armRecv()
    {
        if (state == State.CLOSING || state == State.CLOSED || recvInFlight)
        {
            return;
        }
        if (writePos == recvCapacity)
        {
            protocolError("receive buffer full without a complete PDU");
            return;
        }
        recvInFlight = true;
        ring.prepRecv(fd, recvAddress + writePos, (int)(recvCapacity - writePos), 0, UserData.pack(ownerId, OP_RECV, 0));
    }

    private void onReceived(final int res)
    {
        recvInFlight = false;
        if (state == State.CLOSING || state == State.CLOSED)
        {
            maybeFinishClose();
            return;
        }
        if (res <= 0)
        {
            close(res == 0 ? "initiator closed the connection" : "receive failed: errno " + -res);
            return;
        }
        lastReceiveNanos = context.loop().nowNanos();
        writePos += res;
        processFrames();
        if (state == State.CLOSING || state == State.CLOSED)
        {
            maybeFinishClose();
            return;
        }
        armRecv();
        flush();
    }

    private void processFrames()
    {
        while (writePos > readPos && (state == State.LOGIN || state == State.FULL_FEATURE))
        {
            final long length = framer.frame(recv, readPos, writePos - readPos);
            if (length == 0)
            {
                break;
            }
            if (length < 0)
            {
                protocolError("malformed PDU: " + PduFramer.errorName(length));
                return;
            }
            onPdu(readPos, (int)length);
            readPos += length;
        }
        if (readPos == writePos)
        {
            readPos = 0;
            writePos = 0;
        }
        else if (readPos > 0 && writePos > recvCapacity / 2)
        {
            // Move the partial PDU to the front so the next receive has room (rare: needs a PDU split at the end).
            MemorySegment.copy(recv, readPos, recv, 0, writePos - readPos);
            writePos -= readPos;
            readPos = 0;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // PDU dispatch
    // ---------------------------------------------------------------------------------------------------------

    private void onPdu(final long offset, final int length)
    {
        pdusReceived++;
        bhs.wrap(recv, offset);
        final int opcode = bhs.opcode();
        final long dataOffset = offset + framer.dataOffset();
        final int dataLength = framer.dataLength();

        if (headerDigest && !recvDigest.verify(offset, framer.headerDigestOffset(), offset + framer.headerDigestOffset()))
        {
            // The length fields cannot be trusted: ERL 0 drops the connection (RFC 7143 section 7.8).
            digestErrors++;
            close("header digest error");
            return;
        }
        if (dataDigest && dataLength > 0 &&
            !recvDigest.verify(dataOffset, (dataLength + 3) & ~3, offset + framer.dataDigestOffset()))
        {
            digestErrors++;
            sendReject(RejectPdu.DATA_DIGEST_ERROR, offset);
            return;
        }

        if (state == State.LOGIN)
        {
            if (opcode != Opcode.LOGIN_REQUEST)
            {
                // RFC 7143 section 6.3: only Login Requests until the login completes.
                protocolError("opcode " + Opcode.name(opcode) + " before login completed");
                return;
            }
            onLoginRequest(offset, dataOffset, dataLength);
            return;
        }

        switch (opcode)
        {
            case Opcode.SCSI_COMMAND -> onScsiCommand(offset, dataOffset, dataLength);
            case Opcode.SCSI_DATA_OUT -> onDataOut(offset, dataOffset, dataLength);
            case Opcode.NOP_OUT -> onNopOut(offset, dataOffset, dataLength);
            case Opcode.TEXT_REQUEST -> onTextRequest(offset, dataOffset, dataLength);
            case Opcode.TASK_MANAGEMENT_REQUEST -> onTaskManagement(offset);
            case Opcode.LOGOUT_REQUEST -> onLogout(offset);
            case Opcode.SNACK_REQUEST -> sendReject(RejectPdu.SNACK_REJECT, offset);   // ERL 0
            case Opcode.LOGIN_REQUEST -> sendReject(RejectPdu.PROTOCOL_ERROR, offset);
            default -> sendReject(RejectPdu.COMMAND_NOT_SUPPORTED, offset);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Login
    // ---------------------------------------------------------------------------------------------------------

    private void onLoginRequest(final long offset, final long dataOffset, final int dataLength)
    {
        loginRequest.wrap(recv, offset);
        if (textLength + dataLength > MAX_TEXT)
        {
            loginFail(LoginStatus.OUT_OF_RESOURCES, "login text longer than " + MAX_TEXT + " bytes");
            return;
        }
        if (login == null)
        {
            protocolError("login request after login");
            return;
        }
        if (!loginStarted)
        {
            loginStarted = true;
            isid = loginRequest.isid();
            loginTsih = loginRequest.tsih();
            loginCid = loginRequest.cid();
            statSn = loginRequest.expStatSn();
            expCmdSn = loginRequest.cmdSn();
        }
        MemorySegment.copy(recv, ValueLayout.JAVA_BYTE, dataOffset, textBuffer, textLength, dataLength);
        textLength += dataLength;
        final int itt = loginRequest.initiatorTaskTag();
        final int csg = loginRequest.csg();
        if (loginRequest.continueBit())
        {
            // RFC 7143 section 11.12.2: answer each continued request with an empty response, same stage.
            sendLoginResponse(itt, false, csg, csg, LoginStatus.SUCCESS, null);
            return;
        }
        if (loginTsih != 0)
        {
            // Adding a connection to an existing session: we negotiate MaxConnections=1.
            loginFail(server.sessions().find(loginTsih) == null ? LoginStatus.SESSION_DOES_NOT_EXIST :
                LoginStatus.TOO_MANY_CONNECTIONS, "TSIH " + loginTsih + " in a leading login");
            return;
        }
        login.onLoginRequest(loginRequest.transit(), csg, loginRequest.nsg(),
            loginRequest.versionMax(), loginRequest.versionMin(), textBuffer, textLength, loginResult);
        textLength = 0;
        if (loginResult.failed())
        {
            loginFail(loginResult.status, loginResult.reason);
            return;
        }
        final byte[] text = TextKeys.encode(loginResult.keys);
        if (loginResult.complete)
        {
            params = login.parameters();
            portalGroup = login.portalGroup();
            session = server.sessions().create(params.initiatorName, isid, params.targetName, params.discovery,
                portalGroup, this);
            sendLoginResponse(itt, true, csg, LoginRequestPdu.FULL_FEATURE_PHASE, LoginStatus.SUCCESS, text);
            state = State.FULL_FEATURE;
            login = null;
            // Digests apply from the first PDU after the final Login Response (RFC 7143 section 13.1).
            headerDigest = params.headerDigest;
            dataDigest = params.dataDigest;
            framer.headerDigest(headerDigest).dataDigest(dataDigest)
                .maxRecvDataSegmentLength(params.maxRecvDataSegmentLength);
            server.log("login: " + session + " from " + peer + " on " + localIp + ":" + localPort + " [" + params + "]");
        }
        else
        {
            sendLoginResponse(itt, loginResult.transit, csg, loginResult.nsg, LoginStatus.SUCCESS, text);
        }
    }

    private void loginFail(final int status, final String reason)
    {
        server.log("login refused (" + LoginStatus.describe(status) + "): " + reason + " from " + peer);
        sendLoginResponse(loginRequest.initiatorTaskTag(), false, loginRequest.csg(), loginRequest.nsg(), status, null);
        closeAfterSend("login failed: " + reason);
    }

    private void sendLoginResponse(
        final int itt, final boolean transit, final int csg, final int nsg, final int status, final byte[] text)
    {
        final int dataLength = text == null ? 0 : text.length;
        final long h = stageHeader(dataLength);
        if (h < 0)
        {
            return;
        }
        loginResponse.wrap(sendQueue.staging(), h).reset(Opcode.LOGIN_RESPONSE)
            .transit(transit).csg(csg).nsg(transit ? nsg : 0)
            .versionMax(0).versionActive(0)
            .isid(isid).tsih(status == LoginStatus.SUCCESS && session != null && transit &&
                nsg == LoginRequestPdu.FULL_FEATURE_PHASE ? session.tsih() : 0)
            .initiatorTaskTag(itt)
            .statSn(statSn)
            .expCmdSn(expCmdSn).maxCmdSn(maxCmdSn())
            .status(status)
            .dataSegmentLength(dataLength);
        statSn++;
        enqueueStaged(h, text, dataLength, -1);
    }

    // ---------------------------------------------------------------------------------------------------------
    // SCSI commands and data
    // ---------------------------------------------------------------------------------------------------------

    private void onScsiCommand(final long offset, final long dataOffset, final int dataLength)
    {
        scsiCommand.wrap(recv, offset);
        commands++;
        final int cmdSn = scsiCommand.cmdSn();
        final boolean immediate = scsiCommand.immediate();
        if (!acceptCmdSn(cmdSn, immediate))
        {
            return;
        }
        if (session.discovery())
        {
            sendReject(RejectPdu.PROTOCOL_ERROR, offset);   // no SCSI in discovery sessions (RFC 7143 4.3)
            return;
        }
        final int itt = scsiCommand.initiatorTaskTag();
        if (freeSlotCount == 0)
        {
            // An immediate command beyond the window: RFC 7143 11.17.1 "immediate command reject".
            sendReject(RejectPdu.IMMEDIATE_COMMAND_REJECT, offset);
            return;
        }
        if (slotByItt.get(itt) != -1)
        {
            sendReject(RejectPdu.TASK_IN_PROGRESS, offset);
            return;
        }
        final int edtl = scsiCommand.expectedDataTransferLength();
        final boolean write = scsiCommand.writeBit();
        final boolean read = scsiCommand.readBit();
        final CommandSlot slot = allocateSlot();
        slot.itt = itt;
        slot.cmdSn = cmdSn;
        slot.lun = scsiCommand.lun();
        slot.read = read;
        slot.write = write;
        slot.expectedDataTransferLength = edtl;
        slotByItt.put(itt, slot.index);
        final ScsiTask task = slot.task;
        task.reset().lun(slot.lun).cdb(recv, offset + ScsiCommandPdu.CDB_OFFSET, ScsiCommandPdu.CDB_LENGTH)
            .expectedDataTransferLength(edtl).dataIn(read).dataOut(write)
            .nexus(session.nexus()).listener(this).userTag(slot.index);

        if (scsiCommand.totalAhsLength() > 0 || !attachBuffer(slot, edtl))
        {
            // An extended CDB, or more data than we can buffer: INVALID FIELD IN CDB (data it sends is dropped).
            TransportCommands.invalidFieldInCdb(task);
            return;
        }
        task.dataBuffer(slot.buffer);
        if (write && edtl > 0)
        {
            if (dataLength > 0)
            {
                if (!params.immediateData || dataLength > params.firstBurstLength || dataLength > edtl)
                {
                    sendReject(RejectPdu.PROTOCOL_ERROR, offset);
                    releaseSlot(slot.index);
                    return;
                }
                MemorySegment.copy(recv, dataOffset, slot.buffer, 0, dataLength);
                slot.received = dataLength;
                slot.expectedOffset = dataLength;
            }
            // Unsolicited data: immediate plus Data-Out up to FirstBurstLength when InitialR2T=No (RFC 7143 10.7).
            final int firstBurst = Math.min(params.firstBurstLength, edtl);
            slot.unsolicitedExpected = params.initialR2T ? slot.received : firstBurst;
            slot.nextR2tOffset = slot.unsolicitedExpected;
            slot.state = CommandSlot.WAIT_DATA_OUT;
            if (slot.received >= edtl)
            {
                execute(slot);
            }
            else
            {
                sendR2Ts(slot);
            }
            return;
        }
        execute(slot);
    }

    private boolean acceptCmdSn(final int cmdSn, final boolean immediate)
    {
        if (immediate)
        {
            return true;
        }
        // RFC 7143 section 4.2.2.1: non-immediate commands outside [ExpCmdSN, MaxCmdSN] are silently ignored.
        if (cmdSn != expCmdSn)
        {
            protocolErrors++;
            return false;
        }
        expCmdSn++;
        return true;
    }

    /**
     * MaxCmdSN (RFC 7143 section 4.2.2.1): the window is the free command slots, less a few kept for immediate
     * commands; MaxCmdSN = ExpCmdSN - 1 closes it.
     */
    private int maxCmdSn()
    {
        return expCmdSn + Math.max(freeSlotCount - IMMEDIATE_RESERVE, 0) - 1;
    }

    private CommandSlot allocateSlot()
    {
        final CommandSlot slot = slots[freeSlots[--freeSlotCount]];
        slot.clearTransferState();
        slot.state = CommandSlot.EXECUTING;
        return slot;
    }

    private boolean attachBuffer(final CommandSlot slot, final int edtl)
    {
        BufferPool pool = edtl <= LoopContext.SMALL_BUFFER_SIZE ? context.smallPool() :
            edtl <= LoopContext.LARGE_BUFFER_SIZE ? context.largePool() : null;
        if (pool != null)
        {
            int index = pool.acquire();
            if (index < 0 && pool == context.smallPool())
            {
                pool = context.largePool();
                index = pool.acquire();
            }
            if (index >= 0)
            {
                slot.pool = pool;
                slot.poolIndex = index;
                slot.buffer = pool.segment(index);
                slot.task.fixedBuffer(context.fixedIndex(pool, index), slot.buffer.address(), pool.bufferSize());
                return true;
            }
        }
        if (edtl > MAX_DEDICATED_TRANSFER)
        {
            return false;
        }
        // Pools exhausted or a very large transfer: a dedicated buffer for this command (slow path, counted).
        dedicatedBuffers++;
        slot.dedicatedArena = Arena.ofConfined();
        slot.buffer = slot.dedicatedArena.allocate(Math.max(edtl, 4096), 4096);
        slot.pool = null;
        slot.poolIndex = -1;
        return true;
    }

    private void sendR2Ts(final CommandSlot slot)
    {
        final int edtl = slot.expectedDataTransferLength;
        while (slot.outstandingR2Ts < params.maxOutstandingR2T && slot.nextR2tOffset < edtl)
        {
            final int length = Math.min(params.maxBurstLength, edtl - slot.nextR2tOffset);
            final long h = stageHeader(0);
            if (h < 0)
            {
                return;
            }
            r2t.wrap(sendQueue.staging(), h).reset(Opcode.R2T).finalBit(true)
                .lun(slot.lun).initiatorTaskTag(slot.itt).targetTransferTag(slot.index)
                .statSn(statSn).expCmdSn(expCmdSn).maxCmdSn(maxCmdSn())
                .r2tSn(slot.r2tSn++).bufferOffset(slot.nextR2tOffset).desiredDataTransferLength(length);
            enqueueStaged(h, null, 0, -1);
            slot.nextR2tOffset += length;
            slot.outstandingR2Ts++;
        }
    }

    private void onDataOut(final long offset, final long dataOffset, final int dataLength)
    {
        dataOut.wrap(recv, offset);
        final int ttt = dataOut.targetTransferTag();
        final int slotIndex = ttt == NO_TAG ? slotByItt.get(dataOut.initiatorTaskTag()) : ttt;
        if (slotIndex < 0 || slotIndex >= QUEUE_DEPTH)
        {
            // Data for a task that already ended (answered, aborted, or failed its data phase): dropped.
            protocolErrors++;
            return;
        }
        final CommandSlot slot = slots[slotIndex];
        if (slot.state != CommandSlot.WAIT_DATA_OUT || slot.itt != dataOut.initiatorTaskTag())
        {
            // Data for a task that was aborted or finished: ignore quietly (RFC 7143 section 11.7.4 allows it).
            protocolErrors++;
            return;
        }
        final int bufferOffset = dataOut.bufferOffset();
        if (bufferOffset < 0 || (long)bufferOffset + dataLength > slot.expectedDataTransferLength)
        {
            protocolErrors++;
            sendReject(RejectPdu.PROTOCOL_ERROR, offset);
            return;
        }
        if (ttt == NO_TAG && (long)bufferOffset + dataLength > slot.unsolicitedExpected)
        {
            // Unsolicited data beyond FirstBurstLength (RFC 7143 section 13.14).
            protocolErrors++;
            sendReject(RejectPdu.PROTOCOL_ERROR, offset);
            return;
        }
        if (dataOut.dataSn() != slot.expectedDataSn || bufferOffset != slot.expectedOffset)
        {
            // DataPDUInOrder=Yes and DataSequenceInOrder=Yes: each sequence numbers its PDUs from 0 and the
            // offsets follow each other (RFC 7143 sections 11.7.5, 13.19). ERL 0 cannot recover the sequence:
            // the command ends in CHECK CONDITION and its remaining Data-Out PDUs are dropped.
            protocolErrors++;
            slot.state = CommandSlot.EXECUTING;
            TransportCommands.dataPhaseError(slot.task);
            return;
        }
        slot.expectedDataSn = dataOut.finalBit() ? 0 : slot.expectedDataSn + 1;
        slot.expectedOffset += dataLength;
        MemorySegment.copy(recv, dataOffset, slot.buffer, bufferOffset, dataLength);
        slot.received += dataLength;
        if (ttt != NO_TAG && dataOut.finalBit())
        {
            slot.outstandingR2Ts--;
        }
        if (slot.received >= slot.expectedDataTransferLength)
        {
            execute(slot);
        }
        else if (ttt != NO_TAG && dataOut.finalBit())
        {
            sendR2Ts(slot);
        }
    }

    private void execute(final CommandSlot slot)
    {
        slot.state = CommandSlot.EXECUTING;
        final ScsiTask task = slot.task;
        final int lun = ReportLuns.decodeLun(slot.lun);
        final int opcode = task.opcode();
        if (opcode == ReportLuns.OPCODE)
        {
            // REPORT LUNS is addressed to the target, whichever LUN it names (SPC-4 6.33).
            ReportLuns.execute(task, portalGroup.lunNumbers(), portalGroup.lunNumbers().length);
            return;
        }
        final LunMapping mapping = portalGroup.lun(lun);
        if (mapping == null)
        {
            TransportCommands.unsupportedLun(task);
            return;
        }
        task.device(context.device(mapping.backstore()));
        mapping.logicalUnit().execute(task);
    }

    @Override
    public void onScsiTaskComplete(final ScsiTask task)
    {
        final CommandSlot slot = slots[(int)task.userTag()];
        if (slot.aborted || state == State.CLOSING || state == State.CLOSED)
        {
            // Aborted tasks get no response (RFC 7143 section 11.5.1); the buffer is free once the I/O is done.
            releaseSlot(slot.index);
            if (state == State.CLOSING)
            {
                maybeFinishClose();
            }
            return;
        }
        slot.state = CommandSlot.SENDING;
        final int status = task.status();
        final int dataInLength = status == ScsiStatus.GOOD || status == ScsiStatus.CONDITION_MET ?
            task.dataInLength() : 0;
        if (slot.read && dataInLength > 0)
        {
            sendDataIn(slot, task, dataInLength, status);
        }
        else
        {
            sendScsiResponse(slot, task, status);
        }
        flush();
    }

    private void sendDataIn(final CommandSlot slot, final ScsiTask task, final int length, final int status)
    {
        final int max = params.maxXmitDataSegmentLength;
        final long base = slot.buffer.address();
        final Crc32cDigest digest = dataDigest ? slotDigest(slot) : null;
        int offset = 0;
        while (offset < length)
        {
            final int chunk = Math.min(max, length - offset);
            final boolean last = offset + chunk >= length;
            final long h = stageHeader(0);
            if (h < 0)
            {
                return;
            }
            dataIn.wrap(sendQueue.staging(), h).reset(Opcode.SCSI_DATA_IN)
                .finalBit(last).lun(slot.lun).initiatorTaskTag(slot.itt).targetTransferTag(NO_TAG)
                .expCmdSn(expCmdSn).maxCmdSn(maxCmdSn())
                .dataSn(slot.dataSn++).bufferOffset(offset).dataSegmentLength(chunk);
            if (last)
            {
                // Phase collapse (RFC 7143 section 11.7.3): status in the final Data-In of a good read.
                dataIn.statusBit(true).status(status).statSn(statSn++)
                    .residualOverflow(task.residualOverflow()).residualUnderflow(task.residualUnderflow())
                    .residualCount(task.residualCount());
            }
            enqueueData(h, digest, base + offset, offset, chunk, last ? slot.index : -1);
            offset += chunk;
        }
    }

    private Crc32cDigest slotDigest(final CommandSlot slot)
    {
        if (slot.pool != null)
        {
            return context.digest(slot.pool, slot.poolIndex);
        }
        return new Crc32cDigest().wrap(slot.buffer);   // dedicated buffer: slow path already
    }

    private void sendScsiResponse(final CommandSlot slot, final ScsiTask task, final int status)
    {
        final int senseLength = status == ScsiStatus.CHECK_CONDITION ? task.senseLength() : 0;
        final int dataLength = senseLength > 0 ? senseLength + 2 : 0;
        final long h = stageHeader(dataLength);
        if (h < 0)
        {
            return;
        }
        scsiResponse.wrap(sendQueue.staging(), h).reset(Opcode.SCSI_RESPONSE).finalBit(true)
            .initiatorTaskTag(slot.itt).response(0).status(status)
            .statSn(statSn++).expCmdSn(expCmdSn).maxCmdSn(maxCmdSn()).expDataSn(slot.dataSn)
            .residualOverflow(task.residualOverflow()).residualUnderflow(task.residualUnderflow())
            .residualCount(task.residualCount())
            .dataSegmentLength(dataLength);
        if (dataLength > 0)
        {
            // Sense data segment: SenseLength (2 bytes) then the sense bytes (RFC 7143 section 11.4.7.2).
            final MemorySegment staging = sendQueue.staging();
            final long d = h + 48 + (headerDigest ? 4 : 0);
            staging.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), d, (short)senseLength);
            MemorySegment.copy(task.senseData(), 0, staging, d + 2, senseLength);
        }
        enqueueStagedInline(h, dataLength, slot.index);
    }

    @Override
    public void releaseSlot(final int index)
    {
        final CommandSlot slot = slots[index];
        if (slot.state == CommandSlot.FREE)
        {
            return;
        }
        if (slotByItt.get(slot.itt) == index)
        {
            slotByItt.remove(slot.itt);
        }
        if (slot.pool != null)
        {
            slot.pool.release(slot.poolIndex);
            slot.pool = null;
            slot.poolIndex = -1;
        }
        if (slot.dedicatedArena != null)
        {
            slot.dedicatedArena.close();
            slot.dedicatedArena = null;
        }
        slot.buffer = null;
        slot.state = CommandSlot.FREE;
        freeSlots[freeSlotCount++] = index;
    }

    // ---------------------------------------------------------------------------------------------------------
    // NOP, text, task management, logout, reject
    // ---------------------------------------------------------------------------------------------------------

    private void onNopOut(final long offset, final long dataOffset, final int dataLength)
    {
        nopOut.wrap(recv, offset);
        final int itt = nopOut.initiatorTaskTag();
        final int ttt = nopOut.targetTransferTag();
        if (!nopOut.immediate() && itt != NO_TAG)
        {
            if (!acceptCmdSn(nopOut.cmdSn(), false))
            {
                return;
            }
        }
        if (ttt != NO_TAG && ttt == nopInTtt)
        {
            nopInTtt = NO_TAG;   // the answer to our ping
        }
        if (itt == NO_TAG)
        {
            return;   // a ping answer or unsolicited NOP-Out: no response (RFC 7143 section 11.18)
        }
        final long h = stageHeader(dataLength);
        if (h < 0)
        {
            return;
        }
        nopIn.wrap(sendQueue.staging(), h).reset(Opcode.NOP_IN).finalBit(true)
            .lun(nopOut.lun()).initiatorTaskTag(itt).targetTransferTag(NO_TAG)
            .statSn(statSn++).expCmdSn(expCmdSn).maxCmdSn(maxCmdSn())
            .dataSegmentLength(dataLength);
        if (dataLength > 0)
        {
            // Ping data is echoed back (RFC 7143 section 11.19.2).
            MemorySegment.copy(recv, dataOffset, sendQueue.staging(), h + 48 + (headerDigest ? 4 : 0), dataLength);
        }
        enqueueStagedInline(h, dataLength, -1);
    }

    private void sendLogoutRequest()
    {
        final long h = stageHeader(0);
        if (h < 0)
        {
            return;
        }
        // AsyncEvent 1: Parameter3 is the seconds the initiator has to log out before we drop it (RFC 7143 11.9.1).
        asyncMessage.wrap(sendQueue.staging(), h).reset(Opcode.ASYNC_MESSAGE).finalBit(true)
            .initiatorTaskTag(NO_TAG).statSn(statSn++).expCmdSn(expCmdSn).maxCmdSn(maxCmdSn())
            .asyncEvent(AsyncMessagePdu.LOGOUT_REQUEST).parameter3(LOGOUT_GRACE_SECONDS);
        enqueueStaged(h, null, 0, -1);
        flush();
    }

    private void sendNopInPing(final long nowNanos)
    {
        final long h = stageHeader(0);
        if (h < 0)
        {
            return;
        }
        nopInTtt = nextNopTtt++;
        if (nextNopTtt == NO_TAG)
        {
            nextNopTtt = 1;
        }
        nopInSentNanos = nowNanos;
        // A ping asking for an answer: ITT reserved, TTT ours; StatSN not advanced (RFC 7143 section 11.19.1).
        nopIn.wrap(sendQueue.staging(), h).reset(Opcode.NOP_IN).finalBit(true)
            .initiatorTaskTag(NO_TAG).targetTransferTag(nopInTtt)
            .statSn(statSn).expCmdSn(expCmdSn).maxCmdSn(maxCmdSn());
        enqueueStaged(h, null, 0, -1);
        flush();
    }

    private void onTextRequest(final long offset, final long dataOffset, final int dataLength)
    {
        textRequest.wrap(recv, offset);
        final int itt = textRequest.initiatorTaskTag();
        if (!textRequest.immediate() && !acceptCmdSn(textRequest.cmdSn(), false))
        {
            return;
        }
        final int ttt = textRequest.targetTransferTag();
        if (ttt != NO_TAG && pendingTextResponse != null && ttt == textResponseTtt)
        {
            sendTextChunk(itt);   // the initiator asks for the rest of a long response
            return;
        }
        if (textLength + dataLength > MAX_TEXT)
        {
            textLength = 0;
            sendReject(RejectPdu.PROTOCOL_ERROR, offset);
            return;
        }
        MemorySegment.copy(recv, ValueLayout.JAVA_BYTE, dataOffset, textBuffer, textLength, dataLength);
        textLength += dataLength;
        if (textRequest.continueBit())
        {
            // More request text follows: answer with an empty, non-final response carrying a Target Transfer
            // Tag, which the initiator's next Text Request echoes (RFC 7143 sections 11.10.2 and 11.11.1).
            final long h = stageHeader(0);
            if (h < 0)
            {
                return;
            }
            textResponse.wrap(sendQueue.staging(), h).reset(Opcode.TEXT_RESPONSE)
                .finalBit(false).continueBit(false).initiatorTaskTag(itt).targetTransferTag(++textResponseTtt)
                .statSn(statSn++).expCmdSn(expCmdSn).maxCmdSn(maxCmdSn());
            enqueueStagedInline(h, 0, -1);
            return;
        }
        final List<String[]> keys = TextKeys.parse(textBuffer, textLength);
        textLength = 0;
        final List<String[]> answer = new ArrayList<>();
        if (keys == null)
        {
            sendReject(RejectPdu.PROTOCOL_ERROR, offset);
            return;
        }
        for (final String[] kv : keys)
        {
            if ("SendTargets".equals(kv[0]))
            {
                SendTargets.answer(server.targets(), session, kv[1], localIp, localPort, answer);
            }
            else
            {
                // Renegotiation in Full Feature Phase is not offered (README limitation).
                answer.add(new String[]{kv[0], "Reject"});
            }
        }
        pendingTextResponse = TextKeys.encode(answer);
        pendingTextOffset = 0;
        sendTextChunk(itt);
    }

    private void sendTextChunk(final int itt)
    {
        final byte[] text = pendingTextResponse;
        final int chunk = Math.min(params.maxXmitDataSegmentLength, text.length - pendingTextOffset);
        final boolean more = pendingTextOffset + chunk < text.length;
        final long h = stageHeader(chunk);
        if (h < 0)
        {
            return;
        }
        textResponse.wrap(sendQueue.staging(), h).reset(Opcode.TEXT_RESPONSE)
            .finalBit(!more).continueBit(more).initiatorTaskTag(itt)
            .targetTransferTag(more ? ++textResponseTtt : NO_TAG)
            .statSn(statSn++).expCmdSn(expCmdSn).maxCmdSn(maxCmdSn())
            .dataSegmentLength(chunk);
        MemorySegment.copy(text, pendingTextOffset, sendQueue.staging(), ValueLayout.JAVA_BYTE,
            h + 48 + (headerDigest ? 4 : 0), chunk);
        pendingTextOffset += chunk;
        if (!more)
        {
            pendingTextResponse = null;
        }
        enqueueStagedInline(h, chunk, -1);
    }

    private void onTaskManagement(final long offset)
    {
        tmfRequest.wrap(recv, offset);
        final int function = tmfRequest.function();
        final int itt = tmfRequest.initiatorTaskTag();
        if (!tmfRequest.immediate() && !acceptCmdSn(tmfRequest.cmdSn(), false))
        {
            return;
        }
        int response = TaskManagementResponsePdu.FUNCTION_COMPLETE;
        switch (function)
        {
            case TaskManagementRequestPdu.ABORT_TASK ->
            {
                final int index = slotByItt.get(tmfRequest.referencedTaskTag());
                if (index >= 0 && slots[index].state != CommandSlot.SENDING)
                {
                    abortSlot(slots[index]);
                }
                else if (index >= 0 || !SerialNumber.inWindow(tmfRequest.refCmdSn(), expCmdSn, maxCmdSn()))
                {
                    // RFC 7143 section 11.5.1: a task already answered, or a RefCmdSN outside the CmdSN window,
                    // does not exist; a RefCmdSN inside the window is a command not yet received: complete.
                    response = TaskManagementResponsePdu.TASK_DOES_NOT_EXIST;
                }
            }
            case TaskManagementRequestPdu.ABORT_TASK_SET, TaskManagementRequestPdu.CLEAR_TASK_SET ->
                abortAll(tmfRequest.lun(), false);
            case TaskManagementRequestPdu.LOGICAL_UNIT_RESET ->
            {
                abortAll(tmfRequest.lun(), false);
                final LunMapping m = portalGroup == null ? null : portalGroup.lun(ReportLuns.decodeLun(tmfRequest.lun()));
                if (m == null)
                {
                    response = TaskManagementResponsePdu.LUN_DOES_NOT_EXIST;
                }
                else
                {
                    m.logicalUnit().resetLun(session.nexus());
                }
            }
            case TaskManagementRequestPdu.TARGET_WARM_RESET, TaskManagementRequestPdu.TARGET_COLD_RESET ->
            {
                abortAll(0, true);
                if (portalGroup != null)
                {
                    for (final long l : portalGroup.lunNumbers())
                    {
                        portalGroup.lun((int)l).logicalUnit().resetLun(session.nexus());
                    }
                }
            }
            case TaskManagementRequestPdu.CLEAR_ACA -> response = TaskManagementResponsePdu.TASK_MANAGEMENT_FUNCTION_NOT_SUPPORTED;
            case TaskManagementRequestPdu.TASK_REASSIGN -> response = TaskManagementResponsePdu.TASK_ALLEGIANCE_REASSIGNMENT_NOT_SUPPORTED;
            default -> response = TaskManagementResponsePdu.FUNCTION_REJECTED;
        }
        final long h = stageHeader(0);
        if (h < 0)
        {
            return;
        }
        tmfResponse.wrap(sendQueue.staging(), h).reset(Opcode.TASK_MANAGEMENT_RESPONSE).finalBit(true)
            .response(response).initiatorTaskTag(itt)
            .statSn(statSn++).expCmdSn(expCmdSn).maxCmdSn(maxCmdSn());
        enqueueStaged(h, null, 0, -1);
        if (function == TaskManagementRequestPdu.TARGET_COLD_RESET)
        {
            // A cold reset ends the connection after the response (RFC 7143 section 11.5.1).
            closeAfterSend("TARGET COLD RESET");
        }
    }

    private void abortSlot(final CommandSlot slot)
    {
        if (slot.state == CommandSlot.FREE)
        {
            return;
        }
        slot.aborted = true;
        slot.task.abort();
        if (slot.state == CommandSlot.WAIT_DATA_OUT)
        {
            releaseSlot(slot.index);   // no I/O in flight: free now
        }
        // EXECUTING: freed by onScsiTaskComplete; SENDING: freed when its last PDU is sent.
    }

    private void abortAll(final long lun, final boolean allLuns)
    {
        for (final CommandSlot slot : slots)
        {
            if (slot.state != CommandSlot.FREE && slot.state != CommandSlot.SENDING && (allLuns || slot.lun == lun))
            {
                abortSlot(slot);
            }
        }
    }

    private void onLogout(final long offset)
    {
        logoutRequest.wrap(recv, offset);
        final int itt = logoutRequest.initiatorTaskTag();
        if (!logoutRequest.immediate() && !acceptCmdSn(logoutRequest.cmdSn(), false))
        {
            return;
        }
        final int reason = logoutRequest.reasonCode();
        // ERL 0: connection recovery is not supported (RFC 7143 section 11.15.1 response 2).
        final int response = reason == LogoutRequestPdu.REMOVE_CONNECTION_FOR_RECOVERY ?
            LogoutResponsePdu.CONNECTION_RECOVERY_NOT_SUPPORTED : LogoutResponsePdu.CONNECTION_OR_SESSION_CLOSED_SUCCESSFULLY;
        final long h = stageHeader(0);
        if (h < 0)
        {
            return;
        }
        logoutResponse.wrap(sendQueue.staging(), h).reset(Opcode.LOGOUT_RESPONSE).finalBit(true)
            .response(response).initiatorTaskTag(itt)
            .statSn(statSn++).expCmdSn(expCmdSn).maxCmdSn(maxCmdSn())
            .time2Wait(0).time2Retain(0);
        enqueueStaged(h, null, 0, -1);
        if (response == LogoutResponsePdu.CONNECTION_OR_SESSION_CLOSED_SUCCESSFULLY)
        {
            state = State.LOGGED_OUT;
            closeAfterSend("logout");
        }
    }

    private void sendReject(final int reason, final long rejectedOffset)
    {
        protocolErrors++;
        final long h = stageHeader(48);
        if (h < 0)
        {
            return;
        }
        reject.wrap(sendQueue.staging(), h).reset(Opcode.REJECT).finalBit(true)
            .reason(reason).initiatorTaskTag(NO_TAG)
            .statSn(statSn++).expCmdSn(expCmdSn).maxCmdSn(maxCmdSn()).dataSegmentLength(48);
        // The rejected PDU's header goes back in the data segment (RFC 7143 section 11.17).
        MemorySegment.copy(recv, rejectedOffset, sendQueue.staging(), h + 48 + (headerDigest ? 4 : 0), 48);
        enqueueStagedInline(h, 48, -1);
    }

    private void protocolError(final String reason)
    {
        protocolErrors++;
        close("protocol error: " + reason);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Sending
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Stages a header with room for {@code inlineData} bytes of data segment right after it (text, sense, NOP
     * echo) plus padding and digests. Returns the header's offset in the staging ring, or -1 (connection
     * overloaded and closed).
     */
    private long stageHeader(final int inlineData)
    {
        final int length = 48 + 4 + inlineData + 3 + 4 + 4;
        final long h = sendQueue.stage(length);
        if (h < 0 || !sendQueue.hasRoom())
        {
            close("send queue overflow (initiator not reading)");
            return -1;
        }
        return h;
    }

    private void enqueueStaged(final long h, final byte[] data, final int dataLength, final int slot)
    {
        if (dataLength > 0)
        {
            MemorySegment.copy(data, 0, sendQueue.staging(), ValueLayout.JAVA_BYTE, h + 48 + (headerDigest ? 4 : 0), dataLength);
        }
        enqueueStagedInline(h, dataLength, slot);
    }

    /** Header + inline data + padding + digests, all contiguous in the staging ring: one iovec. */
    private void enqueueStagedInline(final long h, final int dataLength, final int slot)
    {
        final MemorySegment staging = sendQueue.staging();
        int length = 48;
        if (headerDigest)
        {
            Crc32cDigest.write(staging, h + 48, stagingDigest.compute(h, 48));
            length += 4;
        }
        if (dataLength > 0)
        {
            final int padded = (dataLength + 3) & ~3;
            for (long k = h + length + dataLength, end = h + length + padded; k < end; k++)
            {
                staging.set(ValueLayout.JAVA_BYTE, k, (byte)0);
            }
            if (dataDigest)
            {
                Crc32cDigest.write(staging, h + length + padded, stagingDigest.compute(h + length, padded));
                length += 4;
            }
            length += padded;
        }
        sendQueue.enqueue(sendQueue.stagingAddress(h), length, 0, 0, 0, 0, slot);
    }

    /** Header staged, data segment straight from a command buffer (zero copy), padding/digest staged. */
    private void enqueueData(
        final long h, final Crc32cDigest digest, final long dataAddress, final long dataOffsetInBuffer,
        final int dataLength, final int slot)
    {
        final MemorySegment staging = sendQueue.staging();
        int headerLength = 48;
        if (headerDigest)
        {
            Crc32cDigest.write(staging, h + 48, stagingDigest.compute(h, 48));
            headerLength += 4;
        }
        final int pad = ((dataLength + 3) & ~3) - dataLength;
        final long trailer = h + headerLength;
        int trailerLength = pad;
        if (pad > 0)
        {
            staging.set(ValueLayout.JAVA_INT_UNALIGNED, trailer, 0);
        }
        if (dataDigest)
        {
            final int crc = digest.begin().update(dataOffsetInBuffer, dataLength).updatePadding(pad).finish();
            Crc32cDigest.write(staging, trailer + pad, crc);
            trailerLength += 4;
        }
        sendQueue.enqueue(sendQueue.stagingAddress(h), headerLength, dataAddress, dataLength,
            sendQueue.stagingAddress(trailer), trailerLength, slot);
    }

    /** Starts a SENDMSG for everything queued if none is in flight. */
    private void flush()
    {
        if (sendQueue.inFlight() || sendQueue.isEmpty() || state == State.CLOSED)
        {
            return;
        }
        if (sendQueue.prepareSend() > 0)
        {
            ring.prepSendmsg(fd, sendQueue.msghdrAddress(), MSG_NOSIGNAL, UserData.pack(ownerId, OP_SEND, 0));
        }
    }

    private static final int MSG_NOSIGNAL = 0x4000;

    private void onSendComplete(final int res)
    {
        if (res <= 0)
        {
            sendQueue.clear(this);
            close("send failed: errno " + -res);
            maybeFinishClose();
            return;
        }
        sendQueue.onSent(res, this);
        if (closeAfterSend && sendQueue.isEmpty())
        {
            close(closeReason);
        }
        if (state == State.CLOSING)
        {
            sendQueue.clear(this);
            maybeFinishClose();
            return;
        }
        flush();
    }

    private void closeAfterSend(final String reason)
    {
        if (state == State.LOGIN || state == State.FULL_FEATURE)
        {
            state = State.LOGGED_OUT;   // nothing more is processed; the fd closes once the queue is sent
        }
        closeAfterSend = true;
        closeReason = reason;
        flush();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Teardown
    // ---------------------------------------------------------------------------------------------------------

    /** Begins closing: stops receiving, aborts tasks; the fd closes once no I/O of ours is in flight. */
    public void close(final String reason)
    {
        if (state == State.CLOSING || state == State.CLOSED)
        {
            return;
        }
        state = State.CLOSING;
        server.log("connection " + peer + (session != null ? " (" + session + ")" : "") + " closing: " + reason +
            " [PDUs " + pdusReceived + ", commands " + commands + ", protocol errors " + protocolErrors +
            ", digest errors " + digestErrors + ", unpooled buffers " + dedicatedBuffers + "]");
        if (session != null)
        {
            server.sessions().remove(session);
            if (portalGroup != null)
            {
                // I_T nexus loss: reservations held through this session end with it (SPC-2 5.5.1).
                for (final long lun : portalGroup.lunNumbers())
                {
                    portalGroup.lun((int)lun).logicalUnit().nexusLost(session.nexus());
                }
            }
        }
        for (final CommandSlot slot : slots)
        {
            if (slot.state != CommandSlot.FREE)
            {
                slot.aborted = true;
                slot.task.abort();
                if (slot.state == CommandSlot.WAIT_DATA_OUT)
                {
                    releaseSlot(slot.index);   // no I/O owns its buffer
                }
            }
        }
        if (!sendQueue.inFlight())
        {
            sendQueue.clear(this);
        }
        if (recvInFlight)
        {
            ring.prepCancel(UserData.pack(ownerId, OP_RECV, 0), 0, UserData.pack(ownerId, OP_CANCEL, 0));
        }
        if (sendQueue.inFlight())
        {
            // A peer that stopped reading would hold the SENDMSG (and so the fd) forever.
            ring.prepCancel(UserData.pack(ownerId, OP_SEND, 0), 0, UserData.pack(ownerId, OP_CANCEL, 0));
        }
        maybeFinishClose();
    }

    private void maybeFinishClose()
    {
        if (state != State.CLOSING || recvInFlight || sendQueue.inFlight())
        {
            return;
        }
        for (final CommandSlot slot : slots)
        {
            if (slot.state == CommandSlot.EXECUTING)
            {
                return;   // backstore I/O still owns a buffer of ours
            }
        }
        sendQueue.clear(this);
        for (final CommandSlot slot : slots)
        {
            if (slot.state != CommandSlot.FREE)
            {
                releaseSlot(slot.index);
            }
        }
        state = State.CLOSED;
        ring.prepClose(fd, UserData.pack(ownerId, OP_CLOSE, 0));
    }

    private void onClosed()
    {
        context.loop().unregisterOwner(ownerId);
        context.removeConnection(this);
        arena.close();
    }
}
