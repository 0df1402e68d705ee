package io.ringtarget.scsi;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.ErrorHandler;

/**
 * A direct-access block device logical unit (SBC-3) and its device server (SPC-4).
 * <p>
 * {@link #execute(ScsiTask)} finds the command's row in {@link OpcodeTable}, checks NACA, unit attentions, the
 * ALUA access state of the target port it came through, sanitize and self-test operations and reservations as the
 * row says ({@link CommandAdmission}), and runs the row's handler ({@link CommandHandlers}).
 * <p>
 * One instance per logical unit, shared by every event loop and reached through every {@link TargetPort} given to
 * {@link #targetPorts(TargetPort...)}: reservations, unit attentions and mode pages belong to the logical unit,
 * whatever port an I_T nexus comes through. {@link #execute(ScsiTask)} allocates nothing; the little mutable state
 * (mode page bits, SPC-2 and persistent reservations, unit attentions, COMPARE AND WRITE range locks) is
 * thread-safe. Each loop passes its own {@link BlockDevice} handle in the task.
 * <p>
 * Completion contract: the task's {@link ScsiTaskListener} is called exactly once per {@code execute}, possibly
 * before {@code execute} returns (emulated commands, RAM backstores). {@code execute} returns true when that has
 * already happened. After the listener is called the LU does not touch the task again.
 * <p>
 * Fault boundary: a RuntimeException inside the LU or a backstore call, while executing or continuing a command,
 * completes that task with HARDWARE ERROR / INTERNAL TARGET FAILURE (never a second time), is counted
 * ({@link LogicalUnitStatus#internalErrorCount()}) and goes to the {@link #errorHandler(ErrorHandler)}. What the
 * listener throws is the transport's: it reaches the caller of {@code execute} or {@link ScsiTask#onIoComplete(int)}
 * unchanged, once the LU has finished its own work.
 */
public final class LogicalUnit
{
    // Limits reported in the Block Limits VPD page (SBC-3 6.5.3).
    /**
     * MAXIMUM TRANSFER LENGTH of a READ/WRITE: 16 MiB, what one iSCSI burst nearly carries (MaxBurstLength is at most
     * 2^24 - 1, RFC 7143 13.13), and what the transport's data buffers hold per command.
     */
    public static final int DEFAULT_MAX_TRANSFER_BYTES = 16 * 1024 * 1024;
    public static final int MAX_UNMAP_BLOCK_DESCRIPTORS = 64;
    public static final long MAX_UNMAP_BYTES = 1L << 30;
    /** libiscsi's Inquiry.BlockLimits calls more than 2^20 "insanely big". */
    public static final long MAX_UNMAP_BLOCKS = 1L << 20;
    public static final long MAX_WRITE_SAME_BYTES = 1L << 30;
    /**
     * MAXIMUM WRITE SAME LENGTH never above 65535 blocks, as LIO reports it: WRITE SAME (10) cannot say more, and
     * libiscsi's WriteSame16.Unmap, seeing a larger limit, writes 65536 blocks with one WRITE (16) although the same
     * page limits a transfer to 16 MiB (32 MiB with 512-byte blocks; with 65535 it checks that 65536 blocks are
     * refused, which they are).
     */
    public static final long MAX_WRITE_SAME_BLOCKS = 65535;

    private final LogicalUnitIdentity identity;
    private final int blockSize;
    private final boolean thinProvisioning;
    private final boolean readOnly;
    private final long maxTransferBlocks;
    private final int maxCompareAndWriteBlocks;
    private final long maxUnmapBlocks;
    private final long maxWriteSameBlocks;
    private volatile long blockCount;
    private volatile int physicalBlockSize;
    private volatile boolean unmapReadsZeros;
    private volatile AtomicWriteLimits atomicWriteLimits = AtomicWriteLimits.NONE;
    private final ModePages modePages;
    private final UnitAttentions unitAttentions = new UnitAttentions();
    private final AbortRequests abortRequests = new AbortRequests();
    private final PersistentReservations persistentReservations =
        new PersistentReservations(this, unitAttentions, abortRequests);
    private final Spc2Reservation spc2Reservation = new Spc2Reservation(persistentReservations);
    private final LogicalUnitPorts ports = new LogicalUnitPorts();
    private final MediaSteps steps;
    private final Sanitize sanitize;
    private final SelfTest selfTest;
    private final LogPages logPages;
    private final LogicalUnitStateFiles stateFiles;
    private final ProvisioningThreshold provisioningThreshold;
    private final CommandHandlers handlers;
    private final CommandAdmission admission;
    private final AtomicLong internalErrors = new AtomicLong();
    private final LogicalUnitStatus status;
    private final FaultFrames frames;
    private volatile MediumEvents mediumEvents = MediumEvents.NONE;

    /**
     * @param identity         INQUIRY / VPD identity.
     * @param blockCount       number of logical blocks.
     * @param blockSize        logical block length in bytes (512 or 4096 usually).
     * @param thinProvisioning the backstore can deallocate (UNMAP, WRITE SAME with UNMAP; SBC-3 4.7).
     * @param readOnly         writes fail with DATA PROTECT / WRITE PROTECTED.
     */
    public LogicalUnit(
        final LogicalUnitIdentity identity,
        final long blockCount,
        final int blockSize,
        final boolean thinProvisioning,
        final boolean readOnly)
    {
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1 || blockSize > ScsiTask.SCRATCH_SIZE)
        {
            throw new IllegalArgumentException("block size " + blockSize);
        }
        if (blockCount <= 0)
        {
            throw new IllegalArgumentException("block count " + blockCount);
        }
        this.identity = identity;
        this.blockCount = blockCount;
        this.blockSize = blockSize;
        this.physicalBlockSize = blockSize;
        this.thinProvisioning = thinProvisioning;
        this.unmapReadsZeros = thinProvisioning;
        this.readOnly = readOnly;
        this.maxTransferBlocks = DEFAULT_MAX_TRANSFER_BYTES / blockSize;
        this.maxCompareAndWriteBlocks = Math.min(255, ScsiTask.SCRATCH_SIZE / blockSize);
        this.maxUnmapBlocks = Math.min(MAX_UNMAP_BLOCKS, MAX_UNMAP_BYTES / blockSize);
        this.maxWriteSameBlocks = Math.min(MAX_WRITE_SAME_BLOCKS, MAX_WRITE_SAME_BYTES / blockSize);
        final InquiryData inquiryData = new InquiryData(this, identity, blockSize, thinProvisioning, maxTransferBlocks,
            maxCompareAndWriteBlocks, maxUnmapBlocks, maxWriteSameBlocks);
        this.steps = new MediaSteps(this, blockSize);
        this.sanitize = new Sanitize(this, blockSize);
        this.selfTest = new SelfTest(this, blockSize);
        this.provisioningThreshold = new ProvisioningThreshold(this, unitAttentions);
        this.modePages = new ModePages(this, unitAttentions, selfTest, provisioningThreshold);
        final MediaCommands media = new MediaCommands(this, blockSize, thinProvisioning, maxTransferBlocks,
            maxCompareAndWriteBlocks, maxUnmapBlocks, maxWriteSameBlocks, modePages, steps);
        final CopyResults copyResults = new CopyResults();
        this.logPages = new LogPages(this, steps, unitAttentions, provisioningThreshold);
        this.handlers = new CommandHandlers(this, media, modePages, inquiryData, persistentReservations,
            spc2Reservation, new AsymmetricAccess(this), new ExtendedCopy(this, steps, copyResults),
            new ReceiveCopyResults(copyResults, blockSize), logPages);
        this.admission = new CommandAdmission(unitAttentions, abortRequests, sanitize, selfTest,
            persistentReservations, spc2Reservation);
        this.frames = new FaultFrames(this, steps, internalErrors);
        this.status = new LogicalUnitStatus(sanitize, selfTest, steps, provisioningThreshold, internalErrors);
        this.stateFiles = new LogicalUnitStateFiles(identity.unitSerial(), persistentReservations, sanitize, selfTest,
            modePages, logPages);
    }

    /**
     * Continues a medium-access command: see {@link ScsiTask#onIoComplete(int)}, in its fault frame
     * ({@link FaultFrames#onIoComplete}).
     */
    void onIoComplete(final ScsiTask t, final int result)
    {
        frames.onIoComplete(t, result);
    }

    /** Starts a COMPARE AND WRITE / ORWRITE that waited for its range, in a fault frame of its own. */
    void resumeWaiter(final ScsiTask releaser, final ScsiTask waiter)
    {
        frames.resumeWaiter(releaser, waiter);
    }

    /** Runs {@link Sanitize}'s task's steps from their current phase, in a fault frame of its own. */
    void runSteps(final ScsiTask t)
    {
        frames.runSteps(t);
    }

    /** A failure outside any command's fault boundary (an APTPL write): counted and reported like the others. */
    void reportInternalError(final Throwable ex)
    {
        frames.reportInternalError(ex);
    }

    Sanitize sanitize()
    {
        return sanitize;
    }

    SelfTest selfTest()
    {
        return selfTest;
    }

    /**
     * Whether a command may not write this logical unit: a read-only backstore, the control mode page's SWP set
     * by MODE SELECT (every nexus, SPC-4 7.5.8), or a read-only ACL or mapped LUN of the task's nexus.
     */
    boolean writeProtectedFor(final ScsiTask t)
    {
        return readOnly || modePages.softwareWriteProtect() || t.writeProtected();
    }

    /** Its medium operations in progress and its error counters, as they read now. */
    public LogicalUnitStatus status()
    {
        return status;
    }

    boolean unmapReadsZeros()
    {
        return unmapReadsZeros;
    }

    public LogicalUnitIdentity identity()
    {
        return identity;
    }

    public long blockCount()
    {
        return blockCount;
    }

    public int blockSize()
    {
        return blockSize;
    }

    public boolean thinProvisioning()
    {
        return thinProvisioning;
    }

    public boolean readOnly()
    {
        return readOnly;
    }

    public long maxTransferBlocks()
    {
        return maxTransferBlocks;
    }

    public int maxCompareAndWriteBlocks()
    {
        return maxCompareAndWriteBlocks;
    }

    /**
     * Resize (the backstore grew): every nexus gets CAPACITY DATA HAS CHANGED (SBC-3 4.10).
     */
    public LogicalUnit blockCount(final long blockCount)
    {
        if (blockCount <= 0)
        {
            throw new IllegalArgumentException("block count " + blockCount);
        }
        this.blockCount = blockCount;
        // The same shares of the new size.
        provisioningThreshold.set(provisioningThreshold.usedPercent(), provisioningThreshold.availablePercent(),
            blockCount);
        unitAttentions.raise(UnitAttentions.CAPACITY_DATA_HAS_CHANGED, null);
        return this;
    }

    /**
     * Whether deallocated blocks read as zeros (LBPRZ): true for RAM and punched files, false when the backstore
     * cannot promise it (e.g. a block device whose discard does not zero).
     */
    public LogicalUnit unmapReadsZeros(final boolean lbprz)
    {
        this.unmapReadsZeros = lbprz;
        return this;
    }

    /**
     * Initial (and default) value of WCE in the caching mode page.
     */
    public LogicalUnit writeCacheEnabled(final boolean wce)
    {
        modePages.initialWriteCache(wce);
        return this;
    }

    /**
     * The physical block size to report in READ CAPACITY(16) (a power-of-two multiple of the logical block
     * size): 4096 for 512-byte blocks on 4 KiB media. Default: the logical block size.
     */
    public LogicalUnit physicalBlockSize(final int bytes)
    {
        if (bytes < blockSize || Integer.bitCount(bytes) != 1 || bytes / blockSize > 1 << 15)
        {
            throw new IllegalArgumentException("physical block size " + bytes + " for logical " + blockSize);
        }
        this.physicalBlockSize = bytes;
        return this;
    }

    public int physicalBlockSize()
    {
        return physicalBlockSize;
    }

    /**
     * Atomic writes (SBC-4 4.29, WRITE ATOMIC(16)), which the backstore makes: each is written whole or not at all,
     * also across a crash or power loss of the medium. The Block Limits VPD page reports MAXIMUM ATOMIC TRANSFER
     * LENGTH (at most the MAXIMUM TRANSFER LENGTH), ATOMIC ALIGNMENT and ATOMIC TRANSFER LENGTH GRANULARITY (both the
     * unit, in blocks), and no atomic boundary. Default: none (WRITE ATOMIC(16) is an unsupported operation code).
     *
     * @param unitBytes        the smallest atomic write, a power of two no smaller than the logical block; every
     *                         atomic write is a multiple of it and starts at a multiple of it.
     * @param maxBytes         the largest atomic write; 0 = none.
     * @param naturallyAligned each atomic write must also be a power of two long and start at a multiple of its
     *                         length (Linux's RWF_ATOMIC); other lengths and starts, which the VPD page cannot
     *                         express, get INVALID FIELD IN CDB.
     */
    public LogicalUnit atomicWrites(final int unitBytes, final int maxBytes, final boolean naturallyAligned)
    {
        this.atomicWriteLimits = AtomicWriteLimits.of(unitBytes, maxBytes, naturallyAligned, blockSize,
            maxTransferBlocks);
        return this;
    }

    /** The atomic writes it makes, in blocks; {@link AtomicWriteLimits#NONE} by default. */
    public AtomicWriteLimits atomicWriteLimits()
    {
        return atomicWriteLimits;
    }

    /**
     * Whether a nexus's first command to this LU reports POWER ON, RESET (SAM-5 6.3.1 reads so for nexuses
     * that existed at power on). Default false: only resets after the nexus first spoke are reported.
     */
    public LogicalUnit newNexusPowerOnUnitAttention(final boolean report)
    {
        unitAttentions.newNexusPowerOnUnitAttention(report);
        return this;
    }

    /**
     * The target ports this logical unit is reached through (every TPG of the target it is mapped in): REPORT
     * TARGET PORT GROUPS lists their groups, ALL_TG_PT registers through all of them, REGISTER AND MOVE may name
     * any. The logical unit registers with their {@link TargetPortGroup}s, so an access state change raises
     * ASYMMETRIC ACCESS STATE CHANGED here. Call before it serves (replacing the ports later is safe but the
     * initiators see the change only through REPORT TARGET PORT GROUPS).
     *
     * @throws IllegalArgumentException when two ports share a relative target port identifier, or two groups an id.
     */
    public LogicalUnit targetPorts(final TargetPort... ports)
    {
        this.ports.set(this, ports);
        persistentReservations.targetPortsChanged();
        return this;
    }

    /**
     * The persistent reservations in words, as {@code ringtarget ls} shows them ("2 registrations, Write Exclusive -
     * Registrants Only reservation held by NAME,i,0xISID (key 0xb2, relative target port 2)"); null when nothing is
     * registered. Takes the reservations' lock: not for the command path.
     */
    public String persistentReservationSummary()
    {
        return persistentReservations.summary();
    }

    /**
     * The persistent reservations are those of every gateway exporting the logical unit (SPC-4 5.12: one state per
     * logical unit, whichever target port a command comes through): kept in {@code store}, which the backstore
     * provides (an RBD image), read now and at each PERSISTENT RESERVE OUT, changed only if no other gateway changed
     * them meanwhile, and announced to the others before the command completes ({@link SharedReservationStore}).
     * Replaces APTPL's file: the stored state outlives every gateway's restart. Call once, before the logical unit
     * serves, before {@link LogicalUnitStateFiles#persistentReservationDirectory}.
     *
     * @throws IOException when the stored state cannot be read or is not a valid state of this logical unit.
     */
    public LogicalUnit shareReservations(final SharedReservationStore store) throws IOException
    {
        persistentReservations.share(Objects.requireNonNull(store, "store"), identity.unitSerial());
        return this;
    }

    public List<TargetPort> targetPorts()
    {
        return List.of(ports.ports());
    }

    TargetPort[] targetPortArray()
    {
        return ports.ports();
    }

    /** The logical unit is reached through the target port with this relative target port identifier. */
    boolean hasTargetPort(final int relativeTargetPortId)
    {
        return ports.has(relativeTargetPortId);
    }

    TargetPortGroup[] targetPortGroupArray()
    {
        return ports.groups();
    }

    /** The group with this id among the logical unit's, or null. */
    TargetPortGroup targetPortGroup(final int id)
    {
        return ports.group(id);
    }

    /**
     * IMPLICIT TRANSITION TIME in REPORT TARGET PORT GROUPS' extended header (SPC-4 6.37): seconds an implicit
     * transition may take (Linux scsi_dh_alua waits that long for a transitioning group; 0, the default, lets it
     * use its own 60 s).
     */
    public LogicalUnit implicitTransitionTime(final int seconds)
    {
        ports.implicitTransitionTime(seconds);
        return this;
    }

    public int implicitTransitionTime()
    {
        return ports.implicitTransitionTime();
    }

    /** A target port group of this logical unit changed its access state (SPC-4 5.15.2.3). Any thread; with an
     * issuer, that issuer's loop thread. */
    void asymmetricAccessStateChanged(final ItNexus issuer)
    {
        unitAttentions.raise(UnitAttentions.ASYMMETRIC_ACCESS_STATE_CHANGED, issuer);
    }

    /**
     * The logical unit's state files under the server's state directory (APTPL, a sanitize or format operation, the
     * self-test log, saved mode parameters, error counters): where they are kept, loading them, saving what waits.
     */
    public LogicalUnitStateFiles stateFiles()
    {
        return stateFiles;
    }

    /**
     * What initiators changed by MODE SELECT that differs from the defaults ("write cache enabled (saved),
     * write-protected by SWP"), or null: what the LU serves that its configuration does not say.
     */
    public String modeParametersChanged()
    {
        return modePages.changedFromDefaults();
    }

    /**
     * A soft threshold on the blocks the backstore holds storage for, at {@code percent} of the capacity (SBC-4
     * 4.7.3.8; 0: none): when a WRITE makes the used blocks reach it, every initiator gets THIN PROVISIONING SOFT
     * THRESHOLD REACHED once ({@link ProvisioningThreshold}). Only on a thin logical unit whose backstore can count
     * its used blocks (a RAM or sparse file backstore). Call before the logical unit serves.
     */
    public LogicalUnit softThreshold(final int percent)
    {
        if (percent != 0 && !thinProvisioning)
        {
            throw new IllegalArgumentException("a soft threshold needs a thin logical unit");
        }
        provisioningThreshold.set(percent, provisioningThreshold.availablePercent(), blockCount);
        return this;
    }

    /** The soft threshold on the used blocks in percent of the capacity; 0: none. */
    public int softThresholdPercent()
    {
        return provisioningThreshold.usedPercent();
    }

    /**
     * A soft threshold on the blocks the storage beneath can still take (SBC-4 4.7.3.8, the available LBA mapping
     * resources: a file system's free space, the machine's memory, at most the blocks not written yet), at {@code
     * percent} of the capacity (0: none): when after a WRITE they are fewer, every initiator gets THIN PROVISIONING
     * SOFT THRESHOLD REACHED once ({@link ProvisioningThreshold}). Only on a thin logical unit whose backstore can tell
     * (a RAM or sparse file backstore). Call before the logical unit serves.
     */
    public LogicalUnit availableThreshold(final int percent)
    {
        if (percent != 0 && !thinProvisioning)
        {
            throw new IllegalArgumentException("an available threshold needs a thin logical unit");
        }
        provisioningThreshold.set(provisioningThreshold.usedPercent(), percent, blockCount);
        return this;
    }

    /** The soft threshold on the available blocks in percent of the capacity; 0: none. */
    public int availableThresholdPercent()
    {
        return provisioningThreshold.availablePercent();
    }

    /** Reads the counts at most this often for the soft thresholds (tests). Before the logical unit serves. */
    void softThresholdCheckInterval(final long nanos)
    {
        provisioningThreshold.checkInterval(nanos);
    }

    /** THRESHOLD EXPONENT of the Logical Block Provisioning VPD page: 0 without a soft threshold. */
    int thresholdExponent()
    {
        return provisioningThreshold.exponent();
    }

    /** A WRITE completed on this loop: the soft thresholds may look at the counts. */
    void writeCompleted(final ScsiTask t)
    {
        provisioningThreshold.written(t);
    }

    /**
     * A MODE SELECT's values were saved off its loop, or not ({@link MediaSteps#PHASE_MODE_SELECT_SAVE}); answered
     * unless the task was aborted meanwhile.
     */
    void modeParametersSaved(final ScsiTask t, final boolean aborted)
    {
        modePages.saved(t, aborted);
    }

    /**
     * The error path counted a medium error of a command to {@code device}: the log pages save the counters (at most
     * once a second, on the device's aside thread).
     */
    void mediumErrorCounted(final BlockDevice device)
    {
        logPages.errorCounted(device);
    }

    /** PRgeneration (SPC-4 6.13.2). */
    public int persistentReservationGeneration()
    {
        return persistentReservations.generation();
    }

    /**
     * How many abort requests (PREEMPT AND ABORT, LOGICAL UNIT RESET, TARGET RESET) any logical unit
     * of the process has recorded for other nexuses so far: while it has not moved, {@link #abortRequested} is false
     * for every nexus and logical unit. Any thread.
     */
    public static long abortRequestCount()
    {
        return AbortRequests.anyLogicalUnit();
    }

    /**
     * The transport's half of aborting another I_T nexus' tasks (SAM-5 5.6): PREEMPT AND ABORT (SPC-4 5.12.11.2.6)
     * and a LOGICAL UNIT RESET or TARGET RESET of another nexus (SAM-5 7.7, 7.11: every task set, though each nexus
     * has its own, TST 001b). Call on the nexus' loop thread, e.g. on its connection
     * timer, for each logical unit the nexus can reach. True once after such a request (through any port, from any
     * initiator) covered this nexus: abort its tasks for this logical unit with {@link ScsiTask#abort()}; the control
     * mode page's TAS bit is 1, so each completes with TASK ABORTED status once its current backstore step has
     * ended, and the transport answers it (no unit attention: the status tells). Two volatile reads when nothing
     * happened; allocation-free.
     */
    public boolean abortRequested(final ItNexus nexus)
    {
        final long[] seen = nexus.uaSeen(unitAttentions.index());
        final int slot = unitAttentions.index() * UnitAttentions.SLOTS + UnitAttentions.ABORT_SLOT;
        final long now = abortRequests.generation();
        final long before = seen[slot];
        if (before == now)
        {
            return false;
        }
        seen[slot] = now;
        // -1: the nexus never spoke to this logical unit, so it has nothing to abort.
        return before != -1 && abortRequests.requested(nexus, before, now);
    }

    /** The nexus' highest priority pending unit attention, now cleared, or -1 (its loop thread). */
    int takeUnitAttention(final ItNexus nexus)
    {
        return unitAttentions.take(nexus, abortRequests.generation());
    }

    /** Named-port unit attentions waiting for their initiators (for tests and diagnostics). */
    int pendingTargetedUnitAttentions()
    {
        return unitAttentions.targetedCount();
    }

    public boolean writeCacheEnabled()
    {
        return modePages.writeCacheEnabled();
    }

    public boolean descriptorSense()
    {
        return modePages.descriptorSense();
    }

    /** SWP of the control mode page (SPC-4 7.5.8): every initiator's writes are refused while it is set. */
    public boolean softwareWriteProtect()
    {
        return modePages.softwareWriteProtect();
    }

    /**
     * Where internal errors are reported, once each, on the thread that ran into them (any event loop). Default:
     * {@link System.Logger} at ERROR. The handler must not throw.
     */
    public LogicalUnit errorHandler(final ErrorHandler errorHandler)
    {
        frames.errorHandler(errorHandler);
        return this;
    }

    /** Who hears of SANITIZE and FORMAT UNIT operations starting and ending (to log them); default nobody. */
    public LogicalUnit mediumEvents(final MediumEvents events)
    {
        this.mediumEvents = Objects.requireNonNull(events, "events");
        return this;
    }

    MediumEvents mediumEvents()
    {
        return mediumEvents;
    }

    /**
     * LOGICAL UNIT RESET or TARGET RESET (SAM-5 7.7, 7.11): releases the SPC-2 reservation, asks the transport to
     * abort every other nexus' tasks ({@link #abortRequested}; the issuer's own are its transport's to abort) and
     * establishes POWER ON, RESET, OR BUS DEVICE RESET OCCURRED for every I_T nexus, the issuer's included
     * (libiscsi's MultipathIO.Reset checks every path, the resetting one too). Persistent reservations survive
     * (SPC-4 5.12.1).
     *
     * @param issuer the nexus that sent the reset, or null for a reset no nexus asked for (nothing is aborted).
     */
    public void resetLun(final ItNexus issuer)
    {
        spc2Reservation.clear();
        if (issuer != null)
        {
            abortRequests.addAllBut(issuer);
        }
        selfTest.abortOther();   // logged "aborted by another method" (SPC-4 7.3.16, SELF-TEST RESULTS 2h)
        unitAttentions.raise(UnitAttentions.POWER_ON_RESET, null);
    }

    /**
     * Power on style reset: every nexus gets POWER ON / RESET.
     */
    public void resetLun()
    {
        resetLun(null);
    }

    /**
     * The logical unit is no longer served (its LUN deleted): a self-test in progress ends at its next step, so its
     * backstore can be released. A sanitize operation runs to its end. Shared persistent reservations are no longer
     * taken from the other gateways.
     */
    public void retired()
    {
        selfTest.abortOther();
        persistentReservations.retired();
    }

    /**
     * The target's LUN inventory changed: REPORTED LUNS DATA HAS CHANGED for every nexus (SPC-4 6.33).
     */
    public void reportedLunsChanged()
    {
        unitAttentions.raise(UnitAttentions.REPORTED_LUNS_DATA_HAS_CHANGED, null);
    }

    /**
     * The write protection one initiator has through one target port changed (its node ACL made read-only or
     * writable): MODE PARAMETERS CHANGED (2A/01) for every I_T nexus of that initiator through that port, as the
     * mode parameter header's WP bit it reads is a mode parameter (SPC-4 5.14, SBC-4 6.5.2). Any thread.
     *
     * @param initiatorName        the iSCSI initiator name: every initiator port (ISID) of it.
     * @param relativeTargetPortId the target port (TPG) through which the protection changed.
     */
    public void writeProtectionChangedFor(final String initiatorName, final int relativeTargetPortId)
    {
        unitAttentions.raiseFor(initiatorName, relativeTargetPortId, Asc.MODE_PARAMETERS_CHANGED);
    }

    /**
     * The I_T nexus ended (logout, connection loss, session reinstatement): an SPC-2 reservation it held is
     * released (SPC-2 5.5.1: reservations are released on I_T nexus loss).
     */
    public void nexusLost(final ItNexus nexus)
    {
        spc2Reservation.releaseIfHeldBy(nexus);
    }

    /** The I_T nexus holding the SPC-2 RESERVE(6)/(10) reservation, or null. */
    public ItNexus reservationHolder()
    {
        return spc2Reservation.holder();
    }

    /**
     * Run one command. The listener is always called exactly once.
     *
     * @return true if the task completed (and its listener was called) before this method returned.
     */
    public boolean execute(final ScsiTask task)
    {
        return frames.execute(task);
    }

    /** Admits and runs a command, inside its fault frame ({@link FaultFrames#execute}). */
    void dispatch(final ScsiTask t)
    {
        if (t.aborted())
        {
            t.status(ScsiStatus.TASK_ABORTED);
            t.complete();
            return;
        }
        final MemorySegment cdb = t.cdb();
        final int row = OpcodeTable.row(cdb);
        if (!admission.admits(t, cdb, row))
        {
            return;
        }
        if (row == OpcodeTable.NO_ROW)
        {
            Responses.illegal(t, Asc.INVALID_COMMAND_OPERATION_CODE, 0); // SPC-4 4.5.6
            return;
        }
        handlers.run(OpcodeTable.handler(row), t, cdb);
    }
}
