package io.ringtarget.iscsi.connection;

import io.ringtarget.ffi.Errno;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.LoginExchange;
import io.ringtarget.iscsi.login.LoginStateMachine;
import io.ringtarget.iscsi.loop.IscsiContext;
import io.ringtarget.iscsi.loop.ConnectionTimer;
import io.ringtarget.iscsi.loop.LoopConnection;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.iscsi.session.Session;
import io.ringtarget.iscsi.session.SessionConnection;
import io.ringtarget.iscsi.session.SessionSnapshot;
import io.ringtarget.iscsi.stats.ConnectionCounters;
import io.ringtarget.iscsi.stats.DisconnectReason;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.iscsi.transport.ConnectionSocket;
import io.ringtarget.iscsi.transport.DataPlacement;
import io.ringtarget.iscsi.transport.PduHandler;
import io.ringtarget.iscsi.transport.PduReceiver;
import io.ringtarget.iscsi.transport.RejectSender;
import io.ringtarget.iscsi.transport.RingPduSender;
import io.ringtarget.iscsi.transport.RingSocket;
import io.ringtarget.iscsi.transport.SentListener;
import io.ringtarget.pdu.BasicHeaderSegment;
import io.ringtarget.pdu.ScsiCommandPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.ring.CompletionHandler;
import io.ringtarget.ring.UserData;
import io.ringtarget.scsi.ScsiTask;
import io.ringtarget.scsi.ScsiTaskListener;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One iSCSI connection on one event loop: its phase state machine (login, Full Feature Phase, logged out, closing,
 * closed — RFC 7143 sections 6 and 8), its socket's receives and sends, its timer duties and its teardown. Each
 * received PDU goes to its phase: the {@link LoginPhase}, then the {@link FullFeaturePhase}, which owns the command
 * path and dispatches by opcode. PDUs come from a {@link PduReceiver} and go out through a {@link RingPduSender}, both
 * over its {@link ConnectionSocket}; numbering lives in {@link StatSn} and the session's {@link CmdSnWindow}.
 * <p>
 * Fault boundary: an exception while handling this connection (a completion, a SCSI result, a timer tick) closes
 * this connection with the reason logged and counted, and touches nothing else. Owned by its loop's thread.
 */
public final class Connection
    implements CompletionHandler, ScsiTaskListener, PduHandler, SentListener, LoopConnection, SessionConnection
{
    static final int OP_RECV = 1;
    static final int OP_SEND = 2;
    static final int OP_CLOSE = 3;
    static final int OP_CANCEL = 4;

    private static final int STAGING_CAPACITY = 1024 * 1024;
    private static final int MIN_RECEIVE_BUFFER = 256 * 1024;
    private enum State
    {
        LOGIN, FULL_FEATURE, LOGGED_OUT, CLOSING, CLOSED
    }

    private final LoopContext context;
    private final IscsiContext server;
    private final EventLog log;
    private final ConnectionSocket socket;
    private final String localIp;
    private final int localPort;
    private final String peer;
    private final String peerIp;
    private final Arena arena = Arena.ofConfined();   // created and closed on the loop thread
    private final int ownerId;
    private final ConnectionCounters counters;

    private final PduReceiver receiver;
    private final RingPduSender sender;
    /** Held responses and the connection's one wake at a time (a held send, a receive that waits). */
    private final HeldResponses holds;
    private final StatSn statSn = new StatSn();
    private final CmdSnWindow window = new CmdSnWindow();
    private final NopKeepalive keepalive;
    private final ReceiveCoalescing coalescing;
    private final ConnectionTimeouts timeouts;
    private final FullFeaturePhase fullFeature;
    /** The login phase; null from Full Feature Phase on. */
    private LoginPhase login;
    /** This connection's place in the loop's table of timer due times ({@link LoopContext#timerDue(int, long)}). */
    private int timerSlot = -1;

    private State state = State.LOGIN;
    private Session session;
    private boolean recvInFlight;
    /** The next receive waits ({@link ReceiveCoalescing}): the loop calls {@link #onReady()} when it is due. */
    private boolean receiveWaiting;
    private boolean closeAfterSend;
    private String closeReason;
    private DisconnectReason closeKind;

    /**
     * @param peer   the initiator's address and port, for the log.
     * @param peerIp the initiator's address: its connection was admitted under it ({@link ConnectionAdmission}) and
     *               is released under it when this connection closes.
     */
    public Connection(
        final LoopContext context, final int fd, final String localIp, final int localPort, final String peer,
        final String peerIp)
    {
        this(context, new RingSocket(context.loop().ring(), fd), fd, localIp, localPort, peer, peerIp);
    }

    /**
     * A connection whose socket operations go to {@code socket}, and complete through {@link #onCompletion} with
     * the user_data they were started with: the engine's is the loop's ring, the command-path benchmark's has no
     * socket at all.
     *
     * @param fd the socket's descriptor for socket options and TCP_INFO samples; -1 for none.
     */
    public Connection(
        final LoopContext context, final ConnectionSocket socket, final int fd, final String localIp,
        final int localPort, final String peer, final String peerIp)
    {
        this.peerIp = peerIp;
        this.context = context;
        this.server = context.server();
        this.log = server.log();
        this.socket = socket;
        this.localIp = localIp;
        this.localPort = localPort;
        this.peer = peer;
        this.ownerId = context.loop().registerOwner(this);
        this.coalescing = new ReceiveCoalescing(server.receiveCoalescingNanos());
        this.counters = new ConnectionCounters(context.counters(), context.metrics().connectionOpened(fd, localIp, localPort));
        // Until the login completes the receiver takes login-sized PDUs and buffers a few pages of them: an
        // unauthenticated peer costs little memory, however many connections it opens (docs/admin-guide.md).
        this.receiver = new PduReceiver(arena, server.limits().maxRecvDataSegmentLength(), MIN_RECEIVE_BUFFER)
            .loginLimits();
        this.sender = new RingPduSender(arena, STAGING_CAPACITY, socket, UserData.pack(ownerId, OP_SEND, 0), this);
        this.holds = new HeldResponses(context, this, coalescing, statSn, sender, counters);
        final RejectSender rejects = new RejectSender(sender, statSn, window, counters);
        this.keepalive = new NopKeepalive(sender, statSn, window, server.nopInIntervalNanos(), server.nopInTimeoutNanos());
        final LogoutExchange logout = new LogoutExchange(sender, statSn, window);
        this.timeouts = new ConnectionTimeouts(logout, keepalive, counters);
        this.fullFeature = new FullFeaturePhase(context, sender, statSn, window, rejects, keepalive, logout, counters,
            this, fd, localIp, localPort, peer);
        this.login = new LoginPhase(new LoginExchange(new LoginStateMachine(server.served(), server.limits(),
            server.chap(), localIp, localPort, server.throttle(), peerIp), server.sessions(), this, sender, statSn,
            window), server, counters, peer);
        counters.count(IscsiCounter.CONNECTIONS_ACCEPTED);
    }

    /** Starts receiving; called on the loop thread once the connection is in the loop's table. */
    public void start()
    {
        keepalive.onReceive(context.loop().nowNanos());
        login.start(context.loop().nowNanos());
        rescheduleTimer();
        armRecv();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Requests from other threads, and the loop's timer

    /** Thread-safe: asks the owning loop to close this connection (session reinstatement, shutdown). */
    @Override
    public void requestClose(final String reason)
    {
        timeouts.requestClose(reason);
        context.sweepTimers();
    }

    @Override
    public void reinstatedSessionEnded()
    {
        context.sweepTimers();   // the login waiting for it is looked at in the loop's next duty cycle
    }

    @Override
    public void requestAdminLogout(final boolean now)
    {
        if (now)
        {
            timeouts.requestClose("closed by an administrator", DisconnectReason.ADMIN);
        }
        else
        {
            timeouts.requestAdminLogout();
        }
        context.sweepTimers();
    }

    /** Thread-safe: asks the initiator to log out (target shutdown), then closes the connection. */
    @Override
    public void requestLogout()
    {
        timeouts.requestLogout();
        context.sweepTimers();
    }

    /**
     * Periodic duties on the loop thread: requested closes and logouts, NOP-In pings, dead-peer detection. The loop's
     * timer calls it when the due time this connection gave it has come, or for every connection when another thread
     * asked one for something; it then works out when it is next due ({@link #nextTimerNanos}).
     */
    @Override
    public int onTimer(final long nowNanos)
    {
        final int work = timerDuties(nowNanos);
        if (timerSlot >= 0)
        {
            context.timerDue(timerSlot, nextTimerNanos(nowNanos));
        }
        return work;
    }

    @Override
    public void onAbortRequested()
    {
        if (state == State.FULL_FEATURE)
        {
            try
            {
                fullFeature.abortRequestedByOthers();
            }
            catch (final RuntimeException ex)
            {
                onFault(0, ex);
            }
        }
    }

    @Override
    public boolean abortedForAnotherNexusInBackstoreIo()
    {
        return fullFeature.abortedForAnotherNexusInBackstoreIo();
    }

    @Override
    public void timerSlot(final int slot)
    {
        timerSlot = slot;
    }

    /**
     * The earliest moment a timer duty can fall due with nothing else happening: the login's deadline or delayed
     * failure, the next NOP-In ping or its timeout, the end of a logout's grace period. What moves it earlier
     * (a PDU that ends the login, answers a ping or is refused with a delay; new ping settings) calls
     * {@link #rescheduleTimer()}; what moves it later (any PDU received) is found when it comes.
     */
    private long nextTimerNanos(final long nowNanos)
    {
        final long never = nowNanos + ConnectionTimeouts.RECHECK_NANOS;
        return switch (state)
        {
            case LOGIN -> login.dueNanos(nowNanos, never);
            // A held task management response may be waiting for other loops: their acknowledgements sweep this
            // loop's timers; each tick looks again too.
            case FULL_FEATURE -> fullFeature.holdingResponse() ? nowNanos + ConnectionTimer.PERIOD_NANOS :
                timeouts.dueNanos(nowNanos);
            default -> never;
        };
    }

    /** Something moved the next timer duty earlier: the loop's timer is told when. */
    private void rescheduleTimer()
    {
        if (timerSlot >= 0)
        {
            context.timerDue(timerSlot, nextTimerNanos(context.loop().nowNanos()));
        }
    }

    private int timerDuties(final long nowNanos)
    {
        try
        {
            if (state == State.CLOSING || state == State.CLOSED)
            {
                return 0;
            }
            if (state == State.LOGIN && loginTimers(nowNanos))
            {
                return 1;
            }
            if (state == State.FULL_FEATURE && fullFeature.holdingResponse())
            {
                afterWork();   // a response held for other sessions' aborted tasks: a loop has acknowledged
            }
            switch (timeouts.onTimer(nowNanos, state == State.FULL_FEATURE, session != null && session.discovery()))
            {
                case ConnectionTimeouts.SENT -> afterWork();
                case ConnectionTimeouts.CLOSE -> close(timeouts.closeKind(), timeouts.closeReason());
                case ConnectionTimeouts.PINGS_UNANSWERED -> log.info("connection", peer + describeSession() +
                    ": no answer to a NOP-In ping from an initiator that has answered none and never pinged (iPXE): " +
                    "the connection stays, pings stop, TCP keepalive finds a dead peer");
                default ->
                {
                    return 0;
                }
            }
            return 1;
        }
        catch (final RuntimeException ex)
        {
            onFault(0, ex);
            return 1;
        }
    }

    /** A login that outlives the login timeout is closed; a refused login's delayed failure is sent when due. */
    private boolean loginTimers(final long nowNanos)
    {
        switch (login.onTimer(nowNanos))
        {
            case LoginPhase.COMPLETE ->
            {
                enterFullFeaturePhase();
                afterWork();   // the final Login Response, queued now
            }
            case LoginPhase.FAILED -> closeAfterSend(DisconnectReason.OTHER, login.failed());
            case LoginPhase.TIMED_OUT -> close(DisconnectReason.OTHER, login.timedOut());
            default ->
            {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Completions

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
                // OP_CANCEL: the cancelled operation completes on its own user_data.
            }
        }
    }

    /**
     * The fault boundary: an exception escaped while handling this connection. It is closed, the cause logged once
     * (repeats are summarised by the log) and counted; other connections and the loop carry on.
     */
    @Override
    public boolean onFault(final long userData, final Throwable cause)
    {
        counters.count(IscsiCounter.CONNECTION_FAULTS);
        log.error("connection", peer + describeSession() + ": internal error, closing the connection", cause);
        if (state != State.CLOSING && state != State.CLOSED)
        {
            close(DisconnectReason.INTERNAL_ERROR, "internal error: " + cause);
        }
        return true;
    }

    @Override
    public void onReady()
    {
        try
        {
            if (holds.onReady() && state != State.CLOSED)
            {
                holds.send();   // the initiator's next commands did not all come in time: send what is ready
            }
            if (receiveWaiting)
            {
                receiveWaiting = false;   // coalescing: nothing was received meanwhile, receive now
                armRecv();
            }
            else if ((state == State.LOGIN || state == State.FULL_FEATURE) && !recvInFlight)
            {
                processReceived();
            }
        }
        catch (final RuntimeException ex)
        {
            onFault(0, ex);
        }
    }

    private void armRecv()
    {
        if (state == State.CLOSING || state == State.CLOSED || recvInFlight)
        {
            return;
        }
        final int room = receiver.receiveRoom();
        if (room == 0)
        {
            protocolError("receive buffer full without a complete PDU");
            return;
        }
        recvInFlight = true;
        socket.recv(receiver.receiveAddress(), room, UserData.pack(ownerId, OP_RECV, 0));
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
            if (res == 0)
            {
                close(DisconnectReason.INITIATOR_CLOSED, "initiator closed the connection");
            }
            else
            {
                close(DisconnectReason.RECV_FAILED, "receive failed: " + Errno.describe(res));
            }
            return;
        }
        keepalive.onReceive(context.loop().nowNanos());
        holds.onReceived();
        if (receiver.placing())
        {
            counters.add(IscsiCounter.WRITE_DATA_PLACED_BYTES, res);
        }
        receiver.received(res);
        processReceived();
    }

    /** Handles a bounded batch of buffered PDUs; receives more once none is left (backpressure). */
    private void processReceived()
    {
        int pdus = 0;
        if (state == State.LOGIN || state == State.FULL_FEATURE)
        {
            pdus = receiver.poll(this, PduReceiver.MAX_PDUS_PER_POLL);
        }
        afterWork();
        if (state == State.CLOSING || state == State.CLOSED)
        {
            maybeFinishClose();
            return;
        }
        if (receiver.hasWholePdu() && (state == State.LOGIN || state == State.FULL_FEATURE))
        {
            context.ready(this);   // the rest on the loop's next cycle, after the other connections
        }
        else if (state == State.FULL_FEATURE && !receiver.placing() && coalescing.defer(pdus))
        {
            receiveWaiting = true;
            counters.count(IscsiCounter.RECEIVES_COALESCED);
            holds.wakeAfter(coalescing.delayNanos());
        }
        else
        {
            armRecv();
        }
    }

    private void onSendComplete(final int res)
    {
        sender.onSent(res);
        if (res <= 0)
        {
            sender.clear();
            close(DisconnectReason.SEND_FAILED, "send failed: " + Errno.describe(res));
            maybeFinishClose();
            return;
        }
        if (closeAfterSend && sender.isEmpty())
        {
            close(closeKind, closeReason);
        }
        if (state == State.CLOSING)
        {
            sender.clear();
            maybeFinishClose();
            return;
        }
        fullFeature.resumeDataIn();
        holds.send();   // what waited goes with what the completed send left
    }

    /** A sent PDU's tag: the command whose last PDU went out frees its slot. */
    @Override
    public void onSent(final int commandIndex)
    {
        fullFeature.onSent(commandIndex);
    }

    @Override
    public void onScsiTaskComplete(final ScsiTask task)
    {
        try
        {
            if (state == State.CLOSING || state == State.CLOSED)
            {
                fullFeature.releaseTask(task);   // no response; the buffer is free once the I/O is done
                if (state == State.CLOSING)
                {
                    maybeFinishClose();
                }
                return;
            }
            switch (fullFeature.onTaskComplete(task))
            {
                // A PREEMPT AND ABORT's status waits for the aborted tasks: looked at each tick.
                case FullFeaturePhase.HELD -> rescheduleTimer();
                case FullFeaturePhase.ABORTED ->
                {
                    if (state == State.FULL_FEATURE)
                    {
                        afterWork();   // the task management response that waited for this task's I/O
                    }
                }
                default -> afterWork();
            }
        }
        catch (final RuntimeException ex)
        {
            onFault(0, ex);
        }
    }

    /** After handling input: a connection whose initiator stopped reading is closed; otherwise send what is queued. */
    private void afterWork()
    {
        if (sender.overloaded() && state != State.CLOSING && state != State.CLOSED)
        {
            counters.count(IscsiCounter.SEND_QUEUE_OVERFLOWS);
            close(DisconnectReason.SEND_QUEUE_OVERFLOW, "send queue overflow (initiator not reading)");
            return;
        }
        if (state != State.CLOSED)
        {
            if (state == State.FULL_FEATURE)
            {
                fullFeature.afterWork();
                if (holds.hold(receiveWaiting))
                {
                    return;
                }
            }
            holds.send();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // PDU dispatch

    @Override
    public boolean onPdu(final MemorySegment buffer, final long offset, final long dataOffset, final int dataLength)
    {
        counters.count(IscsiCounter.PDUS_RECEIVED);
        final int opcode = BasicHeaderSegment.opcode(buffer, offset);
        if (state == State.LOGIN)
        {
            if (login.failureDeferred())
            {
                return false;   // refused, the failure goes out after the delay; anything sent meanwhile is ignored
            }
            if (opcode != Opcode.LOGIN_REQUEST)
            {
                // RFC 7143 section 6.3: only Login Requests until the login completes.
                protocolError("opcode " + Opcode.name(opcode) + " before login completed");
                return false;
            }
            onLoginRequest(buffer, offset, dataOffset, dataLength);
            return state == State.LOGIN || state == State.FULL_FEATURE;
        }
        if (opcode == Opcode.SCSI_COMMAND)
        {
            onCommandHeader(buffer, offset);
        }
        switch (fullFeature.onPdu(opcode, buffer, offset, dataOffset, dataLength))
        {
            case FullFeaturePhase.RESCHEDULE_TIMER -> rescheduleTimer();
            case FullFeaturePhase.LOGGED_OUT -> closeAfterSend(DisconnectReason.LOGOUT, "logout");
            case FullFeaturePhase.COLD_RESET -> closeAfterSend(DisconnectReason.TARGET_RESET, "TARGET COLD RESET");
            default ->
            {
                // CONTINUE
            }
        }
        releaseHeld();   // a request that filled a CmdSN gap has run: the commands after it run now
        return state == State.FULL_FEATURE;
    }

    /**
     * What every SCSI Command PDU tells the loop, its data received through the buffer or placed: how far behind the
     * initiator is (receive coalescing), and until the loop next sleeps, whether it waits for each response, which
     * keeps the loop polling, or streams large transfers or is far behind, which pace the loop better than polling
     * would.
     */
    private void onCommandHeader(final MemorySegment buffer, final long offset)
    {
        coalescing.onCommand(statSn.current(),
            BasicHeaderSegment.intField(buffer, offset, ScsiCommandPdu.EXP_STAT_SN_OFFSET));
        if (coalescing.keepsPolling())
        {
            context.loop().keepPolling();
        }
        else if (coalescing.holdsPolling(Integer.toUnsignedLong(
            BasicHeaderSegment.intField(buffer, offset, ScsiCommandPdu.EXPECTED_DATA_TRANSFER_LENGTH_OFFSET))))
        {
            context.loop().holdPolling();
        }
    }

    /** Runs the commands held for a CmdSN gap that is now filled; not once the connection is logging out or closing. */
    private void releaseHeld()
    {
        if (state == State.FULL_FEATURE)
        {
            fullFeature.releaseHeld();
        }
    }

    /**
     * A PDU whose data digest does not match: a Reject, and in Full Feature Phase what {@link DataPdus} does with
     * its header (RFC 7143 7.8).
     */
    @Override
    public boolean onDataDigestError(final MemorySegment buffer, final long offset)
    {
        fullFeature.rejectDataDigest(buffer, offset);
        if (state != State.FULL_FEATURE)
        {
            return false;
        }
        fullFeature.onDataDigestError(buffer, offset);
        releaseHeld();
        return state == State.FULL_FEATURE;
    }

    @Override
    public boolean placeData(
        final MemorySegment buffer, final long offset, final long dataOffset, final int have, final int dataLength,
        final DataPlacement into)
    {
        return state == State.FULL_FEATURE && fullFeature.place(buffer, offset, dataOffset, have, dataLength, into);
    }

    @Override
    public boolean onPlacedPdu(final MemorySegment buffer, final long offset, final int dataLength, final boolean digestOk)
    {
        if (BasicHeaderSegment.opcode(buffer, offset) == Opcode.SCSI_COMMAND)
        {
            onCommandHeader(buffer, offset);   // a command whose immediate data went straight to its buffer
        }
        if (fullFeature.onPlaced(buffer, offset, dataLength, digestOk))
        {
            releaseHeld();
        }
        return state == State.FULL_FEATURE;
    }

    @Override
    public void onStreamError(final String reason, final boolean headerDigest)
    {
        if (headerDigest)
        {
            // The length fields cannot be trusted: ERL 0 drops the connection (RFC 7143 section 7.8).
            counters.count(IscsiCounter.HEADER_DIGEST_ERRORS);
            close(DisconnectReason.DIGEST_ERROR, reason);
            return;
        }
        protocolError(reason);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Login and logout

    private void onLoginRequest(final MemorySegment buffer, final long offset, final long dataOffset, final int dataLength)
    {
        switch (login.onLoginRequest(buffer, offset, dataOffset, dataLength, context.loop().nowNanos()))
        {
            case LoginPhase.COMPLETE -> enterFullFeaturePhase();
            case LoginPhase.FAILED -> closeAfterSend(DisconnectReason.OTHER, login.failed());
            case LoginPhase.DEFERRED -> rescheduleTimer();   // the delayed failure is due sooner than the timeout
            case LoginPhase.WAITING ->
            {
                session = login.exchange().session();   // registered: a close now ends it
                rescheduleTimer();
            }
            default ->
            {
                // CONTINUE: the response is queued.
            }
        }
    }

    private void enterFullFeaturePhase()
    {
        final LoginExchange exchange = login.exchange();
        session = exchange.session();
        fullFeature.enter(exchange, receiver);
        state = State.FULL_FEATURE;
        rescheduleTimer();   // pings from now on, not the login's deadline
        login.succeeded(localIp, localPort);
        login = null;
        // The login found its TPG in the registry of that moment; a live change published since then has not seen
        // this session (its loop rebinds only sessions in Full Feature Phase).
        onTargetsChanged(server.targets());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Live configuration changes

    @Override
    public boolean onTargetsChanged(final TargetRegistry registry)
    {
        if (state != State.FULL_FEATURE)
        {
            return false;   // logging in: the login reads the registry itself; logged out or closing: ends anyway
        }
        switch (fullFeature.onTargetsChanged(registry))
        {
            case FullFeaturePhase.REBOUND ->
            {
                rescheduleTimer();   // the TPG's new version may ping sooner
                return false;
            }
            case FullFeaturePhase.ENDED ->
            {
                close(DisconnectReason.CONFIG_CHANGE, "configuration changed: " + fullFeature.endedBecause());
                return true;
            }
            default ->
            {
                return false;
            }
        }
    }

    @Override
    public void receiveCoalescingNanos(final long nanos)
    {
        coalescing.delayNanos(nanos);
    }

    @Override
    public SessionSnapshot snapshot()
    {
        return state == State.FULL_FEATURE ? fullFeature.snapshot() : null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Teardown

    private void protocolError(final String reason)
    {
        counters.count(IscsiCounter.PROTOCOL_ERRORS);
        close(DisconnectReason.PROTOCOL_ERROR, "protocol error: " + reason);
    }

    /** Nothing more is processed; the connection closes once what is queued has been sent. */
    private void closeAfterSend(final DisconnectReason kind, final String reason)
    {
        if (state == State.LOGIN || state == State.FULL_FEATURE)
        {
            state = State.LOGGED_OUT;
        }
        closeAfterSend = true;
        closeReason = reason;
        closeKind = kind;
        sender.flush();
    }

    /**
     * Begins closing: stops receiving, aborts tasks; the fd closes once no I/O of ours is in flight.
     *
     * @param kind   the reason as the disconnect counter's label.
     * @param reason the reason for the log.
     */
    public void close(final DisconnectReason kind, final String reason)
    {
        if (state == State.CLOSING || state == State.CLOSED)
        {
            return;
        }
        state = State.CLOSING;
        counters.count(IscsiCounter.CONNECTIONS_CLOSED);
        counters.metrics().closed(kind);
        log.info("connection", peer + describeSession() + " closing: " + reason + " [" + counters.summary() + "]");
        if (session != null)
        {
            server.sessions().end(session);
        }
        fullFeature.abortEverything();
        if (!sender.inFlight())
        {
            sender.clear();
        }
        if (recvInFlight)
        {
            cancel(OP_RECV);
        }
        if (sender.inFlight())
        {
            cancel(OP_SEND);   // a peer that stopped reading would hold the SENDMSG (and so the fd) forever
        }
        maybeFinishClose();
    }

    private void cancel(final int op)
    {
        socket.cancel(UserData.pack(ownerId, op, 0), UserData.pack(ownerId, OP_CANCEL, 0));
    }

    private String describeSession()
    {
        return session != null ? " (" + session + ")" : "";
    }

    private void maybeFinishClose()
    {
        if (state != State.CLOSING || recvInFlight || sender.inFlight() || fullFeature.anyExecuting())
        {
            return;   // backstore I/O or a socket operation still owns memory of ours
        }
        sender.clear();
        fullFeature.releaseAll();
        if (session != null)
        {
            server.sessions().ioEnded(session);   // a login reinstating this session may go on
        }
        state = State.CLOSED;
        socket.close(UserData.pack(ownerId, OP_CLOSE, 0));
    }

    private void onClosed()
    {
        context.loop().unregisterOwner(ownerId);
        context.removeConnection(this);
        server.admission().release(peerIp);
        arena.close();
    }
}
