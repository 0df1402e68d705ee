package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.LunView;
import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.iscsi.stats.ConnectionCounters;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.iscsi.stats.ProtocolLabels;
import io.ringtarget.iscsi.transport.PduSender;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.OperationCodes;
import io.ringtarget.scsi.ReportLuns;
import io.ringtarget.pdu.SerialNumber;
import io.ringtarget.pdu.TaskManagementRequestPdu;
import io.ringtarget.pdu.TaskManagementResponsePdu;
import io.ringtarget.scsi.ScsiStatus;
import io.ringtarget.scsi.ScsiTask;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Task management functions (RFC 7143 section 11.5, SAM-5 7): ABORT TASK, ABORT TASK SET, CLEAR TASK SET,
 * LOGICAL UNIT RESET and TARGET WARM/COLD RESET abort the session's matching commands (aborted commands get no
 * response) and reset the logical units (a COLD RESET then closes every session of the target: the connection's
 * job); CLEAR ACA and TASK REASSIGN are not supported (no ACA, ERL 0). Resets
 * raise the logical unit's unit attention for every nexus. A reset also aborts every other nexus' tasks on the
 * logical unit (SAM-5 7.7: every task set), which end with TASK ABORTED status (TAS 1): their connections do that on
 * their loops' timers ({@link #abortRequestedByOthers}). CLEAR TASK SET, like ABORT TASK SET, aborts the session's
 * tasks only: each nexus has a task set of its own (TST 001b, {@link TaskSetOrder}). The response is fenced (RFC 7143
 * 4.2.2.3, 4.2.3.3 c-d): it goes out once the backstore I/O of every command the function aborted, on this
 * connection and on the others, has ended, never while an aborted write may still reach the medium. Data-Out still
 * due for a command its own initiator aborted is not awaited (its slot is freed at once and the Data-Out ignored),
 * as under FastAbort: Linux stops sending it. Loop thread only.
 */
public final class TaskManagement
{
    /**
     * Responses a connection holds back at once while the tasks they aborted end. Initiators send one function at a
     * time per session (Linux waits for each response), so a few cover any sane one; a function arriving while all
     * are taken is rejected before it acts.
     */
    static final int FENCED_RESPONSES = 8;

    /**
     * A reset's response waits for the other loops to say they carried out its abort requests, even when they had
     * nothing to abort (woken at once, they do so within a millisecond or so; without the wake-up, within a timer
     * tick or two); a wait longer than this was one for other sessions' aborted I/O, and is counted and logged as a
     * fence.
     */
    static final long QUIET_WAIT_NANOS = 300_000_000L;

    /** SCSI statuses held at once (a PREEMPT AND ABORT is rare; one more is sent without waiting). */
    static final int HELD_STATUSES = 4;

    private final int[] heldCommands = new int[HELD_STATUSES];
    private int held;
    private long heldSinceNanos;
    /** The abort requests of the process the held statuses wait for on every loop. */
    private long heldAbortRequests;
    private final int[] fencedItt = new int[FENCED_RESPONSES];
    private final int[] fencedResult = new int[FENCED_RESPONSES];
    private final int[] fencedFunction = new int[FENCED_RESPONSES];
    private final String[] fencedWhat = new String[FENCED_RESPONSES];
    private int fenced;
    private long fencedSinceNanos;
    /** The abort requests of the process the held responses wait for on every loop; 0 when they wait for none. */
    private long fencedAbortRequests;
    /** Whether the held responses were counted and logged as fenced when held (they waited for this session's I/O). */
    private boolean fencedTold;
    private final AbortsElsewhere elsewhere;
    private final EventLog log;
    private String who = "";
    private final TaskManagementRequestPdu request = new TaskManagementRequestPdu();
    private final TaskManagementResponsePdu response = new TaskManagementResponsePdu();
    private final PduSender sender;
    private final StatSn statSn;
    private final CmdSnWindow window;
    private final CommandTable table;
    private final CommandExecutor executor;
    private final ResponseSender responses;
    private final ConnectionCounters counters;

    public TaskManagement(
        final PduSender sender, final StatSn statSn, final CmdSnWindow window, final CommandTable table,
        final CommandExecutor executor, final ResponseSender responses, final ConnectionCounters counters,
        final EventLog log, final AbortsElsewhere elsewhere)
    {
        this.responses = responses;
        this.log = log;
        this.elsewhere = elsewhere;
        this.sender = sender;
        this.statSn = statSn;
        this.window = window;
        this.table = table;
        this.executor = executor;
        this.counters = counters;
    }

    /** The connection's peer and session, for the log: task management is rare and tells of initiator timeouts. */
    public void bind(final String peerAndSession)
    {
        who = peerAndSession;
    }

    /**
     * A Task Management Function Request whose CmdSN the window accepted, BHS at {@code offset} of {@code from}.
     *
     * @return true for TARGET COLD RESET: the connection must close once the response is sent (RFC 7143 11.5.1).
     */
    public boolean onRequest(final MemorySegment from, final long offset)
    {
        request.wrap(from, offset);
        counters.count(IscsiCounter.TASK_MANAGEMENT_REQUESTS);
        final int function = request.function();
        final int result = fenced == FENCED_RESPONSES ? TaskManagementResponsePdu.FUNCTION_REJECTED : switch (function)
        {
            case TaskManagementRequestPdu.ABORT_TASK -> abortTask();
            case TaskManagementRequestPdu.ABORT_TASK_SET ->
            {
                abortAll(request.lun(), false);
                yield TaskManagementResponsePdu.FUNCTION_COMPLETE;
            }
            case TaskManagementRequestPdu.CLEAR_TASK_SET -> clearTaskSet();
            case TaskManagementRequestPdu.LOGICAL_UNIT_RESET -> logicalUnitReset();
            case TaskManagementRequestPdu.TARGET_WARM_RESET, TaskManagementRequestPdu.TARGET_COLD_RESET -> targetReset();
            case TaskManagementRequestPdu.CLEAR_ACA -> TaskManagementResponsePdu.TASK_MANAGEMENT_FUNCTION_NOT_SUPPORTED;
            case TaskManagementRequestPdu.TASK_REASSIGN ->
                TaskManagementResponsePdu.TASK_ALLEGIANCE_REASSIGNMENT_NOT_SUPPORTED;
            default -> TaskManagementResponsePdu.FUNCTION_REJECTED;
        };
        counters.taskManagement(function, result);
        if (result == TaskManagementResponsePdu.FUNCTION_COMPLETE)
        {
            // An R2T of a write this aborted that is not sent yet (the WRITE and this request came in one receive) is
            // withdrawn: after the abort an initiator would send Data-Out for a task nobody waits for (libiscsi 1.19
            // then gives its next immediate PDU the CmdSN of that Data-Out and drops the connection).
            sender.withdrawR2ts(table);
        }
        final boolean coldReset = function == TaskManagementRequestPdu.TARGET_COLD_RESET;
        final int inFlight = table.abortedInFlight();
        // The abort requests this function made for other nexuses (LogicalUnit.abortRequestCount moved): their tasks
        // end on their own connections, whose loops say when on their next timer tick.
        final long others = abortsOthers(function, result) ? LogicalUnit.abortRequestCount() : 0;
        final boolean othersPending = others != 0 && !elsewhere.endedUpTo(others);
        final String what = describe(function);
        if ((inFlight == 0 && !othersPending) || coldReset || fenced == FENCED_RESPONSES)
        {
            // A cold reset's connection closes after its response, and waits for its I/O before it goes; a function
            // rejected because every held response is taken did nothing to wait for.
            respond(request.initiatorTaskTag(), result);
            logAnswered(function, what, result);
        }
        else
        {
            // The response fence: a write the function aborted may still reach the medium; answering now would let
            // the initiator write those blocks again and the old data land after the new. Sent by sendFenced().
            fencedItt[fenced] = request.initiatorTaskTag();
            fencedResult[fenced] = result;
            fencedFunction[fenced] = function;
            fencedWhat[fenced] = what;
            if (fenced++ == 0)
            {
                fencedSinceNanos = System.nanoTime();
            }
            if (othersPending)
            {
                fencedAbortRequests = Math.max(fencedAbortRequests, others);
            }
            if (inFlight != 0)
            {
                fencedTold = true;
                counters.count(IscsiCounter.TASK_MANAGEMENT_RESPONSES_FENCED);
                log.warn("task-management", who + ": " + what + ": response held until the backstore I/O of " +
                    inFlight + " aborted command(s) ends");
            }
        }
        return coldReset;
    }

    /** "ABORT TASK of ITT 0x1f on LUN 1 (ITT 0x20)", "TARGET WARM RESET (ITT 0x21)": for the log (not per I/O). */
    private String describe(final int function)
    {
        final String name = spoken(ProtocolLabels.functionLabel(ProtocolLabels.functionIndex(function)));
        final String itt = " (ITT 0x" + Integer.toHexString(request.initiatorTaskTag()) + ")";
        return switch (function)
        {
            case TaskManagementRequestPdu.TARGET_WARM_RESET, TaskManagementRequestPdu.TARGET_COLD_RESET -> name + itt;
            case TaskManagementRequestPdu.ABORT_TASK -> name + " of ITT 0x" + Integer.toHexString(
                request.referencedTaskTag()) + " on LUN " + ReportLuns.decodeLun(request.lun()) + itt;
            default -> name + " on LUN " + ReportLuns.decodeLun(request.lun()) + itt;
        };
    }

    private static String responseName(final int response)
    {
        return spoken(ProtocolLabels.responseLabel(ProtocolLabels.responseIndex(response)));
    }

    /** A metric label as the standard writes the name: "logical_unit_reset" as "LOGICAL UNIT RESET". */
    private static String spoken(final String label)
    {
        return label.replace('_', ' ').toUpperCase(java.util.Locale.ROOT);
    }

    private void logAnswered(final int function, final String what, final int result)
    {
        final String line = who + ": " + what + ": " + responseName(result);
        if (function == TaskManagementRequestPdu.ABORT_TASK)
        {
            log.info("task-management", line);
        }
        else
        {
            log.warn("task-management", line);
        }
    }

    /**
     * Sends the responses held back for aborted tasks once none of those is in flight any more. Called after each
     * completion and receive; one comparison when nothing is held.
     */
    public void sendFenced()
    {
        if (held != 0 && elsewhere.endedUpTo(heldAbortRequests))
        {
            sendHeldStatuses();
        }
        if (fenced == 0 || table.abortedInFlight() != 0 ||
            (fencedAbortRequests != 0 && !elsewhere.endedUpTo(fencedAbortRequests)))
        {
            return;
        }
        fencedAbortRequests = 0;
        final long held = System.nanoTime() - fencedSinceNanos;
        final boolean tell = fencedTold || held > QUIET_WAIT_NANOS;
        for (int i = 0; i < fenced; i++)
        {
            respond(fencedItt[i], fencedResult[i]);
            if (!tell)
            {
                logAnswered(fencedFunction[i], fencedWhat[i], fencedResult[i]);
            }
            else
            {
                // Held without a line of its own (it waited for other sessions' aborted I/O): this one names it.
                final String function = fencedTold ? "ITT 0x" + Integer.toHexString(fencedItt[i]) : fencedWhat[i];
                if (!fencedTold)
                {
                    counters.count(IscsiCounter.TASK_MANAGEMENT_RESPONSES_FENCED);
                }
                log.warn("task-management", who + ": " + function + ": " + responseName(fencedResult[i]) +
                    ", answered after " + held / 1_000_000 + " ms, once the aborted I/O had ended");
            }
            fencedWhat[i] = null;
        }
        fenced = 0;
        fencedTold = false;
    }

    /**
     * Whether a response is held: the connection's timer then calls {@link #sendFenced} on each tick, and in the sweep
     * each loop's acknowledgement asks for.
     */
    public boolean holding()
    {
        return fenced != 0 || held != 0;
    }

    /**
     * A PERSISTENT RESERVE OUT with PREEMPT AND ABORT that aborted other sessions' tasks (SPC-4 5.12.11.2.6): its
     * GOOD status waits, as a reset's response does, until those tasks' backstore I/O has ended, so the preempting
     * node (fence_scsi, a cluster taking over) never writes after it while the fenced node's write can still land.
     * One opcode compare for any other command.
     *
     * @return true when the status is held: {@link #sendFenced} sends it.
     */
    public boolean holdStatus(final Command c)
    {
        final ScsiTask t = c.task;
        if (t.opcode() != OperationCodes.PERSISTENT_RESERVE_OUT || t.status() != ScsiStatus.GOOD ||
            held == HELD_STATUSES ||
            (t.cdb().get(ValueLayout.JAVA_BYTE, 1) & 0x1f) != OperationCodes.SA_PREEMPT_AND_ABORT)
        {
            return false;
        }
        final long requests = LogicalUnit.abortRequestCount();
        if (elsewhere.endedUpTo(requests))
        {
            return false;   // it preempted no session with tasks in flight (or they have ended already)
        }
        c.state = Command.SENDING;   // answered, not sent yet: no task management function aborts it now
        heldCommands[held] = c.index;
        if (held++ == 0)
        {
            heldSinceNanos = System.nanoTime();
        }
        heldAbortRequests = Math.max(heldAbortRequests, requests);
        log.info("task-management", who + ": PERSISTENT RESERVE OUT, PREEMPT AND ABORT (ITT 0x" +
            Integer.toHexString(c.itt) + "): status held until the preempted sessions' aborted tasks have ended");
        return true;
    }

    private void sendHeldStatuses()
    {
        final long waited = (System.nanoTime() - heldSinceNanos) / 1_000_000;
        for (int i = 0; i < held; i++)
        {
            final Command c = table.get(heldCommands[i]);
            responses.send(c);
            log.info("task-management", who + ": PERSISTENT RESERVE OUT, PREEMPT AND ABORT (ITT 0x" +
                Integer.toHexString(c.itt) + "): GOOD, sent after " + waited + " ms, once the aborted I/O had ended");
        }
        held = 0;
        heldAbortRequests = 0;
    }

    /** Whether a function just made abort requests for other nexuses' tasks (SAM-5 7.3, 7.7, 7.11). */
    private static boolean abortsOthers(final int function, final int result)
    {
        return result == TaskManagementResponsePdu.FUNCTION_COMPLETE && (
            function == TaskManagementRequestPdu.LOGICAL_UNIT_RESET ||
            function == TaskManagementRequestPdu.TARGET_WARM_RESET);
    }

    private void respond(final int itt, final int result)
    {
        final long h = sender.stage(0);
        if (h >= 0)
        {
            response.wrap(sender.staging(), h).reset(Opcode.TASK_MANAGEMENT_RESPONSE).finalBit(true)
                .response(result).initiatorTaskTag(itt)
                .statSn(statSn.take()).expCmdSn(window.expCmdSn()).maxCmdSn(window.maxCmdSn());
            sender.queue(h, 0, PduSender.NO_TAG);
        }
    }

    /**
     * Another nexus' LOGICAL UNIT RESET, TARGET RESET or PREEMPT AND ABORT asked for this session's
     * tasks on some logical units (SAM-5 5.6): they are aborted and end with TASK ABORTED status (TAS 1), each once
     * its current backstore step has ended, and are answered. Called on the connection's timer when any logical unit
     * of the process made such a request; two volatile reads per logical unit when none covered this nexus.
     *
     * @return the number of commands aborted.
     */
    public int abortRequestedByOthers()
    {
        final LunView luns = executor.luns();
        int total = 0;
        final LogicalUnit[] units = luns.logicalUnits();
        for (int u = 0; u < units.length; u++)
        {
            if (units[u].abortRequested(executor.nexus()))
            {
                for (final int lun : luns.lunNumbersOf(u))
                {
                    total += table.abortForAnotherNexus(lun);
                }
            }
        }
        for (int i = 0; i < total; i++)
        {
            counters.count(IscsiCounter.TASKS_ABORTED);
        }
        if (total > 0)
        {
            sender.withdrawR2ts(table);
            log.warn("task-management", who + ": " + total + " command(s) aborted by another session's reset " +
                "or PREEMPT AND ABORT; each is answered TASK ABORTED once it has ended");
        }
        return total;
    }

    /** Whether a command {@link #abortRequestedByOthers} aborted is still in backstore I/O. */
    public boolean abortedForAnotherNexusExecuting()
    {
        return table.abortedForAnotherNexusExecuting();
    }

    private int abortTask()
    {
        final Command c = table.byItt(request.referencedTaskTag());
        if (c != null && c.state != Command.SENDING)
        {
            if (table.abort(c))   // false: aborted before and still ending; the response waits for it all the same
            {
                counters.count(IscsiCounter.TASKS_ABORTED);
            }
            return TaskManagementResponsePdu.FUNCTION_COMPLETE;
        }
        final int refCmdSn = request.refCmdSn();
        if (c == null && window.inWindow(refCmdSn))
        {
            // RFC 7143 11.5.1 b: a RefCmdSN in the window names a command not received yet: function complete. One
            // below the request's own CmdSN will never come (it was lost), so that CmdSN counts as received and the
            // window moves on past it.
            if (SerialNumber.lessThan(refCmdSn, request.cmdSn()))
            {
                window.accept(refCmdSn, false);
            }
            return TaskManagementResponsePdu.FUNCTION_COMPLETE;
        }
        // A task already answered, or a RefCmdSN outside the window (11.5.1 c): it does not exist.
        return TaskManagementResponsePdu.TASK_DOES_NOT_EXIST;
    }

    /**
     * LOGICAL UNIT RESET of the request's LUN: this session's tasks there go without a response, every other nexus'
     * end with TASK ABORTED, and the logical unit is reset.
     */
    private int logicalUnitReset()
    {
        abortAll(request.lun(), false);
        final LunMapping m = executor.lun(request.lun());
        if (m == null)
        {
            return TaskManagementResponsePdu.LUN_DOES_NOT_EXIST;
        }
        m.logicalUnit().resetLun(executor.nexus());
        return TaskManagementResponsePdu.FUNCTION_COMPLETE;
    }

    /**
     * CLEAR TASK SET (SAM-5 7.3) of the request's LUN: the session's task set there, its dormant tasks included, is
     * aborted without responses. Other nexuses' task sets are theirs (TST 001b); no unit attention.
     */
    private int clearTaskSet()
    {
        abortAll(request.lun(), false);
        return executor.lun(request.lun()) == null ? TaskManagementResponsePdu.LUN_DOES_NOT_EXIST :
            TaskManagementResponsePdu.FUNCTION_COMPLETE;
    }

    /** The logical units the session sees: a TARGET RESET does not reach those its node ACL hides from it. */
    private int targetReset()
    {
        abortAll(0, true);
        final LunView luns = executor.luns();
        for (final long lun : luns.lunNumbers())
        {
            luns.lun((int)lun).logicalUnit().resetLun(executor.nexus());
        }
        return TaskManagementResponsePdu.FUNCTION_COMPLETE;
    }

    private void abortAll(final long lun, final boolean allLuns)
    {
        final int aborted = table.abortAll(lun, allLuns);
        for (int i = 0; i < aborted; i++)
        {
            counters.count(IscsiCounter.TASKS_ABORTED);
        }
    }
}
