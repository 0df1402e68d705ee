package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.stats.ConnectionCounters;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.pdu.ScsiCommandPdu;
import io.ringtarget.pdu.SerialNumber;
import io.ringtarget.scsi.ReportLuns;

/**
 * The order the task attributes ask of a nexus' tasks for each logical unit (SAM-5 8.6). Each I_T nexus has a task
 * set of its own per logical unit (the control mode page's TST is 001b), and a session has one connection, so its
 * task sets are this connection's commands: keeping their order needs nothing from another loop. A task is in its
 * task set from when its CmdSN is in order (a write while its data arrives too) until its status is queued or it is
 * aborted; "older" is CmdSN order (arrival order for a task sent immediate).
 * <ul>
 * <li>HEAD OF QUEUE runs at once, and every other task of its logical unit waits for it (it is at the head).</li>
 * <li>ORDERED waits for every older task and every HEAD OF QUEUE task of its logical unit.</li>
 * <li>SIMPLE waits for the older ORDERED tasks and every HEAD OF QUEUE task of its logical unit.</li>
 * </ul>
 * A task that must wait is {@link Command#DORMANT} in its slot, its data all in, and runs when {@link #wakeDormant}
 * finds nothing in its way any more (the connection calls it after each batch of work while any waits). With only
 * SIMPLE tasks, as Linux sends, a command costs one int comparison here. Loop thread only; allocation-free.
 */
public final class TaskSetOrder
{
    private final CommandTable table;
    private final CommandExecutor executor;
    private final ConnectionCounters counters;
    private boolean waking;
    private boolean wakeAgain;

    public TaskSetOrder(final CommandTable table, final CommandExecutor executor, final ConnectionCounters counters)
    {
        this.table = table;
        this.executor = executor;
        this.counters = counters;
    }

    /**
     * The task attribute of a SCSI Command PDU as kept here: UNTAGGED is SIMPLE (iSCSI tags every task, RFC 7143
     * 11.3.1.2), a reserved value is ORDERED (the safe reading, as SCST's), ACA is returned as it is (refused).
     */
    public static int attribute(final int fromPdu)
    {
        return switch (fromPdu)
        {
            case ScsiCommandPdu.ATTR_UNTAGGED, ScsiCommandPdu.ATTR_SIMPLE -> ScsiCommandPdu.ATTR_SIMPLE;
            case ScsiCommandPdu.ATTR_HEAD_OF_QUEUE, ScsiCommandPdu.ATTR_ACA -> fromPdu;
            default -> ScsiCommandPdu.ATTR_ORDERED;
        };
    }

    /** Whether {@code c}, its CmdSN in order, may run now: nothing its task attribute waits for is in its task set. */
    public boolean mayRunNow(final Command c)
    {
        final int attribute = c.attribute;
        return attribute == ScsiCommandPdu.ATTR_HEAD_OF_QUEUE ||
            (attribute == ScsiCommandPdu.ATTR_SIMPLE && table.nonSimpleCount() == 0) ||
            !blocked(c);
    }

    /** A command whose data is all in and whose CmdSN is in order: runs now, or waits dormant in its task set. */
    public void enter(final Command c)
    {
        if (mayRunNow(c))
        {
            executor.execute(c);
            return;
        }
        table.makeDormant(c);
        counters.count(IscsiCounter.TASKS_DORMANT);
    }

    /**
     * Runs the dormant tasks nothing waits for any more, and those another nexus' reset aborted (they end TASK
     * ABORTED without I/O). A task that completes at once may free others: they run too. Re-entered from a completion
     * it only asks its caller for another pass.
     */
    public void wakeDormant()
    {
        if (waking)
        {
            wakeAgain = true;
            return;
        }
        waking = true;
        try
        {
            do
            {
                wakeAgain = false;
                for (int i = 0; i < table.made() && table.dormantCount() > 0; i++)
                {
                    final Command c = table.get(i);
                    if (c.state == Command.DORMANT && (c.abortedForAnotherNexus || !blocked(c)))
                    {
                        table.wake(c);
                        executor.execute(c);
                    }
                }
            }
            while (wakeAgain && table.dormantCount() > 0);
        }
        finally
        {
            waking = false;
        }
    }

    /** Whether a task {@code c}'s attribute waits for is in its logical unit's task set (never for HEAD OF QUEUE). */
    private boolean blocked(final Command c)
    {
        final int lun = ReportLuns.decodeLun(c.lun);
        final boolean ordered = c.attribute == ScsiCommandPdu.ATTR_ORDERED;
        for (int i = 0, made = table.made(); i < made; i++)
        {
            final Command o = table.get(i);
            if (o == c || o.aborted || !inTaskSet(o.state) || !table.inOrder(o) || ReportLuns.decodeLun(o.lun) != lun)
            {
                continue;
            }
            if (o.attribute == ScsiCommandPdu.ATTR_HEAD_OF_QUEUE ||
                ((ordered || o.attribute == ScsiCommandPdu.ATTR_ORDERED) && older(o, c)))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * In its task set (when its CmdSN is in order too): waiting for or receiving its data, in the logical unit, or
     * dormant. Not yet: starting, held for a CmdSN gap, reserved. No longer: sending its status (completed).
     */
    private static boolean inTaskSet(final int state)
    {
        return state == Command.WAITING_FOR_DATA || state == Command.RECEIVING || state == Command.EXECUTING ||
            state == Command.DORMANT;
    }

    private static boolean older(final Command o, final Command c)
    {
        return o.immediate || c.immediate ? o.arrival < c.arrival : SerialNumber.lessThan(o.cmdSn, c.cmdSn);
    }
}
