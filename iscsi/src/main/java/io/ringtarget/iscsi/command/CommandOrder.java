package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.stats.ConnectionCounters;
import io.ringtarget.iscsi.stats.IscsiCounter;

/**
 * Delivers SCSI commands to their logical units in CmdSN order (RFC 7143 4.2.2.1). A command whose data is all in
 * runs at once when every earlier CmdSN has arrived, as they all have unless the initiator skipped one; one that came
 * after a gap is {@link Command#HELD} in its slot until the gap fills, by the missing command or by an ABORT TASK
 * whose RefCmdSN names it (11.5.1 b), and the held commands then run in CmdSN order, after the command that filled
 * it. Immediate commands wait for nothing. A write's data phase is not held: only its going to the logical unit.
 * A held command is not in the task set yet: its own initiator's task management frees it, another nexus' does not
 * see it. Loop thread only; allocation-free.
 */
public final class CommandOrder
{
    private final CommandTable table;
    private final CmdSnWindow window;
    private final CommandExecutor executor;
    private final ConnectionCounters counters;
    private final EventLog log;
    private String who = "";

    public CommandOrder(
        final CommandTable table, final CmdSnWindow window, final CommandExecutor executor,
        final ConnectionCounters counters, final EventLog log)
    {
        this.table = table;
        this.window = window;
        this.executor = executor;
        this.counters = counters;
        this.log = log;
    }

    /** The connection's peer and session, for the log. */
    public void bind(final String peerAndSession)
    {
        who = peerAndSession;
    }

    /** A command whose data is all in: runs now if it is in order, else waits for the CmdSNs before it. */
    public void execute(final Command c)
    {
        if (table.inOrder(c))
        {
            executor.execute(c);
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
            executor.execute(c);
        }
    }
}
