package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.transport.EndedTasks;
import io.ringtarget.pdu.ScsiCommandPdu;
import io.ringtarget.pdu.SerialNumber;
import io.ringtarget.scsi.ReportLuns;
import org.agrona.collections.Int2IntHashMap;

/**
 * A connection's outstanding SCSI commands: a fixed table of {@link Command} slots, a free list, and the lookup by
 * Initiator Task Tag (RFC 7143 11.2.1.8: ITTs are unique among a session's outstanding tasks). The free slots are
 * the credit of the CmdSN window, less a few kept for immediate commands, which do not advance ExpCmdSN. Freeing a
 * slot returns its buffer. Loop thread only; nothing is allocated per command.
 */
public final class CommandTable implements EndedTasks
{
    /** Commands a connection holds at once. */
    public static final int QUEUE_DEPTH = 128;
    /** Slots kept out of the CmdSN window for immediate commands (RFC 7143 11.17.1 "immediate command reject"). */
    public static final int IMMEDIATE_RESERVE = 4;

    private final Command[] commands = new Command[QUEUE_DEPTH];
    /**
     * Slots made so far: a slot is made when first taken (a connection that is logging in, or idle, has none), and
     * the free list hands out made slots first, so the made ones are always {@code commands[0..made)}.
     */
    private int made;
    private final int[] free = new int[QUEUE_DEPTH];
    private int freeCount;
    private final Int2IntHashMap byItt = new Int2IntHashMap(QUEUE_DEPTH * 2, 0.5f, -1);
    private final DataBuffers buffers;
    private final CmdSnWindow window;
    /** Aborted commands whose slot is not free yet: backstore I/O, or a RECV of their Data-Out, owns the buffer. */
    private int abortedInFlight;
    /** Commands {@link Command#HELD} for an earlier CmdSN. */
    private int held;
    /** Commands {@link Command#DORMANT} for their task attribute. */
    private int dormant;
    /** Commands in slots whose task attribute is ORDERED or HEAD OF QUEUE. */
    private int nonSimple;
    /** Commands allocated so far: each one's {@link Command#arrival}. */
    private long arrivals;

    public CommandTable(final DataBuffers buffers, final CmdSnWindow window)
    {
        this.buffers = buffers;
        this.window = window;
        for (int i = 0; i < QUEUE_DEPTH; i++)
        {
            free[i] = QUEUE_DEPTH - 1 - i;
        }
        freeCount = QUEUE_DEPTH;
        updateCredit();
    }

    public int freeCount()
    {
        return freeCount;
    }

    /** Whether a command with this Initiator Task Tag is outstanding. */
    public boolean ittInUse(final int itt)
    {
        return byItt.get(itt) != -1;
    }

    /** The outstanding command with this Initiator Task Tag, or null. */
    public Command byItt(final int itt)
    {
        final int index = byItt.get(itt);
        return index < 0 ? null : commands[index];
    }

    /** Whether the task is gone, aborted or answered: an R2T for it has nothing left to ask for. */
    @Override
    public boolean ended(final int itt)
    {
        final Command c = byItt(itt);
        return c == null || c.aborted || c.abortedForAnotherNexus || c.state == Command.SENDING;
    }

    /** The command a Target Transfer Tag names (its slot), or null when the tag is no slot of ours. */
    public Command byTransferTag(final int ttt)
    {
        return ttt >= 0 && ttt < made ? commands[ttt] : null;
    }

    public int size()
    {
        return QUEUE_DEPTH;
    }

    public Command get(final int index)
    {
        return commands[index];
    }

    /**
     * Takes a free slot for a new command with this ITT; the caller has checked {@link #freeCount()} and
     * {@link #ittInUse}.
     */
    public Command allocate(final int itt, final int cmdSn, final long lun)
    {
        final int index = free[--freeCount];
        Command c = commands[index];
        if (c == null)
        {
            c = new Command(index);   // the slot's first use (once per slot and connection)
            commands[index] = c;
            made++;
        }
        c.clearDataPhases();
        c.state = Command.STARTING;
        c.attribute = ScsiCommandPdu.ATTR_SIMPLE;
        c.arrival = ++arrivals;
        c.itt = itt;
        c.cmdSn = cmdSn;
        c.lun = lun;
        byItt.put(itt, c.index);
        updateCredit();
        return c;
    }

    /** Frees the slot and its buffer; nothing happens for a free slot. */
    public void release(final int index)
    {
        final Command c = commands[index];
        if (c.state == Command.FREE)
        {
            return;
        }
        if (byItt.get(c.itt) == index)
        {
            byItt.remove(c.itt);
        }
        if (c.aborted)
        {
            abortedInFlight--;
        }
        if (c.state == Command.HELD)
        {
            held--;
        }
        else if (c.state == Command.DORMANT)
        {
            dormant--;
        }
        if (c.attribute != ScsiCommandPdu.ATTR_SIMPLE)
        {
            nonSimple--;
            c.attribute = ScsiCommandPdu.ATTR_SIMPLE;
        }
        c.task.endLend();   // its Data-In is sent or never will be
        buffers.release(c);
        c.ended();
        c.state = Command.FREE;
        free[freeCount++] = index;
        updateCredit();
    }

    /**
     * Aborts a command (task management, connection loss): it gets no response (RFC 7143 section 11.5.1). A command
     * not in the logical unit (starting, or waiting for data) is freed at once; one executing finishes its current
     * backstore step and is freed when it completes; one sending is freed when its PDUs are sent.
     *
     * @return whether the command was outstanding.
     */
    public boolean abort(final Command c)
    {
        if (c.state == Command.FREE || c.state == Command.RESERVED || c.aborted)
        {
            return false;   // a reserved slot's command has not arrived yet; an aborted one is on its way out
        }
        c.aborted = true;
        abortedInFlight++;
        c.task.abort();
        if (c.state == Command.STARTING || c.state == Command.WAITING_FOR_DATA || c.state == Command.HELD ||
            c.state == Command.DORMANT)
        {
            release(c.index);   // no I/O owns its buffer
        }
        // RECEIVING: freed when the RECV into its buffer completes (WriteDataPhase.onPlacedDataOut, or releaseAll).
        return true;
    }

    /**
     * Aborts every command of LUN {@code lun} (or of every LUN) that has not started sending its response.
     *
     * @return the number of commands aborted.
     */
    public int abortAll(final long lun, final boolean allLuns)
    {
        int aborted = 0;
        for (int i = 0; i < made; i++)
        {
            final Command c = commands[i];
            if (c.state != Command.FREE && c.state != Command.SENDING && (allLuns || c.lun == lun) && abort(c))
            {
                aborted++;
            }
        }
        return aborted;
    }

    /**
     * Aborts the commands addressed to LUN number {@code lun} for another nexus (its reset or PREEMPT AND
     * ABORT; SAM-5 5.6 with TAS 1): each still ends through the logical unit, with TASK ABORTED status, and is
     * answered as usual. One in backstore I/O ends once its current step has; one waiting for or receiving its
     * Data-Out takes the data the initiator still sends (it has not been told) and then ends without any I/O; a
     * dormant one ends without any I/O when {@link TaskSetOrder#wakeDormant} next runs.
     *
     * @return the number of commands aborted.
     */
    public int abortForAnotherNexus(final int lun)
    {
        int aborted = 0;
        for (int i = 0; i < made; i++)
        {
            final Command c = commands[i];
            final int state = c.state;
            if ((state == Command.EXECUTING || state == Command.WAITING_FOR_DATA || state == Command.RECEIVING ||
                state == Command.DORMANT) &&
                !c.aborted && !c.abortedForAnotherNexus && ReportLuns.decodeLun(c.lun) == lun)
            {
                c.abortedForAnotherNexus = true;
                c.task.abort();
                aborted++;
            }
        }
        return aborted;
    }

    /** Whether a command {@link #abortForAnotherNexus} aborted is still in backstore I/O. */
    public boolean abortedForAnotherNexusExecuting()
    {
        for (int i = 0; i < made; i++)
        {
            final Command c = commands[i];
            if (c.abortedForAnotherNexus && c.state == Command.EXECUTING)
            {
                return true;
            }
        }
        return false;
    }

    /** Aborts every outstanding command, those sending their response included: the connection is closing. */
    public void abortEverything()
    {
        for (int i = 0; i < made; i++)
        {
            final Command c = commands[i];
            abort(c);
        }
    }

    /**
     * Whether every CmdSN before the command's has arrived, so it may go to its logical unit: ExpCmdSN has moved past
     * its own (or it is immediate, and waits for none).
     */
    public boolean inOrder(final Command c)
    {
        return c.immediate || SerialNumber.lessThan(c.cmdSn, window.expCmdSn());
    }

    /** Keeps a command whose data is all in until the commands before it have arrived ({@link #inOrder}). */
    public void hold(final Command c)
    {
        c.state = Command.HELD;
        held++;
    }

    /** Commands {@link #hold held} for an earlier CmdSN. */
    public int heldCount()
    {
        return held;
    }

    /**
     * The held command with the lowest CmdSN among those now {@link #inOrder}, taken back to {@link Command#STARTING}
     * to run; null when none is.
     */
    public Command takeHeldInOrder()
    {
        Command first = null;
        for (int i = 0; i < made && held > 0; i++)
        {
            final Command c = commands[i];
            if (c.state == Command.HELD && inOrder(c) && (first == null || SerialNumber.lessThan(c.cmdSn, first.cmdSn)))
            {
                first = c;
            }
        }
        if (first != null)
        {
            first.state = Command.STARTING;
            held--;
        }
        return first;
    }

    /** Gives the command its task attribute (after {@link #allocate}): ORDERED and HEAD OF QUEUE ones are counted. */
    public void attribute(final Command c, final int attribute)
    {
        if (attribute != ScsiCommandPdu.ATTR_SIMPLE)
        {
            nonSimple++;
        }
        c.attribute = attribute;
    }

    /** Commands in slots whose task attribute is ORDERED or HEAD OF QUEUE (none: every task is SIMPLE). */
    public int nonSimpleCount()
    {
        return nonSimple;
    }

    /** Keeps a command in its task set without running it: its task attribute says it must wait. */
    void makeDormant(final Command c)
    {
        c.state = Command.DORMANT;
        dormant++;
    }

    /** A {@link #makeDormant dormant} command may run now: back to {@link Command#STARTING}. */
    void wake(final Command c)
    {
        c.state = Command.STARTING;
        dormant--;
    }

    /** Commands {@link Command#DORMANT} for their task attribute. */
    public int dormantCount()
    {
        return dormant;
    }

    /** Commands in slots so far: slots {@code [0, made)} have a {@link Command}, free or not. */
    int made()
    {
        return made;
    }

    /** Whether backstore I/O still owns a buffer of this connection. */
    public boolean anyExecuting()
    {
        for (int i = 0; i < made; i++)
        {
            final Command c = commands[i];
            if (c.state == Command.EXECUTING)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Aborted commands not freed yet: their backstore I/O (or the RECV of their Data-Out) has not completed, so a write
     * among them may still reach the medium. A task management response waits for none to be left (the response
     * fence, RFC 7143 4.2.2.3 and 4.2.3.3 c-d: the function is answered after the SCSI layer has ended its tasks).
     */
    public int abortedInFlight()
    {
        return abortedInFlight;
    }

    /** Frees every slot (the connection's I/O has all completed). */
    public void releaseAll()
    {
        for (int i = 0; i < made; i++)
        {
            final Command c = commands[i];
            release(c.index);
        }
    }

    private void updateCredit()
    {
        window.credit(freeCount - IMMEDIATE_RESERVE);
    }
}
