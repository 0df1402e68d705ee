package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * A direct-access block device logical unit (SBC-3) and its device server (SPC-4): the opcode table.
 * <p>
 * One instance per configured LUN, shared by every event loop. {@link #execute(ScsiTask)} allocates nothing;
 * the little mutable state (mode page bits, SPC-2 reservation, unit attention generations, COMPARE AND WRITE
 * range locks) is thread-safe. Each loop passes its own {@link BlockDevice} handle in the task.
 * <p>
 * Completion contract: the task's {@link ScsiTaskListener} is called exactly once per {@code execute}, possibly
 * before {@code execute} returns (emulated commands, RAM backstores). {@code execute} returns true when that has
 * already happened. After the listener is called the LU does not touch the task again.
 */
public final class LogicalUnit
{
    // Opcodes (SPC-4 / SBC-3 command tables).
    public static final int TEST_UNIT_READY = 0x00;
    public static final int REQUEST_SENSE = 0x03;
    public static final int READ_6 = 0x08;
    public static final int WRITE_6 = 0x0A;
    public static final int INQUIRY = 0x12;
    public static final int MODE_SELECT_6 = 0x15;
    public static final int RESERVE_6 = 0x16;
    public static final int RELEASE_6 = 0x17;
    public static final int MODE_SENSE_6 = 0x1A;
    public static final int START_STOP_UNIT = 0x1B;
    public static final int PREVENT_ALLOW_MEDIUM_REMOVAL = 0x1E;
    public static final int READ_CAPACITY_10 = 0x25;
    public static final int READ_10 = 0x28;
    public static final int WRITE_10 = 0x2A;
    public static final int WRITE_AND_VERIFY_10 = 0x2E;
    public static final int VERIFY_10 = 0x2F;
    public static final int PRE_FETCH_10 = 0x34;
    public static final int SYNCHRONIZE_CACHE_10 = 0x35;
    public static final int WRITE_SAME_10 = 0x41;
    public static final int UNMAP = 0x42;
    public static final int MODE_SELECT_10 = 0x55;
    public static final int RESERVE_10 = 0x56;
    public static final int RELEASE_10 = 0x57;
    public static final int MODE_SENSE_10 = 0x5A;
    public static final int PERSISTENT_RESERVE_IN = 0x5E;
    public static final int PERSISTENT_RESERVE_OUT = 0x5F;
    public static final int READ_DEFECT_DATA_10 = 0x37;
    public static final int READ_DEFECT_DATA_12 = 0xB7;
    public static final int ORWRITE_16 = 0x8B;
    public static final int READ_16 = 0x88;
    public static final int COMPARE_AND_WRITE = 0x89;
    public static final int WRITE_16 = 0x8A;
    public static final int WRITE_AND_VERIFY_16 = 0x8E;
    public static final int VERIFY_16 = 0x8F;
    public static final int PRE_FETCH_16 = 0x90;
    public static final int SYNCHRONIZE_CACHE_16 = 0x91;
    public static final int WRITE_SAME_16 = 0x93;
    public static final int SERVICE_ACTION_IN_16 = 0x9E;
    public static final int REPORT_LUNS = 0xA0;
    public static final int MAINTENANCE_IN = 0xA3;
    public static final int READ_12 = 0xA8;
    public static final int WRITE_12 = 0xAA;
    public static final int WRITE_AND_VERIFY_12 = 0xAE;
    public static final int VERIFY_12 = 0xAF;

    public static final int SA_READ_CAPACITY_16 = 0x10;
    public static final int SA_GET_LBA_STATUS = 0x12;
    public static final int SA_REPORT_TARGET_PORT_GROUPS = 0x0A;
    public static final int SA_REPORT_SUPPORTED_OPERATION_CODES = 0x0C;
    public static final int SA_REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS = 0x0D;

    // Limits reported in the Block Limits VPD page (SBC-3 6.5.3).
    public static final int DEFAULT_MAX_TRANSFER_BYTES = 1024 * 1024;
    public static final int MAX_UNMAP_BLOCK_DESCRIPTORS = 64;
    public static final long MAX_UNMAP_BYTES = 1L << 30;
    /** libiscsi's Inquiry.BlockLimits calls more than 2^20 "insanely big". */
    public static final long MAX_UNMAP_BLOCKS = 1L << 20;
    public static final long MAX_WRITE_SAME_BYTES = 1L << 30;

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
    private final ModePages modePages = new ModePages();
    private volatile ItNexus reservationHolder;
    private final Object reservationLock = new Object();
    private final UnitAttentions unitAttentions = new UnitAttentions();
    private final MediaCommands media;
    private final InquiryData inquiryData;
    private final PersistentReservations persistentReservations = new PersistentReservations();

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
        this.maxWriteSameBlocks = MAX_WRITE_SAME_BYTES / blockSize;
        this.inquiryData = new InquiryData(identity, blockSize, thinProvisioning, maxTransferBlocks,
            maxCompareAndWriteBlocks, maxUnmapBlocks, maxWriteSameBlocks);
        this.media = new MediaCommands(this, blockSize, thinProvisioning, readOnly, maxTransferBlocks,
            maxCompareAndWriteBlocks, maxUnmapBlocks, maxWriteSameBlocks, modePages);
    }

    /** Continues a medium-access command: see {@link ScsiTask#onIoComplete(int)}. */
    void onIoComplete(final ScsiTask t, final int result)
    {
        media.onIoComplete(t, result);
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
     * Whether a nexus's first command to this LU reports POWER ON, RESET (SAM-5 6.3.1 reads so for nexuses
     * that existed at power on). Default false: only resets after the nexus first spoke are reported.
     */
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

    public LogicalUnit newNexusPowerOnUnitAttention(final boolean report)
    {
        unitAttentions.newNexusPowerOnUnitAttention(report);
        return this;
    }

    public boolean writeCacheEnabled()
    {
        return modePages.writeCacheEnabled();
    }

    public boolean descriptorSense()
    {
        return modePages.descriptorSense();
    }

    /** Backstore errors seen (each turned into a CHECK CONDITION). */
    public long ioErrorCount()
    {
        return media.ioErrorCount();
    }

    /** COMPARE AND WRITE / ORWRITE commands answered BUSY: an overlapping one was in flight on another loop. */
    public long compareAndWriteBusyCount()
    {
        return media.busyCount();
    }

    /** COMPARE AND WRITE / ORWRITE commands that waited behind an overlapping one of the same loop. */
    public long compareAndWriteQueuedCount()
    {
        return media.queuedCount();
    }

    /**
     * LOGICAL UNIT RESET or TARGET RESET (SAM-5 7.7, 7.11): releases the SPC-2 reservation and establishes
     * POWER ON, RESET, OR BUS DEVICE RESET OCCURRED for every I_T nexus, the issuer's included (libiscsi's
     * MultipathIO.Reset checks every path, the resetting one too). Persistent reservations survive (SPC-4
     * 5.12.1). Aborting the task set is the transport's job.
     *
     * @param issuer the nexus that sent the reset, or null (kept for logs and symmetry; it is not exempted).
     */
    public void resetLun(final ItNexus issuer)
    {
        synchronized (reservationLock)
        {
            reservationHolder = null;
        }
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
     * The target's LUN inventory changed: REPORTED LUNS DATA HAS CHANGED for every nexus (SPC-4 6.33).
     */
    public void reportedLunsChanged()
    {
        unitAttentions.raise(UnitAttentions.REPORTED_LUNS_DATA_HAS_CHANGED, null);
    }

    /**
     * The I_T nexus ended (logout, connection loss, session reinstatement): an SPC-2 reservation it held is
     * released (SPC-2 5.5.1: reservations are released on I_T nexus loss).
     */
    public void nexusLost(final ItNexus nexus)
    {
        synchronized (reservationLock)
        {
            final ItNexus holder = reservationHolder;
            if (holder != null && holder.sameAs(nexus))
            {
                reservationHolder = null;
            }
        }
    }

    public ItNexus reservationHolder()
    {
        return reservationHolder;
    }

    /**
     * Run one command. The listener is always called exactly once.
     *
     * @return true if the task completed (and its listener was called) before this method returned.
     */
    public boolean execute(final ScsiTask task)
    {
        final long sequence = ++task.executeSequence;
        task.logicalUnit = this;
        task.clearResult();
        task.descriptorSense = modePages.descriptorSense();
        task.clearCommandState();
        dispatch(task);
        return task.completedSequence == sequence || task.executeSequence != sequence;
    }

    private void dispatch(final ScsiTask t)
    {
        if (t.aborted())
        {
            t.status(ScsiStatus.TASK_ABORTED);
            t.complete();
            return;
        }
        final MemorySegment cdb = t.cdb();
        final int opcode = t.opcode();
        if (!CdbFields.noNaca(t, cdb, CdbFields.groupCdbLength(opcode)))
        {
            return;
        }
        if (!checkUnitAttention(t, opcode) || !checkReservation(t, opcode))
        {
            return;
        }

        switch (opcode)
        {
            case TEST_UNIT_READY:
            case START_STOP_UNIT:
            case PREVENT_ALLOW_MEDIUM_REMOVAL:
                // Always ready, no medium to eject or lock (RMB=0).
                Responses.good(t);
                break;
            case REQUEST_SENSE:
                requestSense(t, cdb);
                break;
            case INQUIRY:
                inquiryData.inquiry(t, cdb, unmapReadsZeros);
                break;
            case READ_6:
                media.read(t, CdbFields.lba6(cdb), CdbFields.transferLength6(cdb), 4);
                break;
            case READ_10:
                if (CdbFields.noProtectionInformation(t, cdb))
                {
                    media.read(t, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7), 7);
                }
                break;
            case READ_12:
                if (CdbFields.noProtectionInformation(t, cdb))
                {
                    media.read(t, Bytes.u32(cdb, 2), Bytes.u32(cdb, 6), 6);
                }
                break;
            case READ_16:
                if (CdbFields.noProtectionInformation(t, cdb))
                {
                    media.read(t, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10), 10);
                }
                break;
            case WRITE_6:
                media.write(t, CdbFields.lba6(cdb), CdbFields.transferLength6(cdb), false, 4);
                break;
            case WRITE_10:
                if (CdbFields.noProtectionInformation(t, cdb))
                {
                    media.write(t, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7), CdbFields.fua(cdb), 7);
                }
                break;
            case WRITE_12:
                if (CdbFields.noProtectionInformation(t, cdb))
                {
                    media.write(t, Bytes.u32(cdb, 2), Bytes.u32(cdb, 6), CdbFields.fua(cdb), 6);
                }
                break;
            case WRITE_16:
                if (CdbFields.noProtectionInformation(t, cdb))
                {
                    media.write(t, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10), CdbFields.fua(cdb), 10);
                }
                break;
            case WRITE_AND_VERIFY_10:
                media.writeAndVerify(t, cdb, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7), 7);
                break;
            case WRITE_AND_VERIFY_12:
                media.writeAndVerify(t, cdb, Bytes.u32(cdb, 2), Bytes.u32(cdb, 6), 6);
                break;
            case WRITE_AND_VERIFY_16:
                media.writeAndVerify(t, cdb, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10), 10);
                break;
            case VERIFY_10:
                media.verify(t, cdb, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7), 7);
                break;
            case VERIFY_12:
                media.verify(t, cdb, Bytes.u32(cdb, 2), Bytes.u32(cdb, 6), 6);
                break;
            case VERIFY_16:
                media.verify(t, cdb, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10), 10);
                break;
            case SYNCHRONIZE_CACHE_10:
                media.synchronizeCache(t, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7));
                break;
            case SYNCHRONIZE_CACHE_16:
                media.synchronizeCache(t, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10));
                break;
            case PRE_FETCH_10:
                media.preFetch(t, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7));
                break;
            case PRE_FETCH_16:
                media.preFetch(t, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10));
                break;
            case WRITE_SAME_10:
                media.writeSame(t, cdb, Bytes.u32(cdb, 2), Bytes.u16(cdb, 7), 7, false);
                break;
            case WRITE_SAME_16:
                media.writeSame(t, cdb, Bytes.u64(cdb, 2), Bytes.u32(cdb, 10), 10, (Bytes.u8(cdb, 1) & 0x01) != 0);
                break;
            case UNMAP:
                media.unmap(t, cdb);
                break;
            case COMPARE_AND_WRITE:
                media.compareAndWrite(t, cdb);
                break;
            case ORWRITE_16:
                media.orWrite(t, cdb);
                break;
            case READ_DEFECT_DATA_10:
                readDefectData(t, cdb, false);
                break;
            case READ_DEFECT_DATA_12:
                readDefectData(t, cdb, true);
                break;
            case READ_CAPACITY_10:
                readCapacity10(t, cdb);
                break;
            case SERVICE_ACTION_IN_16:
                serviceActionIn(t, cdb);
                break;
            case MODE_SENSE_6:
                modePages.sense(t, cdb, false, blockCount, blockSize, readOnly);
                break;
            case MODE_SENSE_10:
                modePages.sense(t, cdb, true, blockCount, blockSize, readOnly);
                break;
            case MODE_SELECT_6:
                modeSelect(t, cdb, false);
                break;
            case MODE_SELECT_10:
                modeSelect(t, cdb, true);
                break;
            case RESERVE_6:
            case RESERVE_10:
                reserve(t, cdb, opcode == RESERVE_10);
                break;
            case RELEASE_6:
            case RELEASE_10:
                release(t);
                break;
            case MAINTENANCE_IN:
                maintenanceIn(t, cdb);
                break;
            case PERSISTENT_RESERVE_IN:
                persistentReservations.in(t, cdb);
                break;
            case PERSISTENT_RESERVE_OUT:
                persistentReservations.out(t, cdb);
                break;
            case REPORT_LUNS:
                // Normally answered by the transport for the whole target; here only this LU is known.
                reportLunsFallback(t);
                break;
            default:
                // SPC-4 4.5.6.
                Responses.illegal(t, Asc.INVALID_COMMAND_OPERATION_CODE, 0);
                break;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Emulated commands

    private void readDefectData(final ScsiTask t, final MemorySegment cdb, final boolean twelve)
    {
        // SBC-3 5.17, 5.18: no defect lists to report; the header says so for whichever lists were asked.
        final int flags = Bytes.u8(cdb, twelve ? 1 : 2) & 0x1F;
        final long allocationLength = twelve ? Bytes.u32(cdb, 6) : Bytes.u16(cdb, 7);
        final MemorySegment out = t.scratch();
        final int length = twelve ? 8 : 4;
        Bytes.zero(out, 0, length);
        Bytes.put8(out, 1, flags);
        Responses.dataIn(t, length, allocationLength);
    }


    private void requestSense(final ScsiTask t, final MemorySegment cdb)
    {
        // SPC-4 6.39: reports (and clears) a pending unit attention, else NO SENSE.
        final boolean descriptor = (Bytes.u8(cdb, 1) & 0x01) != 0;
        final int allocationLength = Bytes.u8(cdb, 4);
        final ItNexus nexus = t.nexus();
        final int ua = nexus == null ? -1 : unitAttentions.take(nexus);
        final MemorySegment scratch = t.scratch();
        final int length = ua < 0 ?
            ScsiTask.writeSense(scratch, descriptor, SenseKey.NO_SENSE, Asc.NO_ADDITIONAL_SENSE, false, 0, 0) :
            ScsiTask.writeSense(scratch, descriptor, SenseKey.UNIT_ATTENTION, ua, false, 0, 0);
        Responses.dataIn(t, length, allocationLength);
    }

    private void readCapacity10(final ScsiTask t, final MemorySegment cdb)
    {
        // SBC-3 5.15: LBA must be 0 when PMI is 0.
        if ((Bytes.u8(cdb, 8) & 0x01) == 0 && Bytes.u32(cdb, 2) != 0)
        {
            Responses.invalidCdb(t, 2, -1);
            return;
        }
        final long lastLba = blockCount - 1;
        final MemorySegment out = t.scratch();
        Bytes.put32(out, 0, lastLba > 0xFFFF_FFFEL ? 0xFFFF_FFFFL : lastLba); // "use READ CAPACITY (16)"
        Bytes.put32(out, 4, blockSize);
        Responses.dataIn(t, 8, 8);
    }

    private void serviceActionIn(final ScsiTask t, final MemorySegment cdb)
    {
        switch (Bytes.u8(cdb, 1) & 0x1F)
        {
            case SA_READ_CAPACITY_16:
                readCapacity16(t, cdb);
                break;
            case SA_GET_LBA_STATUS:
                getLbaStatus(t, cdb);
                break;
            default:
                Responses.invalidCdb(t, 1, 4);
                break;
        }
    }

    private void readCapacity16(final ScsiTask t, final MemorySegment cdb)
    {
        // SBC-3 5.16.
        final MemorySegment out = t.scratch();
        Bytes.zero(out, 0, 32);
        Bytes.put64(out, 0, blockCount - 1);
        Bytes.put32(out, 8, blockSize);
        // LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT: initiators align their I/O to it (Linux physical_block_size).
        Bytes.put8(out, 13, Integer.numberOfTrailingZeros(physicalBlockSize / blockSize));
        if (thinProvisioning)
        {
            Bytes.put8(out, 14, 0x80 | (unmapReadsZeros ? 0x40 : 0)); // LBPME, LBPRZ
        }
        Responses.dataIn(t, 32, Bytes.u32(cdb, 10));
    }

    private void getLbaStatus(final ScsiTask t, final MemorySegment cdb)
    {
        // SBC-3 5.4: one LBA status descriptor for the run that starts at the given LBA.
        final long lba = Bytes.u64(cdb, 2);
        final long capacity = blockCount;
        if (Long.compareUnsigned(lba, capacity) >= 0)
        {
            Responses.illegal(t, Asc.LBA_OUT_OF_RANGE, 0);
            return;
        }
        final BlockDevice device = t.device();
        long extent = device != null && thinProvisioning ?
            device.mappedExtent(lba * blockSize) : (capacity - lba) * blockSize;
        final boolean deallocated = extent < 0;
        extent = Math.abs(extent);
        long blocks = Math.max(1, extent / blockSize);
        blocks = Math.min(Math.min(blocks, capacity - lba), 0xFFFF_FFFFL);
        final MemorySegment out = t.scratch();
        Bytes.zero(out, 0, 24);
        Bytes.put32(out, 0, 20);
        Bytes.put64(out, 8, lba);
        Bytes.put32(out, 16, blocks);
        Bytes.put8(out, 20, deallocated ? 0x01 : 0x00);
        Responses.dataIn(t, 24, Bytes.u32(cdb, 10));
    }

    private void modeSelect(final ScsiTask t, final MemorySegment cdb, final boolean ten)
    {
        final int outcome = modePages.select(t, cdb, ten, blockSize);
        if (outcome < 0)
        {
            return;
        }
        if (outcome > 0)
        {
            // SPC-4 6.9: the other I_T nexuses get MODE PARAMETERS CHANGED.
            unitAttentions.raise(UnitAttentions.MODE_PARAMETERS_CHANGED, t.nexus());
        }
        Responses.good(t);
    }

    private void reserve(final ScsiTask t, final MemorySegment cdb, final boolean ten)
    {
        // SPC-2 7.21: whole-LU reservation; third-party and extents are not supported.
        if (ten && (Bytes.u8(cdb, 1) & 0x12) != 0)
        {
            Responses.invalidCdb(t, 1, (Bytes.u8(cdb, 1) & 0x10) != 0 ? 4 : 1);
            return;
        }
        final ItNexus nexus = t.nexus();
        if (persistentReservations.registrationCount() > 0)
        {
            // SPC-4 5.12.3: with any persistent reservation registration, RESERVE and RELEASE conflict.
            Responses.reservationConflict(t);
            return;
        }
        synchronized (reservationLock)
        {
            final ItNexus holder = reservationHolder;
            if (holder != null && !holder.sameAs(nexus))
            {
                Responses.reservationConflict(t);
                return;
            }
            reservationHolder = nexus;
        }
        Responses.good(t);
    }

    private void release(final ScsiTask t)
    {
        // SPC-2 7.17: releasing someone else's (or no) reservation is not an error and changes nothing.
        final ItNexus nexus = t.nexus();
        if (persistentReservations.registrationCount() > 0)
        {
            Responses.reservationConflict(t);
            return;
        }
        synchronized (reservationLock)
        {
            final ItNexus holder = reservationHolder;
            if (holder != null && holder.sameAs(nexus))
            {
                reservationHolder = null;
            }
        }
        Responses.good(t);
    }

    private void maintenanceIn(final ScsiTask t, final MemorySegment cdb)
    {
        switch (Bytes.u8(cdb, 1) & 0x1F)
        {
            case SA_REPORT_SUPPORTED_OPERATION_CODES:
                reportSupportedOperationCodes(t, cdb);
                break;
            case SA_REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS:
                reportSupportedTaskManagementFunctions(t, cdb);
                break;
            case SA_REPORT_TARGET_PORT_GROUPS:
                reportTargetPortGroups(t, cdb);
                break;
            default:
                Responses.invalidCdb(t, 1, 4);
                break;
        }
    }

    private void reportSupportedOperationCodes(final ScsiTask t, final MemorySegment cdb)
    {
        // SPC-4 6.35.
        final boolean timeouts = (Bytes.u8(cdb, 2) & 0x80) != 0;
        final int options = Bytes.u8(cdb, 2) & 0x07;
        final int opcode = Bytes.u8(cdb, 3);
        final int serviceAction = Bytes.u16(cdb, 4);
        final long allocationLength = Bytes.u32(cdb, 6);
        final MemorySegment out = t.scratch();
        final int length;
        switch (options)
        {
            case 0:
                length = SupportedOperationCodes.encodeAll(out, timeouts);
                break;
            case 1:
                if (SupportedOperationCodes.hasServiceActions(opcode))
                {
                    Responses.invalidCdb(t, 2, 2);
                    return;
                }
                length = SupportedOperationCodes.encodeOne(
                    out, SupportedOperationCodes.find(opcode, SupportedOperationCodes.NO_SERVICE_ACTION), timeouts);
                break;
            case 2:
                if (!SupportedOperationCodes.hasServiceActions(opcode))
                {
                    Responses.invalidCdb(t, 2, 2);
                    return;
                }
                length = SupportedOperationCodes.encodeOne(
                    out, SupportedOperationCodes.find(opcode, serviceAction), timeouts);
                break;
            case 3:
                length = SupportedOperationCodes.encodeOne(out, SupportedOperationCodes.find(opcode,
                    SupportedOperationCodes.hasServiceActions(opcode) ? serviceAction :
                    (serviceAction == 0 ? SupportedOperationCodes.NO_SERVICE_ACTION : -2)), timeouts);
                break;
            default:
                Responses.invalidCdb(t, 2, 2);
                return;
        }
        Responses.dataIn(t, length, allocationLength);
    }

    private void reportTargetPortGroups(final ScsiTask t, final MemorySegment cdb)
    {
        // SPC-4 6.37, 5.16 (implicit ALUA, TPGS=01b): one target port group, always active/optimized, holding
        // this LU's target port. Enough for dm-multipath's and ESXi's ALUA handlers to treat every path alike.
        final int format = Bytes.u8(cdb, 1) >>> 5;
        if (format > 1)
        {
            Responses.invalidCdb(t, 1, 7);
            return;
        }
        final long allocationLength = Bytes.u32(cdb, 6);
        final MemorySegment out = t.scratch();
        final int header = format == 1 ? 8 : 4;
        final int length = header + 8 + 4;
        Bytes.zero(out, 0, length);
        Bytes.put32(out, 0, length - 4);
        if (format == 1)
        {
            Bytes.put8(out, 4, 0x10); // FORMAT TYPE 1: extended header; implicit transition time 0
        }
        final int d = header;
        Bytes.put8(out, d, 0x80); // PREF, ASYMMETRIC ACCESS STATE 0h active/optimized
        Bytes.put8(out, d + 1, 0x01); // AO_SUP only
        Bytes.put16(out, d + 2, identity.targetPortGroup());
        Bytes.put8(out, d + 7, 1); // target port count
        Bytes.put16(out, d + 10, identity.relativeTargetPortId());
        Responses.dataIn(t, length, allocationLength);
    }

    private void reportSupportedTaskManagementFunctions(final ScsiTask t, final MemorySegment cdb)
    {
        // SPC-4 6.36: ABORT TASK, ABORT TASK SET, CLEAR TASK SET, LOGICAL UNIT RESET, TARGET RESET (RFC 7143
        // 11.5.1 functions 1, 2, 3, 5, 6); CLEAR ACA (no ACA), QUERY TASK not offered.
        final boolean extended = (Bytes.u8(cdb, 2) & 0x80) != 0;
        final long allocationLength = Bytes.u32(cdb, 6);
        if (allocationLength < 4)
        {
            Responses.invalidCdb(t, 6, -1);
            return;
        }
        final MemorySegment out = t.scratch();
        Bytes.zero(out, 0, 16);
        Bytes.put8(out, 0, 0x80 | 0x40 | 0x10 | 0x08 | 0x02); // ATS ATSS CTSS LURS TRS
        final int length = extended ? 16 : 4;
        if (extended)
        {
            Bytes.put8(out, 3, 0x0C);
        }
        Responses.dataIn(t, length, allocationLength);
    }

    private void reportLunsFallback(final ScsiTask t)
    {
        final MemorySegment cdb = t.cdb();
        final long allocationLength = Bytes.u32(cdb, 6);
        if (allocationLength < ReportLuns.MIN_ALLOCATION_LENGTH)
        {
            Responses.invalidCdb(t, 6, -1);
            return;
        }
        final MemorySegment out = t.scratch();
        Bytes.put32(out, 0, 8);
        Bytes.put32(out, 4, 0);
        Bytes.put64(out, 8, t.lun());
        Responses.dataIn(t, 16, allocationLength);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Unit attentions and reservations

    private boolean checkUnitAttention(final ScsiTask t, final int opcode)
    {
        // SPC-4 5.14 / SAM-5 5.14: INQUIRY, REPORT LUNS and REQUEST SENSE are not stopped by a unit attention.
        final ItNexus nexus = t.nexus();
        if (nexus == null || opcode == INQUIRY || opcode == REPORT_LUNS || opcode == REQUEST_SENSE)
        {
            return true;
        }
        final int ua = unitAttentions.take(nexus);
        if (ua < 0)
        {
            return true;
        }
        t.checkCondition(SenseKey.UNIT_ATTENTION, ua);
        t.complete();
        return false;
    }

    private boolean checkReservation(final ScsiTask t, final int opcode)
    {
        final ItNexus holder = reservationHolder;
        final ItNexus nexus = t.nexus();
        if (nexus == null)
        {
            return true;
        }
        if (persistentReservations.reserved() && persistentReservations.conflicts(nexus, opcode, t.cdb()))
        {
            Responses.reservationConflict(t);
            return false;
        }
        if (holder == null || holder.sameAs(nexus))
        {
            return true;
        }
        switch (opcode)
        {
            // SPC-2 5.5.1 table 10: allowed for other initiators under a RESERVE(6)/(10) reservation.
            case INQUIRY:
            case REQUEST_SENSE:
            case REPORT_LUNS:
            case RELEASE_6:
            case RELEASE_10:
            case MAINTENANCE_IN:
                return true;
            default:
                Responses.reservationConflict(t);
                return false;
        }
    }
}
