package io.ringtarget.iscsi.connection;

import io.ringtarget.iscsi.command.Command;
import io.ringtarget.iscsi.command.CommandOrder;
import io.ringtarget.iscsi.command.CommandStarter;
import io.ringtarget.iscsi.command.CommandTable;
import io.ringtarget.iscsi.command.DataBuffers;
import io.ringtarget.iscsi.command.WriteDataPhase;
import io.ringtarget.iscsi.stats.ConnectionCounters;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.iscsi.transport.DataPlacement;
import io.ringtarget.iscsi.transport.RejectSender;
import io.ringtarget.pdu.BasicHeaderSegment;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.RejectPdu;

import java.lang.foreign.MemorySegment;

/**
 * The Full Feature Phase's PDUs that carry write data, SCSI Command (immediate data) and Data-Out, in the three ways
 * they arrive: whole in the receive buffer, with a data digest that does not match (RFC 7143 7.8), or with their
 * data segment placed straight into the command's buffer ({@link DataPlacement}). It hands commands to the
 * {@link CommandStarter}, data to the {@link WriteDataPhase}, and a command whose data is all in to the
 * {@link CommandOrder}. The connection keeps the phase checks; owned by the connection's loop.
 */
final class DataPdus
{
    private final CommandOrder order;
    private final CommandStarter starter;
    private final WriteDataPhase writes;
    private final CommandTable commands;
    private final RejectSender rejects;
    private final ConnectionCounters counters;
    private final DataBuffers buffers;
    /** A discovery session: SCSI commands are a protocol error (RFC 7143 4.3). */
    private boolean discovery;

    DataPdus(
        final CommandOrder order, final CommandStarter starter, final WriteDataPhase writes,
        final CommandTable commands, final RejectSender rejects, final ConnectionCounters counters,
        final DataBuffers buffers)
    {
        this.order = order;
        this.starter = starter;
        this.writes = writes;
        this.commands = commands;
        this.rejects = rejects;
        this.counters = counters;
        this.buffers = buffers;
    }

    /** At the start of Full Feature Phase. */
    void bind(final boolean discovery)
    {
        this.discovery = discovery;
    }

    /** A SCSI Command PDU whose CmdSN is checked here; {@code dataOk} false: its immediate data's digest was wrong. */
    void onScsiCommand(
        final MemorySegment buffer, final long offset, final long dataOffset, final int dataLength,
        final boolean dataOk)
    {
        if (!order.accept(buffer, offset))
        {
            return;
        }
        if (discovery)
        {
            rejects.reject(RejectPdu.PROTOCOL_ERROR, buffer, offset);   // no SCSI in discovery (RFC 7143 4.3)
        }
        else if (dataOk)
        {
            starter.onScsiCommand(buffer, offset, dataOffset, dataLength);
        }
        else
        {
            starter.onScsiCommandWithBadData(buffer, offset, dataLength);
        }
    }

    void onDataOut(final MemorySegment buffer, final long offset, final long dataOffset, final int dataLength)
    {
        final int result = writes.onDataOut(buffer, offset, dataOffset, dataLength);
        if (result == WriteDataPhase.COMPLETE || result == WriteDataPhase.WAITING)
        {
            counters.add(IscsiCounter.WRITE_DATA_COPIED_BYTES, dataLength);
        }
        dataOutResult(result, buffer, offset);
    }

    /**
     * RFC 7143 7.8: a PDU whose data digest does not match is answered with a Reject and its data dropped. A Data-Out
     * or a command's immediate data is a lost data PDU, which ERL 0 cannot ask for again: the header is taken as it
     * stands (the header digest, if any, was right), the data counted as received, and the command ends in CHECK
     * CONDITION, ABORTED COMMAND once all its data is in (7.8 b), which initiators retry at once (a command left
     * waiting for that data would hold the initiator until its SCSI timeout). Other PDUs are just dropped. In Full
     * Feature Phase only; the Reject goes out in any phase ({@link #rejectDataDigest}).
     */
    void onDataDigestError(final MemorySegment buffer, final long offset)
    {
        final int dataLength = BasicHeaderSegment.dataSegmentLength(buffer, offset);
        switch (BasicHeaderSegment.opcode(buffer, offset))
        {
            case Opcode.SCSI_COMMAND -> onScsiCommand(buffer, offset, -1, dataLength, false);
            case Opcode.SCSI_DATA_OUT -> dataOutResult(writes.onDataOut(buffer, offset, -1, dataLength, false), buffer,
                offset);
            // Not data: nothing more to do (7.8) but take its CmdSN, which ERL 0 never sends again: a gap left in the
            // window would keep ExpCmdSN, and so MaxCmdSN, where it is until the window closed.
            case Opcode.NOP_OUT -> order.accept(buffer, offset, NopKeepalive.takesCmdSn(buffer, offset));
            case Opcode.TEXT_REQUEST -> order.accept(buffer, offset);
            default ->
            {
                // Task management, logout: no data segment to have a digest.
            }
        }
    }

    void rejectDataDigest(final MemorySegment buffer, final long offset)
    {
        counters.count(IscsiCounter.DATA_DIGEST_ERRORS);
        rejects.reject(RejectPdu.DATA_DIGEST_ERROR, buffer, offset);
    }

    /**
     * A large data segment still arriving behind its header: a Data-Out's, or a write command's immediate data, goes
     * straight into the command's buffer when the PDU would be taken as its header stands.
     */
    boolean place(
        final MemorySegment buffer, final long offset, final long dataOffset, final int have, final int dataLength,
        final DataPlacement into)
    {
        final boolean placed = switch (BasicHeaderSegment.opcode(buffer, offset))
        {
            case Opcode.SCSI_DATA_OUT -> writes.place(buffer, offset, dataOffset, have, dataLength, into, buffers);
            case Opcode.SCSI_COMMAND -> !discovery && starter.place(buffer, offset, dataOffset, have, dataLength, into);
            default -> false;
        };
        if (placed)
        {
            counters.add(IscsiCounter.WRITE_DATA_COPIED_BYTES, have);
        }
        return placed;
    }

    /**
     * A placed PDU is all in: it goes on as if it had come through the receive buffer, or is dropped as it would be.
     *
     * @return true for a SCSI Command (its CmdSN may have filled a gap), false for a Data-Out.
     */
    boolean onPlaced(final MemorySegment buffer, final long offset, final int dataLength, final boolean digestOk)
    {
        if (digestOk)
        {
            counters.count(IscsiCounter.PDUS_RECEIVED);
        }
        if (BasicHeaderSegment.opcode(buffer, offset) == Opcode.SCSI_COMMAND)
        {
            final Command c = starter.takeReserved();
            if (!digestOk)
            {
                rejectDataDigest(buffer, offset);   // and the command goes on without its data, as onDataDigestError
            }
            if (order.accept(buffer, offset))
            {
                starter.onReservedCommand(buffer, offset, dataLength, c, digestOk);
            }
            else
            {
                commands.release(c.index());
            }
            return true;
        }
        final int result = writes.onPlacedDataOut(buffer, offset, dataLength, digestOk);
        if (!digestOk)
        {
            rejectDataDigest(buffer, offset);
        }
        dataOutResult(result, buffer, offset);
        return false;
    }

    private void dataOutResult(final int result, final MemorySegment buffer, final long offset)
    {
        switch (result)
        {
            case WriteDataPhase.COMPLETE -> order.execute(writes.command());
            case WriteDataPhase.REJECT -> rejects.reject(RejectPdu.PROTOCOL_ERROR, buffer, offset);
            case WriteDataPhase.FAILED -> counters.count(IscsiCounter.DATA_PHASE_ERRORS);
            case WriteDataPhase.IGNORED -> counters.count(IscsiCounter.DATA_OUT_IGNORED);
            default ->
            {
                // WAITING
            }
        }
    }
}
