package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.iscsi.numbering.StatSn;
import io.ringtarget.iscsi.transport.PduSender;
import io.ringtarget.pdu.Crc32cDigest;
import io.ringtarget.pdu.DataInPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.PduHeader;
import io.ringtarget.pdu.ScsiResponsePdu;
import io.ringtarget.scsi.ScsiStatus;
import io.ringtarget.scsi.ScsiTask;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Answers a finished command (RFC 7143 sections 10.4, 10.7): a read's data goes in Data-In PDUs of at most
 * MaxRecvDataSegmentLength (the initiator's) straight from the command's buffer, in sequences of at most
 * MaxBurstLength (13.13), each ended by a PDU with the F bit (11.7.1), the last one carrying the status
 * (phase collapse, 11.7.3); anything else, and a failed read, gets a SCSI Response with the sense data. The command's
 * slot is freed once the last PDU has gone to the socket. A read's Data-In is staged while the send queue has room
 * beyond {@link #SEND_QUEUE_RESERVE} (a 16 MiB read in 4 KiB segments is 4096 PDUs); the rest waits, in arrival order
 * of the reads, for sends to complete ({@link #resume()}). Loop thread only; allocation-free.
 */
public final class ResponseSender
{
    private static final ValueLayout.OfShort SENSE_LENGTH = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** Send queue entries kept for other PDUs (responses, R2Ts, NOP-Ins) while Data-In waits. */
    public static final int SEND_QUEUE_RESERVE = 256;

    private final DataInPdu dataIn = new DataInPdu();
    /** Reads whose Data-In is not all staged, oldest first (a ring over at most one entry per command slot). */
    private final Command[] waiting = new Command[CommandTable.QUEUE_DEPTH];
    private int waitingHead;
    private int waitingCount;
    private final ScsiResponsePdu scsiResponse = new ScsiResponsePdu();
    private final PduSender sender;
    private final StatSn statSn;
    private final CmdSnWindow window;
    private final DataBuffers buffers;
    private int maxDataSegmentLength = 8192;
    private int maxBurstLength = 262144;
    private boolean dataDigest;

    public ResponseSender(final PduSender sender, final StatSn statSn, final CmdSnWindow window, final DataBuffers buffers)
    {
        this.sender = sender;
        this.statSn = statSn;
        this.window = window;
        this.buffers = buffers;
    }

    /**
     * @param maxDataSegmentLength the initiator's MaxRecvDataSegmentLength (RFC 7143 13.12).
     * @param maxBurstLength       the negotiated MaxBurstLength: the longest Data-In sequence (RFC 7143 13.13).
     * @param dataDigest           DataDigest=CRC32C negotiated.
     */
    public ResponseSender parameters(final int maxDataSegmentLength, final int maxBurstLength, final boolean dataDigest)
    {
        this.maxDataSegmentLength = maxDataSegmentLength;
        this.maxBurstLength = maxBurstLength;
        this.dataDigest = dataDigest;
        return this;
    }

    /** Sends the result of the command's task. */
    public void send(final Command c)
    {
        c.state = Command.SENDING;
        final ScsiTask task = c.task;
        final int status = task.status();
        final int dataInLength = status == ScsiStatus.GOOD || status == ScsiStatus.CONDITION_MET ? task.dataInLength() : 0;
        c.answered(c.read ? dataInLength : c.received);
        if (c.read && dataInLength > 0)
        {
            if (null != task.lentData())
            {
                buffers.release(c);   // sent from the LUN's memory: the pool gets the unused buffer back now
            }
            c.dataInOffset = 0;
            c.dataInLength = dataInLength;
            c.dataInSequenceEnd = Math.min(maxBurstLength, dataInLength);
            c.dataInStatus = status;
            if (waitingCount > 0 || !sendDataIn(c))
            {
                waiting[(waitingHead + waitingCount++) & (waiting.length - 1)] = c;
            }
        }
        else
        {
            sendScsiResponse(c, task, status);
        }
    }

    /** Stages the Data-In of waiting reads, oldest first, while the send queue has room. Call after a send. */
    public void resume()
    {
        while (waitingCount > 0)
        {
            final Command c = waiting[waitingHead];
            if (!sendDataIn(c))
            {
                return;
            }
            waiting[waitingHead] = null;
            waitingHead = (waitingHead + 1) & (waiting.length - 1);
            waitingCount--;
        }
    }

    /** Reads waiting for room in the send queue (tests). */
    public int waitingReads()
    {
        return waitingCount;
    }

    /** Forgets the waiting reads (the connection is closing: their slots are released with the others). */
    public void clear()
    {
        while (waitingCount > 0)
        {
            waiting[waitingHead] = null;
            waitingHead = (waitingHead + 1) & (waiting.length - 1);
            waitingCount--;
        }
    }

    /** Stages as much of the command's remaining Data-In as the send queue takes; true when all of it is staged. */
    private boolean sendDataIn(final Command c)
    {
        final ScsiTask task = c.task;
        final Crc32cDigest digest = dataDigest ? buffers.digest(c) : null;
        // A RAM LUN's read lends its memory (never with a data digest, see CommandStarter): sent from there, no copy.
        final MemorySegment lent = task.lentData();
        final MemorySegment from = null == lent ? c.buffer : lent;
        final long base = null == lent ? 0 : task.lentOffset();
        final int length = c.dataInLength;
        final int status = c.dataInStatus;
        int offset = c.dataInOffset;
        int sequenceEnd = c.dataInSequenceEnd;
        while (offset < length)
        {
            if (sender.room() <= SEND_QUEUE_RESERVE)
            {
                c.dataInOffset = offset;
                c.dataInSequenceEnd = sequenceEnd;
                return false;
            }
            final int chunk = Math.min(maxDataSegmentLength, sequenceEnd - offset);
            final boolean last = offset + chunk >= length;
            final boolean endOfSequence = offset + chunk == sequenceEnd;
            final long h = sender.stage(0);
            if (h < 0)
            {
                return true;   // overloaded: the connection is closing
            }
            dataIn.wrap(sender.staging(), h).reset(Opcode.SCSI_DATA_IN)
                .finalBit(endOfSequence).lun(c.lun).initiatorTaskTag(c.itt).targetTransferTag(PduHeader.RESERVED_TAG)
                .expCmdSn(window.expCmdSn()).maxCmdSn(window.maxCmdSn())
                .dataSn(c.dataSn++).bufferOffset(offset).dataSegmentLength(chunk);
            if (last)
            {
                // Phase collapse (RFC 7143 section 11.7.3): the status goes in the final Data-In of a good read.
                dataIn.statusBit(true).status(status).statSn(statSn.take())
                    .residualOverflow(task.residualOverflow()).residualUnderflow(task.residualUnderflow())
                    .residualCount(task.residualCount());
            }
            sender.queueWithData(h, from, base + offset, chunk, digest, last ? c.index : PduSender.NO_TAG);
            offset += chunk;
            if (endOfSequence)
            {
                sequenceEnd = (int)Math.min((long)sequenceEnd + maxBurstLength, length);
            }
        }
        c.dataInOffset = offset;
        return true;
    }

    private void sendScsiResponse(final Command c, final ScsiTask task, final int status)
    {
        final int senseLength = status == ScsiStatus.CHECK_CONDITION ? task.senseLength() : 0;
        final int dataLength = senseLength > 0 ? senseLength + 2 : 0;
        final long h = sender.stage(dataLength);
        if (h < 0)
        {
            return;
        }
        scsiResponse.wrap(sender.staging(), h).reset(Opcode.SCSI_RESPONSE).finalBit(true)
            .initiatorTaskTag(c.itt).response(0).status(status)
            .statSn(statSn.take()).expCmdSn(window.expCmdSn()).maxCmdSn(window.maxCmdSn()).expDataSn(c.dataSn)
            .residualOverflow(task.residualOverflow()).residualUnderflow(task.residualUnderflow())
            .residualCount(task.residualCount())
            .dataSegmentLength(dataLength);
        if (dataLength > 0)
        {
            // Sense data segment: SenseLength (2 bytes), then the sense bytes (RFC 7143 section 11.4.7.2).
            final MemorySegment staging = sender.staging();
            final long d = sender.dataSegmentOffset(h);
            staging.set(SENSE_LENGTH, d, (short)senseLength);
            MemorySegment.copy(task.senseData(), 0, staging, d + 2, senseLength);
        }
        sender.queue(h, dataLength, c.index);
    }
}
