package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.iscsi.transport.DataPlacement;
import io.ringtarget.iscsi.transport.PduSender;
import io.ringtarget.pdu.DataOutPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduHeader;
import io.ringtarget.pdu.R2tPdu;
import io.ringtarget.scsi.TransportCommands;

import java.lang.foreign.MemorySegment;

/**
 * The data phase of a write command (RFC 7143 sections 10.7, 10.8, 13.10-13.14): immediate data in the command
 * PDU, unsolicited Data-Out up to FirstBurstLength when InitialR2T=No, then R2Ts (at most MaxOutstandingR2T at a
 * time, each for at most MaxBurstLength) that solicit the rest. Each Data-Out is checked against what the target
 * asked for: its task, its Target Transfer Tag, its offset and DataSN order (DataPDUInOrder and
 * DataSequenceInOrder are Yes). The bytes are copied from the receive buffer into the command's buffer, or, for a
 * large data segment that is still arriving, received straight into it ({@link #place}). Data that arrives with a
 * wrong data digest is counted as received but not kept, and marks the command: RFC 7143 7.8 b lets a target at ERL 0
 * end it in CHECK CONDITION once all its data is in ({@link CommandExecutor#execute}). Loop thread only;
 * allocation-free.
 */
public final class WriteDataPhase
{
    /** More data is expected. */
    public static final int WAITING = 0;
    /** All data is in: execute the command. */
    public static final int COMPLETE = 1;
    /** The PDU breaks the negotiated rules: reject it (Reject, reason protocol error). */
    public static final int REJECT = 2;
    /** The data arrived out of sequence: the command has failed with CHECK CONDITION (ERL 0 cannot recover). */
    public static final int FAILED = 3;
    /** Data-Out for a task that has ended (answered, aborted, failed): dropped (RFC 7143 11.7.4 allows it). */
    public static final int IGNORED = 4;
    private static final int ACCEPTED = 5;

    private final R2tPdu r2t = new R2tPdu();
    private final DataOutPdu dataOut = new DataOutPdu();
    private final PduSender sender;
    private final StatSn statSn;
    private final CmdSnWindow window;
    private final CommandTable table;
    private boolean immediateData;
    private boolean initialR2t = true;
    private int firstBurstLength;
    private int maxBurstLength;
    private int maxOutstandingR2t = 1;
    private Command current;
    /** The command a Data-Out's data segment is being received into ({@link #place}), or null. */
    private Command placing;

    public WriteDataPhase(final PduSender sender, final StatSn statSn, final CmdSnWindow window, final CommandTable table)
    {
        this.sender = sender;
        this.statSn = statSn;
        this.window = window;
        this.table = table;
    }

    /** The operational parameters the login negotiated (RFC 7143 section 13). */
    public WriteDataPhase parameters(
        final boolean immediateData, final boolean initialR2t, final int firstBurstLength, final int maxBurstLength,
        final int maxOutstandingR2t)
    {
        this.immediateData = immediateData;
        this.initialR2t = initialR2t;
        this.firstBurstLength = firstBurstLength;
        this.maxBurstLength = maxBurstLength;
        this.maxOutstandingR2t = maxOutstandingR2t;
        return this;
    }

    /** The command the last {@link #onDataOut} was for (valid unless it returned {@link #IGNORED}). */
    public Command command()
    {
        return current;
    }

    /**
     * Starts the data phase of a write with {@code dataLength} bytes of immediate data at {@code dataOffset} of
     * {@code from} ({@code from} null: the immediate data was received in place into the command's buffer).
     *
     * @return {@link #COMPLETE}, {@link #WAITING} (R2Ts sent as allowed) or {@link #REJECT} (nothing kept).
     */
    public int start(final Command c, final MemorySegment from, final long dataOffset, final int dataLength)
    {
        return start(c, from, dataOffset, dataLength, true);
    }

    /**
     * {@link #start(Command, MemorySegment, long, int)}, with {@code dataOk} false for immediate data whose data
     * digest did not match: the command goes on as if it had come (RFC 7143 7.8: the data part of a command PDU is
     * an unsolicited data PDU) and is marked {@link Command#dataDigestError}.
     */
    public int start(
        final Command c, final MemorySegment from, final long dataOffset, final int dataLength, final boolean dataOk)
    {
        final int edtl = c.expectedDataTransferLength;
        if (dataLength > 0)
        {
            if (!acceptsImmediateData(dataLength, edtl))
            {
                return REJECT;   // RFC 7143 13.11, 13.14: immediate data only as negotiated, within FirstBurstLength
            }
            if (!dataOk)
            {
                c.dataDigestError = true;
            }
            else if (from != null)
            {
                MemorySegment.copy(from, dataOffset, c.buffer, 0, dataLength);
            }
            c.received = dataLength;
            c.expectedOffset = dataLength;
        }
        c.unsolicitedEnd = initialR2t ? c.received : Math.min(firstBurstLength, edtl);
        c.nextR2tOffset = c.unsolicitedEnd;
        if (c.received >= edtl)
        {
            return COMPLETE;
        }
        c.state = Command.WAITING_FOR_DATA;
        sendR2ts(c);
        return WAITING;
    }

    /** Whether {@code dataLength} bytes of immediate data are allowed for a command of {@code edtl} bytes. */
    public boolean acceptsImmediateData(final int dataLength, final int edtl)
    {
        return immediateData && dataLength <= firstBurstLength && dataLength <= edtl;
    }

    /**
     * A Data-Out PDU whose BHS is at {@code offset} of {@code from}, its data at {@code dataOffset}.
     *
     * @return {@link #WAITING}, {@link #COMPLETE}, {@link #REJECT}, {@link #FAILED} or {@link #IGNORED}.
     */
    public int onDataOut(final MemorySegment from, final long offset, final long dataOffset, final int dataLength)
    {
        return onDataOut(from, offset, dataOffset, dataLength, true);
    }

    /**
     * {@link #onDataOut(MemorySegment, long, long, int)}, with {@code dataOk} false for a Data-Out whose data digest
     * did not match: as the header stands, its data counts as received (so the command does not wait for it for
     * ever: ERL 0 cannot ask for it again) but is not kept, and the command is marked {@link Command#dataDigestError}.
     */
    public int onDataOut(
        final MemorySegment from, final long offset, final long dataOffset, final int dataLength, final boolean dataOk)
    {
        final int checked = check(from, offset, dataLength);
        if (checked == FAILED)
        {
            // DataPDUInOrder=Yes and DataSequenceInOrder=Yes: each sequence numbers its PDUs from 0 and the offsets
            // follow each other (RFC 7143 sections 11.7.5, 13.19). ERL 0 cannot recover the sequence: the command
            // ends in CHECK CONDITION and its remaining Data-Out PDUs are dropped.
            current.state = Command.STARTING;
            TransportCommands.dataPhaseError(current.task);
        }
        if (checked != ACCEPTED)
        {
            return checked;
        }
        if (dataOk)
        {
            MemorySegment.copy(from, dataOffset, current.buffer, dataOut.bufferOffset(), dataLength);
        }
        else
        {
            current.dataDigestError = true;
        }
        return accept(current, dataLength);
    }

    /**
     * The header of a Data-Out PDU whose data segment is still arriving (the first {@code have} bytes of it at
     * {@code dataOffset} of {@code from}). When the PDU would be accepted as its header stands, those bytes go to
     * the command's buffer, the command is marked {@link Command#RECEIVING} and {@code into} tells where the rest
     * goes; nothing else changes until {@link #onPlacedDataOut}.
     *
     * @return whether the data is received in place.
     */
    public boolean place(
        final MemorySegment from, final long offset, final long dataOffset, final int have, final int dataLength,
        final DataPlacement into, final DataBuffers buffers)
    {
        if (check(from, offset, dataLength) != ACCEPTED)
        {
            return false;   // the PDU goes the usual way, to be ignored, rejected or fail the command
        }
        final Command c = current;
        final int bufferOffset = dataOut.bufferOffset();
        MemorySegment.copy(from, dataOffset, c.buffer, bufferOffset, have);
        c.state = Command.RECEIVING;
        placing = c;
        into.set(c.buffer, bufferOffset, buffers.digest(c));
        return true;
    }

    /**
     * The Data-Out PDU {@link #place} placed has all arrived, its BHS at {@code offset} of {@code from}.
     *
     * @param digestOk false when its data digest did not match: its data counts as received, not as kept, and the
     *                 command is marked {@link Command#dataDigestError}.
     * @return {@link #WAITING}, {@link #COMPLETE}, or {@link #IGNORED} (the command was aborted meanwhile and is freed
     * now that the kernel has finished with its buffer).
     */
    public int onPlacedDataOut(final MemorySegment from, final long offset, final int dataLength, final boolean digestOk)
    {
        final Command c = placing;
        placing = null;
        current = c;
        if (c.aborted)
        {
            table.release(c.index);
            return IGNORED;
        }
        c.state = Command.WAITING_FOR_DATA;
        if (!digestOk)
        {
            c.dataDigestError = true;
        }
        dataOut.wrap(from, offset);
        return accept(c, dataLength);
    }

    /** Checks a Data-Out PDU against its command ({@link #current}) without changing it. */
    private int check(final MemorySegment from, final long offset, final int dataLength)
    {
        dataOut.wrap(from, offset);
        final int ttt = dataOut.targetTransferTag();
        final boolean unsolicited = ttt == PduHeader.RESERVED_TAG;
        final Command c = unsolicited ? table.byItt(dataOut.initiatorTaskTag()) : table.byTransferTag(ttt);
        current = c;
        if (c == null || c.state != Command.WAITING_FOR_DATA || c.itt != dataOut.initiatorTaskTag())
        {
            return IGNORED;
        }
        final int bufferOffset = dataOut.bufferOffset();
        if (bufferOffset < 0 || (long)bufferOffset + dataLength > c.expectedDataTransferLength)
        {
            return REJECT;
        }
        if (unsolicited && (long)bufferOffset + dataLength > c.unsolicitedEnd)
        {
            return REJECT;   // unsolicited data beyond FirstBurstLength (RFC 7143 section 13.14)
        }
        if (dataOut.dataSn() != c.expectedDataSn || bufferOffset != c.expectedOffset)
        {
            return FAILED;
        }
        return ACCEPTED;
    }

    /** Counts a checked Data-Out PDU's data, which is in the command's buffer, and moves the data phase on. */
    private int accept(final Command c, final int dataLength)
    {
        final boolean unsolicited = dataOut.targetTransferTag() == PduHeader.RESERVED_TAG;
        final boolean last = dataOut.finalBit();
        c.expectedDataSn = last ? 0 : c.expectedDataSn + 1;
        c.expectedOffset += dataLength;
        c.received += dataLength;
        if (!unsolicited && last)
        {
            c.outstandingR2ts--;
        }
        if (c.received >= c.expectedDataTransferLength)
        {
            c.state = Command.STARTING;   // all data in: the command goes to its logical unit next
            return COMPLETE;
        }
        if (!unsolicited && last)
        {
            sendR2ts(c);
        }
        return WAITING;
    }

    /** R2Ts for the data not yet asked for, up to MaxOutstandingR2T in flight (RFC 7143 sections 10.8, 13.17). */
    private void sendR2ts(final Command c)
    {
        final int edtl = c.expectedDataTransferLength;
        while (c.outstandingR2ts < maxOutstandingR2t && c.nextR2tOffset < edtl)
        {
            final int length = Math.min(maxBurstLength, edtl - c.nextR2tOffset);
            final long h = sender.stage(0);
            if (h < 0)
            {
                return;
            }
            // An R2T carries StatSN without taking one (RFC 7143 11.8.3).
            r2t.wrap(sender.staging(), h).reset(Opcode.R2T).finalBit(true)
                .lun(c.lun).initiatorTaskTag(c.itt).targetTransferTag(c.index)
                .statSn(statSn.current()).expCmdSn(window.expCmdSn()).maxCmdSn(window.maxCmdSn())
                .r2tSn(c.r2tSn++).bufferOffset(c.nextR2tOffset).desiredDataTransferLength(length);
            sender.queue(h, 0, PduSender.NO_TAG);
            c.nextR2tOffset += length;
            c.outstandingR2ts++;
        }
    }
}
