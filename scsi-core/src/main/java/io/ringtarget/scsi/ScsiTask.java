package io.ringtarget.scsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One SCSI command in flight (SAM-5 "task"), reused for every command of one transport slot: nothing here is
 * allocated per command.
 * <p>
 * The transport fills in the request (LUN, CDB, expected data transfer length, Data-Out in the data buffer,
 * nexus, device, listener) and calls {@link LogicalUnit#execute(ScsiTask)}; the result (status, sense data,
 * Data-In length in the same data buffer, residuals) is valid when its {@link ScsiTaskListener} is called.
 */
public final class ScsiTask
{
    /** Room for a 16-byte CDB plus an extended CDB AHS (RFC 7143 11.3.4, 11.3.5: up to 260 bytes). */
    public static final int MAX_CDB_LENGTH = 260;
    public static final int DEFAULT_SENSE_CAPACITY = 252;
    /** Working memory for responses built by emulated commands and for multi-step commands (compare, verify,
     * write same); also bounds the COMPARE AND WRITE length. */
    public static final int SCRATCH_SIZE = 64 * 1024;
    /** O_DIRECT wants buffers aligned to the logical block size; 4 KiB covers every device we open. */
    public static final int SCRATCH_ALIGNMENT = 4096;

    /** {@link #rangeLockSlot} when no COMPARE AND WRITE / ORWRITE range is held. */
    static final int NO_RANGE_LOCK = -1;

    private final MemorySegment cdb;
    private final MemorySegment sense;
    private MemorySegment scratch;

    // Request.
    private long lun;
    private int cdbLength;
    private int expectedDataTransferLength;
    private boolean dataIn;
    private boolean dataOut;
    private MemorySegment dataBuffer;
    private ItNexus nexus;
    private BlockDevice device;
    private ScsiTaskListener listener;
    private CopyTargets copyTargets;
    private boolean writeProtected;
    private CopyState copyState;
    private long userTag;
    private int fixedBufferIndex = -1;
    private long fixedBufferAddress;
    private long fixedBufferLength;
    private boolean acceptsLentData;
    private BlockDevice lender;
    private MemorySegment lentData;
    private long lentOffset;
    private MemorySegment receivedData;
    private long receivedOffset;

    // Result.
    private int status;
    private int senseLength;
    private int dataInLength;
    private boolean residualOverflow;
    private boolean residualUnderflow;
    private int residualCount;
    private volatile boolean aborted;

    // State of the command machine (LogicalUnit, MediaCommands, MediaSteps); one meaning per field.
    LogicalUnit logicalUnit;
    boolean descriptorSense;
    /** Counts execute() calls; completedSequence is the one the listener was last called for (never twice). */
    long executeSequence;
    long completedSequence;
    /** MediaSteps.PHASE_*: the step whose backstore call is in flight or next. */
    int phase;
    /** Byte offset on the medium of the command's first logical block. */
    long mediumOffset;
    /** Multi-step commands: bytes of the range finished, and in all. */
    long bytesDone;
    long bytesTotal;
    /** Bytes asked of the backstore call in flight; a completion with fewer is an error. */
    int ioLength;
    /** Writes of this command go with FUA (the CDB asked, or WCE=0). */
    boolean fua;
    /** The command has nothing left to do (done, failed or aborted): the step loop completes it. */
    boolean finished;
    /** COMPARE AND WRITE / ORWRITE: the {@link RangeLocks} slot this command holds, or {@link #NO_RANGE_LOCK}. */
    int rangeLockSlot = NO_RANGE_LOCK;
    /** COMPARE AND WRITE done by the medium: the offset of the first differing byte in the compared data. */
    long miscompareOffset;
    /**
     * What work run aside ({@link BlockDevice#runAside}) leaves for its command: a PERSISTENT RESERVE OUT's
     * {@link ReserveOutOutcome}, a saving MODE SELECT's values and then its outcome ({@link ModePages}).
     */
    long asideOutcome;
    /** VERIFY / WRITE AND VERIFY: what the read-back is compared with (BYTCHK, SBC-3 5.33). */
    int byteCheck;
    /** UNMAP: the parameter list's next block descriptor to deallocate, and how many it holds (SBC-3 5.28.2). */
    int unmapDescriptor;
    int unmapDescriptorCount;
    /** A step's backstore call is being made: a completion now only records itself (syncCompleted) and returns,
     * and the step loop continues, so synchronous backstores do not recurse. */
    boolean inSubmit;
    boolean syncCompleted;
    /** LogicalUnit frames (execute, a backstore completion, a resumed waiter) of this task on the stack: only the
     * outermost handles an internal error. 0 while the listener runs, so an execute it makes is outermost. */
    int callDepth;
    /** What the listener threw inside a LogicalUnit frame: the transport's, handed back to it unchanged when the
     * outermost frame returns, after the LU has finished its own work. */
    RuntimeException listenerFailure;

    public ScsiTask()
    {
        this(DEFAULT_SENSE_CAPACITY);
    }

    public ScsiTask(final int senseCapacity)
    {
        if (senseCapacity < SenseData.MAX_LENGTH)
        {
            throw new IllegalArgumentException("sense capacity too small: " + senseCapacity);
        }
        final Arena arena = Arena.ofAuto();
        this.cdb = arena.allocate(MAX_CDB_LENGTH, 8);
        this.sense = arena.allocate(senseCapacity, 8);
    }

    /**
     * Clear the request and the result for the next command; keeps the listener, device and nexus.
     */
    public ScsiTask reset()
    {
        lun = 0;
        cdbLength = 0;
        Bytes.zero(cdb, 0, 16);
        expectedDataTransferLength = 0;
        dataIn = false;
        dataOut = false;
        dataBuffer = null;
        receivedData = null;
        userTag = 0;
        writeProtected = false;
        fixedBufferIndex = -1;
        acceptsLentData = false;
        endLend();
        clearResult();
        aborted = false;
        phase = MediaSteps.PHASE_NONE;
        return this;
    }

    /**
     * Per-command state of the command machine back to "nothing started" (at each execute).
     */
    void clearCommandState()
    {
        phase = MediaSteps.PHASE_NONE;
        finished = false;
        rangeLockSlot = NO_RANGE_LOCK;
        inSubmit = false;
        syncCompleted = false;
    }

    void clearResult()
    {
        status = ScsiStatus.GOOD;
        senseLength = 0;
        dataInLength = 0;
        residualOverflow = false;
        residualUnderflow = false;
        residualCount = 0;
    }

    public ScsiTask lun(final long lun)
    {
        this.lun = lun;
        return this;
    }

    public long lun()
    {
        return lun;
    }

    /**
     * Copy the CDB (BHS CDB and, for extended CDBs, the AHS part appended by the transport).
     */
    public ScsiTask cdb(final MemorySegment segment, final long offset, final int length)
    {
        if (length < 1 || length > MAX_CDB_LENGTH)
        {
            throw new IllegalArgumentException("CDB length " + length);
        }
        MemorySegment.copy(segment, offset, cdb, 0, length);
        if (length < 16)
        {
            Bytes.zero(cdb, length, 16 - length);
        }
        cdbLength = length;
        return this;
    }

    /**
     * Convenience for tests and internal callers.
     */
    public ScsiTask cdb(final byte... bytes)
    {
        return cdb(MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    public MemorySegment cdb()
    {
        return cdb;
    }

    public int cdbLength()
    {
        return cdbLength;
    }

    public int opcode()
    {
        return Bytes.u8(cdb, 0);
    }

    public ScsiTask expectedDataTransferLength(final int edtl)
    {
        this.expectedDataTransferLength = edtl;
        return this;
    }

    public int expectedDataTransferLength()
    {
        return expectedDataTransferLength;
    }

    /** iSCSI R bit: the initiator expects Data-In. */
    public ScsiTask dataIn(final boolean dataIn)
    {
        this.dataIn = dataIn;
        return this;
    }

    public boolean dataIn()
    {
        return dataIn;
    }

    /** iSCSI W bit: the initiator sends Data-Out. */
    public ScsiTask dataOut(final boolean dataOut)
    {
        this.dataOut = dataOut;
        return this;
    }

    public boolean dataOut()
    {
        return dataOut;
    }

    /**
     * The buffer holding the Data-Out bytes (already fully received) or receiving the Data-In bytes; capacity at
     * least the expected data transfer length. For backstores using O_DIRECT it should be 4 KiB aligned.
     */
    public ScsiTask dataBuffer(final MemorySegment buffer)
    {
        this.dataBuffer = buffer;
        return this;
    }

    public MemorySegment dataBuffer()
    {
        return dataBuffer;
    }

    public ScsiTask nexus(final ItNexus nexus)
    {
        this.nexus = nexus;
        return this;
    }

    public ItNexus nexus()
    {
        return nexus;
    }

    public ScsiTask device(final BlockDevice device)
    {
        this.device = device;
        return this;
    }

    public BlockDevice device()
    {
        return device;
    }

    /**
     * Whether the I_T nexus of this task may only read its logical unit (a read-only node ACL): its writes fail with
     * DATA PROTECT / WRITE PROTECTED as a read-only logical unit's do, and MODE SENSE shows it write-protected.
     */
    public ScsiTask writeProtected(final boolean writeProtected)
    {
        this.writeProtected = writeProtected;
        return this;
    }

    public boolean writeProtected()
    {
        return writeProtected;
    }

    /** What an EXTENDED COPY of this task may name besides its own logical unit ({@link CopyTargets}). */
    public ScsiTask copyTargets(final CopyTargets targets)
    {
        this.copyTargets = targets;
        return this;
    }

    public CopyTargets copyTargets()
    {
        return copyTargets;
    }

    /** The state of an EXTENDED COPY: made the first time this task runs one, reused after. */
    CopyState copyState()
    {
        if (copyState == null)
        {
            copyState = new CopyState();
        }
        return copyState;
    }

    public ScsiTask listener(final ScsiTaskListener listener)
    {
        this.listener = listener;
        return this;
    }

    public ScsiTaskListener listener()
    {
        return listener;
    }

    /**
     * Whether the transport can send this task's Data-In from memory a device lends ({@link BlockDevice#lend}) in
     * place of the data buffer: it sends the bytes as they are when they are sent, so not when it computes a data
     * digest over them before (a write in between would make the digest wrong).
     */
    public ScsiTask acceptsLentData(final boolean accepts)
    {
        this.acceptsLentData = accepts;
        return this;
    }

    public boolean acceptsLentData()
    {
        return acceptsLentData;
    }

    /**
     * Called by {@code lender} in {@link BlockDevice#lend}: the Data-In is in {@code memory} from {@code offset} (not
     * in the data buffer) until {@link #endLend()}.
     */
    public void lend(final BlockDevice lender, final MemorySegment memory, final long offset)
    {
        this.lender = lender;
        this.lentData = memory;
        this.lentOffset = offset;
    }

    /**
     * A WRITE(6/10/12/16) whose Data-Out bytes, all its expected data transfer length, were received with its command
     * and stay at {@code offset} of {@code memory} (the transport's receive buffer) until {@link LogicalUnit#execute}
     * returns, with no data buffer: only for a device that {@link BlockDevice#writesBeforeReturning}, whose write
     * therefore copies them into the medium straight from there, and never for another command (they read
     * {@link #dataBuffer()}).
     */
    public ScsiTask receivedData(final MemorySegment memory, final long offset)
    {
        this.receivedData = memory;
        this.receivedOffset = offset;
        return this;
    }

    /** Where a WRITE's data was received ({@link #receivedData(MemorySegment, long)}), or null: in the data buffer. */
    public MemorySegment receivedData()
    {
        return receivedData;
    }

    public long receivedOffset()
    {
        return receivedOffset;
    }

    /** The memory holding the Data-In when a device lent it ({@link #lentOffset()} in it), else null. */
    public MemorySegment lentData()
    {
        return lentData;
    }

    public long lentOffset()
    {
        return lentOffset;
    }

    /** The transport is done with lent Data-In (sent, or never to be sent): the lender is told; idempotent. */
    public void endLend()
    {
        final BlockDevice l = lender;
        if (l != null)
        {
            lender = null;
            lentData = null;
            l.lendEnded();
        }
    }

    /**
     * The data buffer lies in buffer {@code index} registered with the issuing loop's io_uring ring, which spans
     * {@code length} bytes from {@code address}: a backstore may then use READ_FIXED/WRITE_FIXED for I/O that stays
     * inside it (the kernel skips pinning the pages per I/O).
     */
    public ScsiTask fixedBuffer(final int index, final long address, final long length)
    {
        this.fixedBufferIndex = index;
        this.fixedBufferAddress = address;
        this.fixedBufferLength = length;
        return this;
    }

    /**
     * @return the registered buffer index holding {@code [address, address + length)}, or -1.
     */
    public int fixedBufferIndex(final long address, final long length)
    {
        return fixedBufferIndex >= 0 && address >= fixedBufferAddress &&
            address + length <= fixedBufferAddress + fixedBufferLength ? fixedBufferIndex : -1;
    }

    public ScsiTask userTag(final long tag)
    {
        this.userTag = tag;
        return this;
    }

    public long userTag()
    {
        return userTag;
    }

    /**
     * Give this task its working memory (e.g. from the transport's pool); at least {@link #SCRATCH_SIZE} bytes,
     * {@link #SCRATCH_ALIGNMENT} aligned. Without it the task allocates its own the first time it needs one.
     */
    public ScsiTask scratch(final MemorySegment scratch)
    {
        if (scratch.byteSize() < SCRATCH_SIZE)
        {
            throw new IllegalArgumentException("scratch smaller than " + SCRATCH_SIZE);
        }
        this.scratch = scratch;
        return this;
    }

    MemorySegment scratch()
    {
        if (scratch == null)
        {
            scratch = Arena.ofAuto().allocate(SCRATCH_SIZE, SCRATCH_ALIGNMENT);
        }
        return scratch;
    }

    public int status()
    {
        return status;
    }

    public MemorySegment senseData()
    {
        return sense;
    }

    public int senseLength()
    {
        return senseLength;
    }

    /** Bytes of Data-In valid at the start of the data buffer (never more than the EDTL). */
    public int dataInLength()
    {
        return dataInLength;
    }

    public boolean residualOverflow()
    {
        return residualOverflow;
    }

    public boolean residualUnderflow()
    {
        return residualUnderflow;
    }

    public int residualCount()
    {
        return residualCount;
    }

    public boolean aborted()
    {
        return aborted;
    }

    /**
     * Task management (ABORT TASK, ABORT TASK SET, CLEAR TASK SET, LUN RESET): the task finishes its current
     * backstore step, takes no further step and completes with {@link ScsiStatus#TASK_ABORTED}; the transport
     * decides whether that is answered (RFC 7143 4.2.3.3).
     */
    public void abort()
    {
        aborted = true;
    }

    /**
     * A {@link BlockDevice#compareAndWrite} found the medium different, first at {@code offset} bytes into the
     * compared data: called before completing with -EILSEQ.
     */
    public void miscompareAt(final long offset)
    {
        miscompareOffset = offset;
    }

    /**
     * Completion of one {@link BlockDevice} call: bytes transferred (>= 0) or -errno. Continues the command
     * and, when it is finished, calls the listener.
     */
    public void onIoComplete(final int result)
    {
        final LogicalUnit lu = logicalUnit;
        if (lu == null)
        {
            throw new IllegalStateException("I/O completion for a task not executing");
        }
        lu.onIoComplete(this, result);
    }

    // Result setters used by LogicalUnit.

    void status(final int status)
    {
        this.status = status;
    }

    void dataInLength(final int length)
    {
        this.dataInLength = length;
    }

    void residual(final long wanted)
    {
        // RFC 7143 11.4.5: overflow when the command wanted more than the EDTL, underflow when less.
        final long edtl = expectedDataTransferLength & 0xFFFF_FFFFL;
        if (wanted > edtl)
        {
            residualOverflow = true;
            residualUnderflow = false;
            residualCount = (int)Math.min(wanted - edtl, 0xFFFF_FFFFL);
        }
        else if (wanted < edtl)
        {
            residualUnderflow = true;
            residualOverflow = false;
            residualCount = (int)(edtl - wanted);
        }
        else
        {
            residualOverflow = false;
            residualUnderflow = false;
            residualCount = 0;
        }
    }

    /**
     * CHECK CONDITION with sense data in the LU's current format (fixed 0x70, or descriptor 0x72 when the
     * control mode page D_SENSE is one: SPC-4 4.5.1).
     *
     * @param senseKeySpecific 0, or the 3 bytes of the sense-key specific field with SKSV set (SPC-4 4.5.2.4).
     */
    void checkCondition(
        final int senseKey, final int ascAscq, final boolean informationValid, final long information,
        final int senseKeySpecific)
    {
        status = ScsiStatus.CHECK_CONDITION;
        senseLength = SenseData.write(sense, descriptorSense, senseKey, ascAscq, informationValid, information,
            senseKeySpecific);
        dataInLength = 0;
    }

    void checkCondition(final int senseKey, final int ascAscq)
    {
        checkCondition(senseKey, ascAscq, false, 0, 0);
    }

    void complete()
    {
        completedSequence = executeSequence;
        final ScsiTaskListener l = listener;
        if (l == null)
        {
            return;
        }
        final int depth = callDepth;
        if (depth == 0)
        {
            l.onScsiTaskComplete(this); // the transport called us directly (ReportLuns, TransportCommands)
            return;
        }
        callDepth = 0;
        try
        {
            l.onScsiTaskComplete(this);
        }
        catch (final RuntimeException ex)
        {
            // The listener's exception must neither unwind the LU half way (range locks, waiters) nor be taken
            // for an LU fault, which would complete the task a second time.
            deferListenerFailure(ex);
        }
        finally
        {
            callDepth = depth;
        }
    }

    void deferListenerFailure(final RuntimeException ex)
    {
        if (ex == null || ex == listenerFailure)
        {
            return;
        }
        if (listenerFailure == null)
        {
            listenerFailure = ex;
        }
        else
        {
            listenerFailure.addSuppressed(ex);
        }
    }

    RuntimeException takeListenerFailure()
    {
        final RuntimeException ex = listenerFailure;
        listenerFailure = null;
        return ex;
    }

    /**
     * Readies this task as a logical unit's own operation (a SANITIZE's, a self-test's) started by {@code by}: on
     * {@code by}'s backstore handle, no nexus, a new execution, nothing done yet. The caller sets the phase and totals.
     */
    void startOperationOf(final LogicalUnit lu, final ScsiTask by)
    {
        reset();
        device(by.device()).nexus(null);
        logicalUnit = lu;
        executeSequence++;
        clearResult();
        descriptorSense = by.descriptorSense;
        clearCommandState();
        bytesDone = 0;
    }

    /**
     * Completes this task, a command waiting for the logical unit's operation {@code operation}, in a fault frame of
     * its own: what its listener throws goes up through the operation's task.
     */
    void completeFor(final ScsiTask operation)
    {
        callDepth++;
        try
        {
            complete();
        }
        finally
        {
            callDepth--;
        }
        operation.deferListenerFailure(takeListenerFailure());
    }
}
