package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.stats.ConnectionCounters;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.pdu.BasicHeaderSegment;

import java.lang.foreign.MemorySegment;

/**
 * The CmdSN rules for a connection's requests (RFC 7143 4.2.2.1): a numbered request outside the window, or a
 * duplicate, is ignored silently and counted ({@link #accept}); SCSI commands reach their logical units in CmdSN
 * order. A command whose data is all in runs at once when every earlier CmdSN has arrived, as they all have unless
 * the initiator skipped one; one that came after a gap is {@link Command#HELD} in its slot until the gap fills, by
 * the missing command or by an ABORT TASK whose RefCmdSN names it (11.5.1 b), and the held commands then run in
 * CmdSN order, after the command that filled it. Immediate commands wait for nothing. A write's data phase is not
 * held, only its going to the logical unit. A held command is not in the task set yet: its own initiator's task
 * management frees it, another nexus' does not see it. A command in order then enters its task set, where its task
 * attribute may keep it dormant a while ({@link TaskSetOrder}). Loop thread only; allocation-free.
 */
public final class CommandOrder
{
    /** A numbered request carries its CmdSN at byte 24 (RFC 7143 11.3, 11.5, 11.10, 11.14, 11.18). */
    private static final int CMD_SN_OFFSET = 24;

    private final CommandTable table;
    private final CmdSnWindow window;
    private final TaskSetOrder taskSet;
    private final ConnectionCounters counters;
    private final EventLog log;
    private String who = "";

    public CommandOrder(
        final CommandTable table, final CmdSnWindow window, final CommandExecutor executor,
        final ConnectionCounters counters, final EventLog log)
    {
        this.table = table;
        this.window = window;
        this.taskSet = new TaskSetOrder(table, executor, counters);
        this.counters = counters;
        this.log = log;
    }

    /** The connection's peer and session, for the log. */
    public void bind(final String peerAndSession)
    {
        who = peerAndSession;
    }

    /** The CmdSN check of a request, BHS at {@code offset}; immediate ones do not take a CmdSN. */
    public boolean accept(final MemorySegment buffer, final long offset)
    {
        return accept(buffer, offset, !BasicHeaderSegment.immediate(buffer, offset));
    }

    /**
     * The CmdSN check of a request that does ({@code takesCmdSn}) or does not take one: false when it is outside the
     * window or a duplicate, to be ignored.
     */
    public boolean accept(final MemorySegment buffer, final long offset, final boolean takesCmdSn)
    {
        switch (window.accept(BasicHeaderSegment.intField(buffer, offset, CMD_SN_OFFSET), !takesCmdSn))
        {
            case CmdSnWindow.OUT_OF_WINDOW ->
            {
                counters.count(IscsiCounter.CMDSN_OUT_OF_WINDOW);
                return false;
            }
            case CmdSnWindow.DUPLICATE ->
            {
                counters.count(IscsiCounter.CMDSN_DUPLICATES);
                return false;
            }
            default ->
            {
                return true;
            }
        }
    }

    /** A command whose data is all in: runs now if it is in order, else waits for the CmdSNs before it. */
    public void execute(final Command c)
    {
        if (table.inOrder(c))
        {
            taskSet.enter(c);
            return;
        }
        if (table.heldCount() == 0)
        {
            // An initiator that skips a CmdSN on its one connection is faulty (4.2.2.1): say so once per gap.
            log.warn("cmdsn", who + ": CmdSN gap: the command of CmdSN " + Integer.toUnsignedString(c.cmdSn) +
                " (ITT 0x" + Integer.toHexString(c.itt) + ") waits for ExpCmdSN " +
                Integer.toUnsignedString(window.expCmdSn()) + " to arrive");
        }
        table.hold(c);
        counters.count(IscsiCounter.CMDSN_HELD);
    }

    /** After a request moved ExpCmdSN: runs, in CmdSN order, the held commands that are now in order. */
    public void releaseHeld()
    {
        if (table.heldCount() == 0)
        {
            return;
        }
        Command c;
        while ((c = table.takeHeldInOrder()) != null)
        {
            taskSet.enter(c);
        }
    }

    /** Whether {@code c}, its data all in, would run at once: its CmdSN is in order and its task attribute lets it. */
    public boolean mayRunNow(final Command c)
    {
        return table.inOrder(c) && taskSet.mayRunNow(c);
    }

    /** Runs the commands their task attribute kept dormant that may run now (after a task completed or ended). */
    public void wakeDormant()
    {
        if (table.dormantCount() > 0)
        {
            taskSet.wakeDormant();
        }
    }
}
