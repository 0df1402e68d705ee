package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.stats.IoOp;
import io.ringtarget.iscsi.stats.LunStats;
import io.ringtarget.pdu.ScsiCommandPdu;
import io.ringtarget.ring.BufferPool;
import io.ringtarget.scsi.ScsiTask;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One outstanding SCSI command of a connection, in its slot of the {@link CommandTable}: the reusable
 * {@link ScsiTask}, the data buffer it borrowed, and the bookkeeping of its data phases (RFC 7143 sections 10.7
 * and 10.8). Slots are reused; the slot index is the Target Transfer Tag of the command's R2Ts.
 */
public final class Command
{
    /** The slot is unused. */
    public static final int FREE = 0;
    /** Taken by a new command that is not in the logical unit yet: nothing but this connection uses its buffer. */
    public static final int STARTING = 1;
    /** A write waiting for its Data-Out (unsolicited, or solicited by R2T). */
    public static final int WAITING_FOR_DATA = 2;
    /** In the logical unit: backstore I/O may own the buffer. */
    public static final int EXECUTING = 3;
    /** Status and Data-In queued; the slot is freed once they have gone to the socket. */
    public static final int SENDING = 4;
    /**
     * A write whose current Data-Out PDU's data segment is being received straight into its buffer: the kernel may
     * write the buffer until that RECV completes, so an abort only marks it and the slot is freed once the data is in.
     */
    public static final int RECEIVING = 5;
    /**
     * Taken for a SCSI Command PDU whose immediate data is being received straight into the slot's buffer: the command
     * has not arrived yet (it may still fail its data digest or CmdSN check), so task management does not see it.
     */
    public static final int RESERVED = 6;
    /**
     * All its data is in, but it came after a gap in the CmdSN sequence: it waits in its slot, not in the logical
     * unit, until every earlier CmdSN has arrived (RFC 7143 4.2.2.1: commands reach the SCSI layer in CmdSN order).
     */
    public static final int HELD = 7;
    /**
     * All its data is in and its CmdSN in order, so it is in its nexus' task set, but its task attribute keeps it
     * from running yet (SAM-5 8.6, the dormant task state): an ORDERED task waits for every older task of its logical
     * unit, a SIMPLE one for the older ORDERED tasks, and both for any HEAD OF QUEUE task ({@link TaskSetOrder}).
     */
    public static final int DORMANT = 8;

    final int index;
    final ScsiTask task = new ScsiTask(252);

    int state = FREE;
    int itt;
    int cmdSn;
    /** Sent for immediate delivery: it takes no CmdSN and waits for none (RFC 7143 4.2.2.1). */
    boolean immediate;
    /**
     * Its task attribute, as {@link TaskSetOrder} keeps it: ScsiCommandPdu.ATTR_SIMPLE, ATTR_ORDERED or
     * ATTR_HEAD_OF_QUEUE (an untagged task counts as SIMPLE, a reserved attribute as ORDERED).
     */
    int attribute = ScsiCommandPdu.ATTR_SIMPLE;
    /** When it arrived among the connection's commands: the order of tasks without a CmdSN (immediate ones). */
    long arrival;
    long lun;
    boolean read;
    boolean write;
    int expectedDataTransferLength;
    boolean aborted;
    /**
     * Aborted for another nexus' reset or PREEMPT AND ABORT: it still runs to its end, which is TASK ABORTED status,
     * and is answered (TAS 1), unlike a task its own initiator aborted ({@link #aborted}).
     */
    boolean abortedForAnotherNexus;

    // The data buffer: a small pool buffer (pool, poolIndex), a run of chunks (regionChunk, regionChunks) of the
    // registered region or of the spill region (chunkRegion), or a dedicated one (dedicatedArena).
    MemorySegment buffer;
    BufferPool pool;
    int poolIndex = -1;
    ChunkRegion chunkRegion;
    int regionChunk = -1;
    int regionChunks;
    Arena dedicatedArena;

    // Write data phase.
    /** Data-Out bytes received so far (immediate data included). */
    int received;
    /**
     * Some of that data came with a wrong data digest and was not kept: once all of it is in, the command ends in
     * CHECK CONDITION (RFC 7143 7.8 b) instead of running.
     */
    boolean dataDigestError;
    /** Unsolicited data ends here: immediate data, plus Data-Out up to FirstBurstLength when InitialR2T=No. */
    int unsolicitedEnd;
    /** Where the next R2T asks data from. */
    int nextR2tOffset;
    int outstandingR2ts;
    int r2tSn;
    /** The next Data-Out expected: its DataSN within the current sequence and its BufferOffset. */
    int expectedDataSn;
    int expectedOffset;

    // Data-In.
    int dataSn;
    /** Data-In still to stage when the send queue was too full for all of it: next offset, end, sequence end. */
    int dataInOffset;
    int dataInLength;
    int dataInSequenceEnd;
    int dataInStatus;

    // Metrics: the LUN's counters (null when not counted, or once answered or ended), the command's IoOp and arrival.
    LunStats stats;
    int op;
    long arrivalNanos;

    Command(final int index)
    {
        this.index = index;
    }

    /** The slot index: this command's Target Transfer Tag. */
    public int index()
    {
        return index;
    }

    public ScsiTask task()
    {
        return task;
    }

    public int state()
    {
        return state;
    }

    public int initiatorTaskTag()
    {
        return itt;
    }

    public long lun()
    {
        return lun;
    }

    public MemorySegment buffer()
    {
        return buffer;
    }

    public boolean aborted()
    {
        return aborted;
    }

    public int received()
    {
        return received;
    }

    /** Counts the command as arrived on its LUN's counters (null: a LUN without counters). */
    void arrived(final LunStats lunStats)
    {
        stats = lunStats;
        if (lunStats != null)
        {
            op = IoOp.of(task.opcode());
            arrivalNanos = lunStats.arrived();
        }
    }

    /** Its status is queued: counts the result and the latency ({@code bytes} of data moved). */
    void answered(final long bytes)
    {
        final LunStats s = stats;
        if (s != null)
        {
            stats = null;
            s.answered(op, task, bytes, arrivalNanos);
        }
    }

    /** Its slot is freed: a command that got no status (aborted, connection closed) leaves the in-flight count. */
    void ended()
    {
        final LunStats s = stats;
        if (s != null)
        {
            stats = null;
            s.ended();
        }
    }

    void clearDataPhases()
    {
        received = 0;
        dataDigestError = false;
        unsolicitedEnd = 0;
        nextR2tOffset = 0;
        outstandingR2ts = 0;
        r2tSn = 0;
        expectedDataSn = 0;
        expectedOffset = 0;
        dataSn = 0;
        dataInOffset = 0;
        dataInLength = 0;
        dataInSequenceEnd = 0;
        dataInStatus = 0;
        aborted = false;
        abortedForAnotherNexus = false;
    }
}
