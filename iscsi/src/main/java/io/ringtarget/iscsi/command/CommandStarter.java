package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.stats.ConnectionCounters;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.iscsi.transport.DataPlacement;
import io.ringtarget.iscsi.transport.RejectSender;
import io.ringtarget.pdu.BasicHeaderSegment;
import io.ringtarget.pdu.RejectPdu;
import io.ringtarget.pdu.ScsiCommandPdu;
import io.ringtarget.scsi.OperationCodes;
import io.ringtarget.scsi.ScsiTask;
import io.ringtarget.scsi.ScsiTaskListener;
import io.ringtarget.scsi.TransportCommands;

import java.lang.foreign.MemorySegment;

/**
 * Starts a SCSI Command PDU whose CmdSN the window accepted (RFC 7143 sections 10.3, 11.3): refuses it when the
 * table is full (immediate command reject) or its ITT is in use (task in progress), takes a slot and a buffer,
 * copies the CDB into the slot's task, and either executes it or begins its write data phase. A command with an
 * extended CDB, or more data than any buffer holds, completes with INVALID FIELD IN CDB, one with the ACA task
 * attribute with INVALID MESSAGE ERROR (there is never an ACA condition). Large immediate data that is
 * still arriving may be received straight into the command's buffer ({@link #place}). Loop thread only;
 * allocation-free except for a dedicated buffer.
 */
public final class CommandStarter
{
    private final ScsiCommandPdu pdu = new ScsiCommandPdu();
    private final CommandTable table;
    private final DataBuffers buffers;
    private final WriteDataPhase writes;
    private final CommandExecutor executor;
    private final CommandOrder order;
    private final RejectSender rejects;
    private final ScsiTaskListener listener;
    private final ConnectionCounters counters;
    /** The slot {@link #place} took for a command whose immediate data is being received into its buffer, or null. */
    private Command reserved;
    private int reservedBuffer;
    private boolean lendable;

    public CommandStarter(
        final CommandTable table, final DataBuffers buffers, final WriteDataPhase writes, final CommandExecutor executor,
        final CommandOrder order, final RejectSender rejects, final ScsiTaskListener listener,
        final ConnectionCounters counters)
    {
        this.table = table;
        this.buffers = buffers;
        this.writes = writes;
        this.executor = executor;
        this.order = order;
        this.rejects = rejects;
        this.listener = listener;
        this.counters = counters;
    }

    /**
     * Whether reads may be answered from memory a device lends (a RAM LUN's own): yes unless DataDigest=CRC32C was
     * negotiated, whose digest is computed when a PDU is queued, before the kernel copies its bytes.
     */
    public CommandStarter lendable(final boolean lendable)
    {
        this.lendable = lendable;
        return this;
    }

    /** A SCSI Command PDU: its BHS at {@code offset} of {@code from}, immediate data at {@code dataOffset}. */
    public void onScsiCommand(final MemorySegment from, final long offset, final long dataOffset, final int dataLength)
    {
        start(from, offset, dataOffset, dataLength, null, true);
    }

    /**
     * A SCSI Command PDU whose immediate data ({@code dataLength} bytes) came with a wrong data digest: RFC 7143 7.8
     * takes its header as a command and its data as a lost unsolicited data PDU. The command starts as any other,
     * its data counted but not kept, and ends in CHECK CONDITION once all its data is in (the initiator retries it).
     */
    public void onScsiCommandWithBadData(final MemorySegment from, final long offset, final int dataLength)
    {
        start(from, offset, -1, dataLength, null, false);
    }

    /**
     * The header of a SCSI Command PDU whose immediate data is still arriving (the first {@code have} bytes of it at
     * {@code dataOffset} of {@code from}). When the command would get a slot and a buffer and may carry that much
     * immediate data, a slot is taken ({@link Command#RESERVED}) with its buffer, those bytes go to it, and
     * {@code into} tells where the rest goes. The command itself arrives with {@link #onReservedCommand}: its CmdSN
     * and the rest are checked then, as for any other.
     *
     * @return whether the data is received in place.
     */
    public boolean place(
        final MemorySegment from, final long offset, final long dataOffset, final int have, final int dataLength,
        final DataPlacement into)
    {
        pdu.wrap(from, offset);
        final int itt = pdu.initiatorTaskTag();
        final int edtl = pdu.expectedDataTransferLength();
        if (!pdu.writeBit() || table.freeCount() == 0 || table.ittInUse(itt) ||
            !writes.acceptsImmediateData(dataLength, edtl))
        {
            return false;   // refused, rejected or failed the usual way once it is all in
        }
        final Command c = table.allocate(itt, pdu.cmdSn(), pdu.lun());
        final int buffer = buffers.acquire(c, edtl);
        if (buffer == DataBuffers.TOO_LARGE)
        {
            table.release(c.index);
            return false;
        }
        c.state = Command.RESERVED;
        reserved = c;
        reservedBuffer = buffer;
        MemorySegment.copy(from, dataOffset, c.buffer, 0, have);
        into.set(c.buffer, 0, buffers.digest(c));
        return true;
    }

    /** The command {@link #place} took a slot for, its immediate data now all in; no longer remembered here. */
    public Command takeReserved()
    {
        final Command c = reserved;
        reserved = null;
        return c;
    }

    /**
     * The SCSI Command PDU {@link #place} reserved {@code c} for, its CmdSN accepted: BHS at {@code offset} of
     * {@code from}, its {@code dataLength} bytes of immediate data already in the slot's buffer ({@code dataOk}
     * false: they came with a wrong data digest, as for {@link #onScsiCommandWithBadData}).
     */
    public void onReservedCommand(
        final MemorySegment from, final long offset, final int dataLength, final Command c, final boolean dataOk)
    {
        c.state = Command.STARTING;
        start(from, offset, -1, dataLength, c, dataOk);
    }

    private void start(
        final MemorySegment from, final long offset, final long dataOffset, final int dataLength,
        final Command reserved, final boolean dataOk)
    {
        pdu.wrap(from, offset);
        counters.count(IscsiCounter.SCSI_COMMANDS);
        final int itt = pdu.initiatorTaskTag();
        if (reserved == null)
        {
            if (table.freeCount() == 0)
            {
                // Only an immediate command can find the table full: RFC 7143 11.17.1 "immediate command reject".
                rejects.reject(RejectPdu.IMMEDIATE_COMMAND_REJECT, from, offset);
                return;
            }
            if (table.ittInUse(itt))
            {
                rejects.reject(RejectPdu.TASK_IN_PROGRESS, from, offset);
                return;
            }
        }
        final int edtl = pdu.expectedDataTransferLength();
        final boolean write = pdu.writeBit();
        final Command c = reserved != null ? reserved : table.allocate(itt, pdu.cmdSn(), pdu.lun());
        final int attribute = TaskSetOrder.attribute(pdu.attributes());
        final boolean aca = attribute == ScsiCommandPdu.ATTR_ACA;
        table.attribute(c, aca ? ScsiCommandPdu.ATTR_SIMPLE : attribute);
        c.immediate = BasicHeaderSegment.immediate(from, offset);
        c.read = pdu.readBit();
        c.write = write;
        c.expectedDataTransferLength = edtl;
        final ScsiTask task = c.task;
        task.reset().lun(c.lun).cdb(from, offset + ScsiCommandPdu.CDB_OFFSET, ScsiCommandPdu.CDB_LENGTH)
            .expectedDataTransferLength(edtl).dataIn(c.read).dataOut(write)
            .acceptsLentData(lendable).nexus(executor.nexus()).listener(listener).userTag(c.index);
        c.arrived(counters.metrics().lun(c.lun));
        if (pdu.totalAhsLength() > 0)
        {
            TransportCommands.invalidFieldInCdb(task);   // extended CDBs are not supported (README)
            return;
        }
        if (aca)
        {
            counters.count(IscsiCounter.TASKS_ACA);
            TransportCommands.acaTaskAttribute(task);   // no ACA condition is ever in effect (NACA is refused)
            return;
        }
        if (attribute != ScsiCommandPdu.ATTR_SIMPLE)
        {
            counters.count(attribute == ScsiCommandPdu.ATTR_ORDERED ? IscsiCounter.TASKS_ORDERED :
                IscsiCounter.TASKS_HEAD_OF_QUEUE);
        }
        if (reserved == null && dataOk && write && dataLength > 0 && dataLength == edtl &&
            OperationCodes.isWrite(task.opcode()) && order.mayRunNow(c))
        {
            final LunMapping ram = executor.unbufferedWriteLun(c);
            if (ram != null)
            {
                startUnbuffered(c, ram, from, offset, dataOffset, dataLength);
                return;
            }
        }
        final int buffer = reserved != null ? reservedBuffer : buffers.acquire(c, edtl);
        if (buffer == DataBuffers.TOO_LARGE)
        {
            TransportCommands.invalidFieldInCdb(task);   // the data it sends is dropped
            return;
        }
        if (buffer != DataBuffers.POOLED)
        {
            // Every transfer up to MAX_TRANSFER has a place in the registered buffers: spilling means they were full.
            counters.count(IscsiCounter.BUFFER_POOL_EXHAUSTED);
            if (buffer == DataBuffers.DEDICATED)
            {
                counters.count(IscsiCounter.DEDICATED_BUFFERS);
            }
        }
        if (reserved != null)
        {
            buffers.bindFixedBuffer(c);   // taken before the task's reset above, which forgot it
        }
        task.dataBuffer(c.buffer);
        if (!write || edtl == 0)
        {
            order.execute(c);
            return;
        }
        switch (writes.start(c, reserved != null ? null : from, dataOffset, dataLength, dataOk))
        {
            case WriteDataPhase.COMPLETE ->
            {
                copied(reserved, dataLength, dataOk);
                order.execute(c);
            }
            case WriteDataPhase.REJECT ->
            {
                rejects.reject(RejectPdu.PROTOCOL_ERROR, from, offset);
                table.release(c.index);
            }
            // WAITING: R2Ts sent; the command runs once its Data-Out is in.
            default -> copied(reserved, dataLength, dataOk);
        }
    }

    /**
     * A WRITE whose data all came with it, to a LUN whose device writes before returning (RAM): executed with its
     * data where it was received, so without a buffer and without a copy into one; the LUN copies the data into its
     * memory before {@link CommandExecutor#execute} returns, and the receive buffer is not reused before that.
     */
    private void startUnbuffered(
        final Command c, final LunMapping mapping, final MemorySegment from, final long offset, final long dataOffset,
        final int dataLength)
    {
        if (writes.start(c, null, dataOffset, dataLength) != WriteDataPhase.COMPLETE)
        {
            rejects.reject(RejectPdu.PROTOCOL_ERROR, from, offset);   // immediate data it was not allowed to send
            table.release(c.index);
            return;
        }
        counters.add(IscsiCounter.WRITE_DATA_UNBUFFERED_BYTES, dataLength);
        c.task.receivedData(from, dataOffset);
        if (!executor.execute(c, mapping))
        {
            // BlockDevice.writesBeforeReturning broke its promise: the data would be gone by the time it is read.
            throw new IllegalStateException("a WRITE run from the receive buffer did not complete in place");
        }
    }

    private void copied(final Command reserved, final int dataLength, final boolean dataOk)
    {
        if (reserved == null && dataOk && dataLength > 0)
        {
            counters.add(IscsiCounter.WRITE_DATA_COPIED_BYTES, dataLength);
        }
    }
}
