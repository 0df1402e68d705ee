package io.ringtarget.iscsi.connection;

import io.ringtarget.ffi.Errno;
import io.ringtarget.iscsi.command.Command;
import io.ringtarget.iscsi.command.CommandExecutor;
import io.ringtarget.iscsi.command.CommandOrder;
import io.ringtarget.iscsi.command.CommandStarter;
import io.ringtarget.iscsi.command.CommandTable;
import io.ringtarget.iscsi.command.ResponseSender;
import io.ringtarget.iscsi.command.TaskManagement;
import io.ringtarget.iscsi.command.WriteDataPhase;
import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.login.LoginExchange;
import io.ringtarget.iscsi.login.SessionParameters;
import io.ringtarget.iscsi.loop.IscsiContext;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.iscsi.session.Session;
import io.ringtarget.iscsi.session.SessionSnapshot;
import io.ringtarget.iscsi.stats.ConnectionCounters;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.iscsi.text.TextExchange;
import io.ringtarget.iscsi.transport.DataPlacement;
import io.ringtarget.iscsi.transport.PduReceiver;
import io.ringtarget.iscsi.transport.RejectSender;
import io.ringtarget.iscsi.transport.RingPduSender;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.RejectPdu;
import io.ringtarget.scsi.ScsiStatus;
import io.ringtarget.scsi.ScsiTask;
import io.ringtarget.scsi.ScsiTaskListener;

import java.lang.foreign.MemorySegment;

/**
 * A connection's Full Feature Phase (RFC 7143 section 6): the command path it owns (the {@link CommandTable}, the
 * {@link CommandOrder} by CmdSN, {@link DataPdus}, R2T and Data-In, {@link TaskManagement}), the dispatch of each
 * request PDU by opcode, the negotiated parameters applied when the phase begins, and a live configuration change's
 * rebinding of the session to its TPG. The {@link Connection} owns the socket, the phases and the teardown, and acts
 * on what this returns: a timer duty due sooner, or closing once the answer is sent. Loop thread only.
 */
final class FullFeaturePhase
{
    /** {@link #onPdu}: handled, nothing for the connection to do. */
    static final int CONTINUE = 0;
    /** {@link #onPdu}: a timer duty is due sooner (an answered ping; a task management response held). */
    static final int RESCHEDULE_TIMER = 1;
    /** {@link #onPdu}: the Logout Response is queued: close once it is sent. */
    static final int LOGGED_OUT = 2;
    /** {@link #onPdu}: a TARGET COLD RESET's response is queued: close once it is sent (RFC 7143 11.5.1). */
    static final int COLD_RESET = 3;

    /** {@link #onTaskComplete}: its response is queued. */
    static final int RESPONDED = 0;
    /** {@link #onTaskComplete}: aborted, no response (RFC 7143 section 11.5.1); its slot is free. */
    static final int ABORTED = 1;
    /** {@link #onTaskComplete}: a PREEMPT AND ABORT's status waits for the tasks it aborted. */
    static final int HELD = 2;

    /** {@link #onTargetsChanged}: the session keeps its TPG. */
    static final int KEPT = 0;
    /** {@link #onTargetsChanged}: the session serves through the TPG's new version; its NOP-In times may differ. */
    static final int REBOUND = 1;
    /** {@link #onTargetsChanged}: the session can no longer be served: close, for {@link #endedBecause()}. */
    static final int ENDED = 2;

    private final LoopContext context;
    private final IscsiContext server;
    private final EventLog log;
    private final int fd;
    private final String localIp;
    private final int localPort;
    private final String peer;
    private final ConnectionCounters counters;
    private final StatSn statSn;
    private final CmdSnWindow window;
    private final RingPduSender sender;
    private final RejectSender rejects;
    private final NopKeepalive keepalive;
    private final LogoutExchange logout;
    private final CommandTable commands;
    private final CommandExecutor executor;
    private final WriteDataPhase writes;
    private final ResponseSender responses;
    private final CommandStarter starter;
    private final CommandOrder order;
    private final DataPdus data;
    private final TaskManagement taskManagement;
    private final TextExchange text;
    private final SessionRebinding rebinding = new SessionRebinding();

    private Session session;
    private SessionParameters parameters;
    /** How the login authenticated ("None", "CHAP SHA256, mutual"), for {@code sessions -v}. */
    private String authentication;
    private long loginEpochMillis;
    private long readBytes;
    private long writtenBytes;

    /**
     * @param listener who hears of each SCSI task's completion: the connection, which owns the phases.
     * @param fd       the socket's descriptor, for its TCP keepalive; -1 for none.
     */
    FullFeaturePhase(
        final LoopContext context, final RingPduSender sender, final StatSn statSn, final CmdSnWindow window,
        final RejectSender rejects, final NopKeepalive keepalive, final LogoutExchange logout,
        final ConnectionCounters counters, final ScsiTaskListener listener, final int fd, final String localIp,
        final int localPort, final String peer)
    {
        this.context = context;
        this.server = context.server();
        this.log = server.log();
        this.fd = fd;
        this.localIp = localIp;
        this.localPort = localPort;
        this.peer = peer;
        this.counters = counters;
        this.statSn = statSn;
        this.window = window;
        this.sender = sender;
        this.rejects = rejects;
        this.keepalive = keepalive;
        this.logout = logout;
        this.commands = new CommandTable(context.buffers(), window);
        this.executor = new CommandExecutor(context);
        this.writes = new WriteDataPhase(sender, statSn, window, commands);
        this.responses = new ResponseSender(sender, statSn, window, context.buffers());
        this.order = new CommandOrder(commands, window, executor, counters, log);
        this.starter = new CommandStarter(commands, context.buffers(), writes, executor, order, rejects, listener,
            counters);
        this.data = new DataPdus(order, starter, writes, commands, rejects, counters, context.buffers());
        this.taskManagement = new TaskManagement(sender, statSn, window, commands, executor, responses, counters, log,
            context.abortAcknowledgements());
        this.text = new TextExchange(sender, statSn, window, rejects, server.served());
    }

    /**
     * The login completed: its negotiated parameters apply from the first PDU after the final Login Response (digests
     * included, RFC 7143 section 13.1), its TPG's NOP-In times from now on.
     */
    void enter(final LoginExchange exchange, final PduReceiver receiver)
    {
        session = exchange.session();
        final SessionParameters params = exchange.parameters();
        parameters = params;
        authentication = exchange.authentication();
        loginEpochMillis = System.currentTimeMillis();
        final PortalGroup portalGroup = exchange.portalGroup();
        receiver.digests(params.headerDigest, params.dataDigest)
            .maxRecvDataSegmentLength(params.maxRecvDataSegmentLength);
        sender.digests(params.headerDigest, params.dataDigest);
        writes.parameters(params.immediateData, params.initialR2T, params.firstBurstLength, params.maxBurstLength,
            params.maxOutstandingR2T);
        responses.parameters(params.maxXmitDataSegmentLength, params.maxBurstLength, params.dataDigest);
        starter.lendable(!params.dataDigest);
        data.bind(session.discovery());
        executor.bind(portalGroup, session.initiatorName(), session.nexus());
        text.bind(session, localIp, localPort, params.maxXmitDataSegmentLength);
        taskManagement.bind(peer + " (" + session + ")");
        order.bind(peer + " (" + session + ")");
        if (portalGroup != null && !session.discovery())
        {
            nopIn(portalGroup);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // PDU dispatch

    /**
     * A request PDU received in Full Feature Phase (a Login Request too: Reject, RFC 7143 6.3). The connection then
     * {@link #releaseHeld()}s, unless it is no longer in Full Feature Phase (a command that completed here may have
     * closed it: its initiator stopped reading).
     *
     * @return {@link #CONTINUE}, {@link #RESCHEDULE_TIMER}, {@link #LOGGED_OUT} or {@link #COLD_RESET}.
     */
    int onPdu(
        final int opcode, final MemorySegment buffer, final long offset, final long dataOffset, final int dataLength)
    {
        int action = CONTINUE;
        switch (opcode)
        {
            case Opcode.SCSI_COMMAND -> data.onScsiCommand(buffer, offset, dataOffset, dataLength, true);
            case Opcode.SCSI_DATA_OUT -> data.onDataOut(buffer, offset, dataOffset, dataLength);
            case Opcode.NOP_OUT ->
            {
                if (order.accept(buffer, offset, NopKeepalive.takesCmdSn(buffer, offset)))
                {
                    keepalive.onNopOut(buffer, offset, dataOffset, dataLength);
                    action = RESCHEDULE_TIMER;   // an answer to our ping: the next one is due sooner than its timeout
                }
            }
            case Opcode.TEXT_REQUEST ->
            {
                if (order.accept(buffer, offset))
                {
                    final int declared = text.onTextRequest(buffer, offset, dataOffset, dataLength);
                    if (declared != 0)
                    {
                        // MaxRecvDataSegmentLength declared anew (RFC 7143 13.12): our PDUs from now on.
                        parameters.maxXmitDataSegmentLength = declared;
                        responses.parameters(declared, parameters.maxBurstLength, parameters.dataDigest);
                    }
                }
            }
            case Opcode.TASK_MANAGEMENT_REQUEST -> action = onTaskManagementRequest(buffer, offset);
            case Opcode.LOGOUT_REQUEST ->
            {
                if (order.accept(buffer, offset) && logout.onLogoutRequest(buffer, offset))
                {
                    counters.count(IscsiCounter.LOGOUTS);
                    action = LOGGED_OUT;
                }
            }
            case Opcode.SNACK_REQUEST -> rejects.reject(RejectPdu.SNACK_REJECT, buffer, offset);   // ERL 0
            case Opcode.LOGIN_REQUEST -> rejects.reject(RejectPdu.PROTOCOL_ERROR, buffer, offset);
            default -> rejects.reject(RejectPdu.COMMAND_NOT_SUPPORTED, buffer, offset);
        }
        return action;
    }

    private int onTaskManagementRequest(final MemorySegment buffer, final long offset)
    {
        final boolean coldReset = order.accept(buffer, offset) && taskManagement.onRequest(buffer, offset);
        if (coldReset)
        {
            // RFC 7143 11.5.1: the target closes its connections to all initiators (this one after its answer).
            final int others = server.sessions().closeAllOf(session.targetName(), session,
                "TARGET COLD RESET by " + session);
            log.warn("task-management", peer + " (" + session + "): TARGET COLD RESET: closing this connection and " +
                others + " other session(s) of the target");
            return COLD_RESET;
        }
        // A held response's fence is looked at on every tick from now on.
        return taskManagement.holding() ? RESCHEDULE_TIMER : CONTINUE;
    }

    /** A PDU whose data digest does not match: the Reject, in any phase (RFC 7143 7.8). */
    void rejectDataDigest(final MemorySegment buffer, final long offset)
    {
        data.rejectDataDigest(buffer, offset);
    }

    /** ... and in Full Feature Phase what {@link DataPdus} does with its header. */
    void onDataDigestError(final MemorySegment buffer, final long offset)
    {
        data.onDataDigestError(buffer, offset);
    }

    /** Runs the commands held for a CmdSN gap that a request just filled. */
    void releaseHeld()
    {
        order.releaseHeld();
    }

    /** See {@link DataPdus#place}. */
    boolean place(
        final MemorySegment buffer, final long offset, final long dataOffset, final int have, final int dataLength,
        final DataPlacement into)
    {
        return data.place(buffer, offset, dataOffset, have, dataLength, into);
    }

    /**
     * A PDU whose data segment was placed into its command's buffer.
     *
     * @return true when it filled a CmdSN gap: {@link #releaseHeld()}.
     */
    boolean onPlaced(final MemorySegment buffer, final long offset, final int dataLength, final boolean digestOk)
    {
        return data.onPlaced(buffer, offset, dataLength, digestOk);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Tasks and responses

    /**
     * A SCSI task of this connection completed while the connection is not closing.
     *
     * @return {@link #RESPONDED}, {@link #ABORTED} or {@link #HELD}.
     */
    int onTaskComplete(final ScsiTask task)
    {
        final Command c = commands.get((int)task.userTag());
        if (c.aborted())
        {
            commands.release(c.index());   // the buffer is free once the I/O is done
            return ABORTED;
        }
        if (task.status() == ScsiStatus.GOOD)
        {
            if (task.dataIn())
            {
                readBytes += task.dataInLength();
            }
            else
            {
                writtenBytes += c.received();
            }
        }
        if (taskManagement.holdStatus(c))
        {
            return HELD;
        }
        responses.send(c);
        return RESPONDED;
    }

    /** A task that completed while the connection closes: no response, its slot is free. */
    void releaseTask(final ScsiTask task)
    {
        commands.release((int)task.userTag());
    }

    /** A sent PDU's tag: the command whose last PDU went out frees its slot. */
    void onSent(final int commandIndex)
    {
        commands.release(commandIndex);
    }

    /** After handling input: tasks their task attribute kept waiting, and fenced task management responses. */
    void afterWork()
    {
        order.wakeDormant();   // a task that ended may let those its task attribute kept waiting run
        taskManagement.sendFenced();
    }

    /** The send queue has room again: Data-In that waited for it. */
    void resumeDataIn()
    {
        responses.resume();
    }

    /** Another session's PREEMPT AND ABORT or reset covers this one's tasks (SAM-5 5.6). */
    void abortRequestedByOthers()
    {
        taskManagement.abortRequestedByOthers();
        order.wakeDormant();   // dormant tasks it aborted end now, TASK ABORTED
    }

    boolean abortedForAnotherNexusInBackstoreIo()
    {
        return taskManagement.abortedForAnotherNexusExecuting();
    }

    /** A task management response is held for other sessions' aborted tasks: each timer tick looks again. */
    boolean holdingResponse()
    {
        return taskManagement.holding();
    }

    /** The connection closes: every task aborted, Data-In waiting for room dropped (its slots go with releaseAll). */
    void abortEverything()
    {
        commands.abortEverything();
        responses.clear();
    }

    /** Backstore I/O still owns a command's buffer. */
    boolean anyExecuting()
    {
        return commands.anyExecuting();
    }

    void releaseAll()
    {
        commands.releaseAll();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Live configuration changes

    /**
     * A new target registry was published: the session keeps its TPG, serves through its new version, or ends.
     *
     * @return {@link #KEPT}, {@link #REBOUND} or {@link #ENDED}.
     */
    int onTargetsChanged(final TargetRegistry registry)
    {
        final PortalGroup current = executor.portalGroup();
        switch (rebinding.decide(session, current, registry, localIp, localPort))
        {
            case SessionRebinding.KEEP ->
            {
                if (!session.discovery())
                {
                    // A new metrics model may have come with the same TPG.
                    counters.metrics().rebound(current, executor.luns());
                }
                return KEPT;
            }
            case SessionRebinding.REBIND ->
            {
                final PortalGroup next = rebinding.next();
                executor.bind(next, session.initiatorName(), session.nexus());
                session.portalGroup(next);
                counters.metrics().rebound(next, executor.luns());
                nopIn(next);
                return REBOUND;
            }
            default ->
            {
                return ENDED;
            }
        }
    }

    /** Why {@link #onTargetsChanged} ended the session. */
    String endedBecause()
    {
        return rebinding.reason();
    }

    /** The session as {@code ringtarget sessions} shows it. */
    SessionSnapshot snapshot()
    {
        final PortalGroup tpg = executor.portalGroup();
        return new SessionSnapshot(session.initiatorName(), session.isid(), session.tsih(), session.discovery(),
            session.discovery() ? null : session.targetName(), null == tpg ? 0 : tpg.tag(),
            Portal.format(localIp, localPort), peer, context.loop().roleName(), loginEpochMillis, counters.commands(),
            readBytes, writtenBytes, parameters.toString(), authentication, window.expCmdSn(), window.maxCmdSn(),
            statSn.current(), executor.luns().lunNumbers().clone(),
            null != tpg && tpg.readOnlyFor(session.initiatorName()), executor.luns().describe(), counters.errors());
    }

    /**
     * A normal session's NOP-In times are its ACL's or TPG's (discovery sessions keep the engine's), and so is its
     * socket's TCP keepalive. The connection reschedules its timer after this.
     */
    private void nopIn(final PortalGroup portalGroup)
    {
        final long intervalNanos = portalGroup.nopInIntervalNanos(session.initiatorName(), server.nopInIntervalNanos());
        final long timeoutNanos = portalGroup.nopInTimeoutNanos(session.initiatorName(), server.nopInTimeoutNanos());
        if (intervalNanos == keepalive.intervalNanos() && timeoutNanos == keepalive.timeoutNanos())
        {
            return;
        }
        keepalive.times(intervalNanos, timeoutNanos);
        final int r = TcpKeepalive.apply(fd, intervalNanos, timeoutNanos);
        if (r < 0)
        {
            log.warn("connection", peer + " (" + session + "): TCP keepalive not set (" + Errno.describe(r) + ")");
        }
    }
}
