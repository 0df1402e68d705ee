package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The medium-access commands of one logical unit (SBC-3 5.x: READ, WRITE, WRITE AND VERIFY, VERIFY, COMPARE AND
 * WRITE, ORWRITE, WRITE SAME, UNMAP, SYNCHRONIZE CACHE, PRE-FETCH) and their state machine: one backstore call
 * per step, the state kept in the {@link ScsiTask}, steps that complete synchronously continued by a loop
 * rather than by recursion. Allocation-free.
 */
final class MediaCommands
{
    // Phases of the command state machine kept in the task.
    static final int PHASE_NONE = 0;
    static final int PHASE_READ = 1;
    static final int PHASE_WRITE = 2;
    static final int PHASE_FLUSH = 3;
    static final int PHASE_VERIFY_READ = 4;
    static final int PHASE_WAV_WRITE = 5;
    static final int PHASE_CAW_READ = 6;
    static final int PHASE_CAW_WRITE = 7;
    static final int PHASE_WS_WRITE = 8;
    static final int PHASE_WS_UNMAP = 9;
    static final int PHASE_UNMAP = 10;
    static final int PHASE_ORW_READ = 11;
    static final int PHASE_ORW_WRITE = 12;

    private static final int VERIFY_MEDIUM = 0;
    private static final int VERIFY_COMPARE = 1;
    private static final int VERIFY_COMPARE_ONE_BLOCK = 3;

    private static final int ERRNO_ENOSPC = 28;

    private final LogicalUnit lu;
    private final int blockSize;
    private final boolean thinProvisioning;
    private final boolean readOnly;
    private final long maxTransferBlocks;
    private final int maxCompareAndWriteBlocks;
    private final long maxUnmapBlocks;
    private final long maxWriteSameBlocks;
    private final ModePages modePages;
    private final RangeLocks rangeLocks = new RangeLocks();
    private final AtomicLong ioErrors = new AtomicLong();
    private final AtomicLong cawBusy = new AtomicLong();

    MediaCommands(
        final LogicalUnit lu,
        final int blockSize,
        final boolean thinProvisioning,
        final boolean readOnly,
        final long maxTransferBlocks,
        final int maxCompareAndWriteBlocks,
        final long maxUnmapBlocks,
        final long maxWriteSameBlocks,
        final ModePages modePages)
    {
        this.lu = lu;
        this.blockSize = blockSize;
        this.thinProvisioning = thinProvisioning;
        this.readOnly = readOnly;
        this.maxTransferBlocks = maxTransferBlocks;
        this.maxCompareAndWriteBlocks = maxCompareAndWriteBlocks;
        this.maxUnmapBlocks = maxUnmapBlocks;
        this.maxWriteSameBlocks = maxWriteSameBlocks;
        this.modePages = modePages;
    }

    long ioErrorCount()
    {
        return ioErrors.get();
    }

    long busyCount()
    {
        return cawBusy.get();
    }

    long queuedCount()
    {
        return rangeLocks.queuedCount();
    }

    void read(final ScsiTask t, final long lba, final long blocks, final int lengthField)
    {
        if (Long.compareUnsigned(blocks, maxTransferBlocks) > 0)
        {
            Responses.invalidCdb(t, lengthField, -1); // SBC-3 6.5.3: above MAXIMUM TRANSFER LENGTH
            return;
        }
        if (!inRange(t, lba, blocks))
        {
            return;
        }
        final long bytes = blocks * blockSize;
        t.residual(bytes);
        final int length = (int)Math.min(bytes, Responses.room(t));
        if (length == 0)
        {
            Responses.good(t);
            return;
        }
        final BlockDevice device = t.device();
        if (device == null)
        {
            Responses.noDevice(t);
            return;
        }
        t.phase = PHASE_READ;
        t.ioLength = length;
        device.read(t, lba * blockSize, t.dataBuffer(), length);
    }

    /**
     * The checks every write-type command starts with (transfer length limit, write protection, LBA range,
     * residuals) and the bytes to write: whole blocks of what the initiator actually sent (libiscsi write residual
     * tests: EDTL below the transfer length writes EDTL's worth of blocks, above it the CDB's).
     *
     * @return the length to write, or -1 when the task was completed here (an error, or nothing to write).
     */
    private int writeLength(final ScsiTask t, final long lba, final long blocks, final int lengthField)
    {
        if (Long.compareUnsigned(blocks, maxTransferBlocks) > 0)
        {
            Responses.invalidCdb(t, lengthField, -1);
            return -1;
        }
        if (!writable(t) || !inRange(t, lba, blocks))
        {
            return -1;
        }
        final long bytes = blocks * blockSize;
        t.residual(bytes);
        final int length = (int)(Math.min(bytes, Responses.room(t)) / blockSize * blockSize);
        if (length == 0)
        {
            Responses.good(t);
            return -1;
        }
        return length;
    }

    void write(final ScsiTask t, final long lba, final long blocks, final boolean fua, final int lengthField)
    {
        final int length = writeLength(t, lba, blocks, lengthField);
        if (length < 0)
        {
            return;
        }
        final BlockDevice device = t.device();
        if (device == null)
        {
            Responses.noDevice(t);
            return;
        }
        t.phase = PHASE_WRITE;
        t.ioLength = length;
        device.write(t, lba * blockSize, t.dataBuffer(), length, fua || !modePages.writeCacheEnabled());
    }

    void writeAndVerify(
        final ScsiTask t, final MemorySegment cdb, final long lba, final long blocks, final int lengthField)
    {
        final int byteCheck = (Bytes.u8(cdb, 1) >>> 1) & 0x03;
        if (!CdbFields.noProtectionInformation(t, cdb))
        {
            return;
        }
        if (byteCheck > 1)
        {
            Responses.invalidCdb(t, 1, 2);
            return;
        }
        final int length = writeLength(t, lba, blocks, lengthField);
        if (length < 0)
        {
            return;
        }
        if (t.device() == null)
        {
            Responses.noDevice(t);
            return;
        }
        // SBC-3 5.40: the write reaches the medium (FUA), then BYTCHK=1 reads it back and compares.
        t.phase = PHASE_WAV_WRITE;
        t.mediumOffset = lba * blockSize;
        t.ioLength = length;
        t.bytesTotal = length;
        t.bytesDone = 0;
        t.byteCheck = byteCheck == 1 ? VERIFY_COMPARE : VERIFY_MEDIUM;
        runSteps(t);
    }

    void verify(
        final ScsiTask t, final MemorySegment cdb, final long lba, final long blocks, final int lengthField)
    {
        // SBC-3 5.33 / SBC-4: BYTCHK 00b medium only, 01b compare every block, 11b compare one block to each.
        final int byteCheck = (Bytes.u8(cdb, 1) >>> 1) & 0x03;
        if (!CdbFields.noProtectionInformation(t, cdb))
        {
            return;
        }
        if (byteCheck == 2)
        {
            Responses.invalidCdb(t, 1, 2);
            return;
        }
        if (byteCheck == VERIFY_COMPARE && Long.compareUnsigned(blocks, maxTransferBlocks) > 0)
        {
            Responses.invalidCdb(t, lengthField, -1);
            return;
        }
        if (!inRange(t, lba, blocks))
        {
            return;
        }
        final long outBytes = byteCheck == VERIFY_MEDIUM ? 0 :
            byteCheck == VERIFY_COMPARE ? blocks * blockSize : (blocks == 0 ? 0 : blockSize);
        t.residual(outBytes);
        long bytes = blocks * blockSize;
        if (byteCheck == VERIFY_COMPARE)
        {
            bytes = Math.min(bytes, Responses.room(t)) / blockSize * blockSize;
        }
        else if (byteCheck == VERIFY_COMPARE_ONE_BLOCK && blocks != 0 && Responses.room(t) < blockSize)
        {
            bytes = 0;
        }
        if (bytes == 0)
        {
            Responses.good(t);
            return;
        }
        if (t.device() == null)
        {
            Responses.noDevice(t);
            return;
        }
        t.phase = PHASE_VERIFY_READ;
        t.mediumOffset = lba * blockSize;
        t.bytesTotal = bytes;
        t.bytesDone = 0;
        t.byteCheck = byteCheck;
        runSteps(t);
    }

    void compareAndWrite(final ScsiTask t, final MemorySegment cdb)
    {
        // SBC-3 5.2.
        if (!CdbFields.noProtectionInformation(t, cdb))
        {
            return;
        }
        final long lba = Bytes.u64(cdb, 2);
        final int blocks = Bytes.u8(cdb, 13);
        if (blocks > maxCompareAndWriteBlocks)
        {
            Responses.invalidCdb(t, 13, -1);
            return;
        }
        if (!writable(t) || !inRange(t, lba, blocks))
        {
            return;
        }
        final long half = (long)blocks * blockSize;
        t.residual(2 * half);
        if ((t.expectedDataTransferLength() & 0xFFFF_FFFFL) != 2 * half || Responses.room(t) < 2 * half)
        {
            // The Data-Out must be exactly the verify and the write data (SBC-3 5.2); a 256-block request,
            // which wraps the one-byte field to 0, lands here too.
            Responses.invalidCdb(t, 13, -1);
            return;
        }
        if (blocks == 0)
        {
            Responses.good(t); // "shall not be considered an error"
            return;
        }
        if (t.device() == null)
        {
            Responses.noDevice(t);
            return;
        }
        t.phase = PHASE_CAW_READ;
        t.mediumOffset = lba * blockSize;
        t.ioLength = (int)half;
        t.fua = CdbFields.fua(cdb) || !modePages.writeCacheEnabled();
        startLocked(t, lba, blocks);
    }

    void orWrite(final ScsiTask t, final MemorySegment cdb)
    {
        // SBC-3 5.8 ORWRITE(16): read, OR with the Data-Out, write back, in scratch-sized chunks; serialised
        // against COMPARE AND WRITE and other ORWRITEs on overlapping blocks by the same range table.
        if (!CdbFields.noProtectionInformation(t, cdb))
        {
            return;
        }
        final long lba = Bytes.u64(cdb, 2);
        final long blocks = Bytes.u32(cdb, 10);
        if (blocks > maxTransferBlocks)
        {
            Responses.invalidCdb(t, 10, -1);
            return;
        }
        if (!writable(t) || !inRange(t, lba, blocks))
        {
            return;
        }
        final long bytes = blocks * blockSize;
        t.residual(bytes);
        final long length = Math.min(bytes, Responses.room(t)) / blockSize * blockSize;
        if (length == 0)
        {
            Responses.good(t);
            return;
        }
        if (t.device() == null)
        {
            Responses.noDevice(t);
            return;
        }
        t.phase = PHASE_ORW_READ;
        t.mediumOffset = lba * blockSize;
        t.bytesTotal = length;
        t.bytesDone = 0;
        t.fua = CdbFields.fua(cdb) || !modePages.writeCacheEnabled();
        startLocked(t, lba, length / blockSize);
    }

    void writeSame(
        final ScsiTask t, final MemorySegment cdb, final long lba, final long blocks, final int lengthField,
        final boolean noDataOutBuffer)
    {
        // SBC-3 5.42, 5.43.
        final int flags = Bytes.u8(cdb, 1);
        if ((flags & 0xE0) != 0)
        {
            Responses.invalidCdb(t, 1, 7); // WRPROTECT: no protection information
            return;
        }
        if ((flags & 0x10) != 0)
        {
            Responses.invalidCdb(t, 1, 4); // ANCHOR: ANC_SUP=0 in the Logical Block Provisioning VPD page
            return;
        }
        long count = blocks;
        if (count == 0)
        {
            // SBC-3 5.42 with WSNZ=0: from the LBA to the last one, which must exist.
            final long capacity = lu.blockCount();
            if (Long.compareUnsigned(lba, capacity) >= 0)
            {
                Responses.illegal(t, Asc.LBA_OUT_OF_RANGE, 0);
                return;
            }
            count = capacity - lba;
        }
        if (Long.compareUnsigned(count, maxWriteSameBlocks) > 0)
        {
            Responses.invalidCdb(t, lengthField, -1); // MAXIMUM WRITE SAME LENGTH in the Block Limits page
            return;
        }
        if (!writable(t) || !inRange(t, lba, count))
        {
            return;
        }
        t.residual(noDataOutBuffer ? 0 : blockSize);
        final long edtl = t.expectedDataTransferLength() & 0xFFFF_FFFFL;
        if ((noDataOutBuffer ? edtl != 0 : edtl != blockSize) || (!noDataOutBuffer && Responses.room(t) < blockSize))
        {
            // One block of Data-Out, or none with NDOB (SBC-3 5.43).
            Responses.illegal(t, Asc.INVALID_FIELD_IN_CDB, 0);
            return;
        }
        if (t.device() == null)
        {
            Responses.noDevice(t);
            return;
        }
        final boolean unmapBit = (flags & 0x08) != 0;
        final boolean zeros = noDataOutBuffer || isZero(t.dataBuffer(), blockSize);
        t.mediumOffset = lba * blockSize;
        t.bytesTotal = count * blockSize;
        t.bytesDone = 0;
        t.fua = !modePages.writeCacheEnabled();
        // UNMAP=1 on a thin LU deallocates whatever the Data-Out holds (SBC-3 5.42: the unmap request wins; reads
        // then return what LBPRZ says), as LIO does and libiscsi's WriteSame*.Unmap* tests expect.
        if (unmapBit && thinProvisioning && t.device().supportsUnmap())
        {
            t.phase = PHASE_WS_UNMAP;
        }
        else
        {
            final MemorySegment scratch = t.scratch();
            final int chunk = ScsiTask.SCRATCH_SIZE / blockSize * blockSize;
            if (zeros)
            {
                Bytes.zero(scratch, 0, chunk);
            }
            else
            {
                for (int o = 0; o < chunk; o += blockSize)
                {
                    MemorySegment.copy(t.dataBuffer(), 0, scratch, o, blockSize);
                }
            }
            t.phase = PHASE_WS_WRITE;
        }
        runSteps(t);
    }

    void unmap(final ScsiTask t, final MemorySegment cdb)
    {
        // SBC-3 5.28.
        if (!thinProvisioning)
        {
            Responses.illegal(t, Asc.INVALID_COMMAND_OPERATION_CODE, 0); // LBPU=0
            return;
        }
        if ((Bytes.u8(cdb, 1) & 0x01) != 0)
        {
            Responses.invalidCdb(t, 1, 0); // ANCHOR
            return;
        }
        final int parameterListLength = Bytes.u16(cdb, 7);
        t.residual(parameterListLength);
        if (parameterListLength == 0)
        {
            Responses.good(t);
            return;
        }
        if (!writable(t))
        {
            return;
        }
        if (parameterListLength < 8 || Responses.room(t) < parameterListLength)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return;
        }
        final MemorySegment p = t.dataBuffer();
        final int dataLength = Bytes.u16(p, 0);
        final int descriptorDataLength = Bytes.u16(p, 2);
        if (dataLength != 0 && dataLength + 2 > parameterListLength)
        {
            Responses.invalidParameter(t, 0, -1);
            return;
        }
        if (descriptorDataLength + 8 > parameterListLength)
        {
            Responses.invalidParameter(t, 2, -1);
            return;
        }
        // A trailing partial descriptor is ignored (SBC-3 5.28.2 counts whole descriptors).
        final int descriptors = descriptorDataLength / 16;
        if (descriptors > LogicalUnit.MAX_UNMAP_BLOCK_DESCRIPTORS)
        {
            Responses.invalidParameter(t, 2, -1);
            return;
        }
        final long capacity = lu.blockCount();
        long total = 0;
        for (int i = 0; i < descriptors; i++)
        {
            final int o = 8 + 16 * i;
            final long lba = Bytes.u64(p, o);
            final long count = Bytes.u32(p, o + 8);
            if (Long.compareUnsigned(lba, capacity) > 0 || count > capacity - lba)
            {
                Responses.illegal(t, Asc.LBA_OUT_OF_RANGE, 0);
                return;
            }
            total += count;
            if (count > maxUnmapBlocks || total > maxUnmapBlocks)
            {
                Responses.invalidParameter(t, o + 8, -1); // above MAXIMUM UNMAP LBA COUNT
                return;
            }
        }
        if (total == 0)
        {
            Responses.good(t);
            return;
        }
        if (t.device() == null)
        {
            Responses.noDevice(t);
            return;
        }
        t.phase = PHASE_UNMAP;
        t.unmapDescriptor = 0;
        t.unmapDescriptorCount = descriptors;
        skipEmptyDescriptors(t);
        runSteps(t);
    }

    void synchronizeCache(final ScsiTask t, final long lba, final long blocks)
    {
        // SBC-3 5.22: the range is checked; we flush the whole file (fdatasync has no range on a ring).
        if (!inRange(t, lba, blocks))
        {
            return;
        }
        final BlockDevice device = t.device();
        if (device == null)
        {
            Responses.noDevice(t);
            return;
        }
        t.phase = PHASE_FLUSH;
        device.flush(t);
    }

    void preFetch(final ScsiTask t, final long lba, final long blocks)
    {
        // SBC-3 5.11: we keep no cache of our own, so there is nothing to load; GOOD says "not all of it fits".
        if (inRange(t, lba, blocks))
        {
            Responses.good(t);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Completion and multi-step commands

    void onIoComplete(final ScsiTask t, final int result)
    {
        switch (t.phase)
        {
            case PHASE_READ:
                if (result == t.ioLength)
                {
                    t.dataInLength(result);
                }
                else
                {
                    ioError(t, result, false);
                }
                completeSingleStep(t);
                return;
            case PHASE_WRITE:
                if (result != t.ioLength)
                {
                    ioError(t, result, true);
                }
                completeSingleStep(t);
                return;
            case PHASE_FLUSH:
                if (result < 0)
                {
                    ioError(t, result, true);
                }
                completeSingleStep(t);
                return;
            default:
                stepResult(t, result);
                if (t.inSubmit)
                {
                    t.syncCompleted = true; // runSteps, further up this stack, continues: no recursion
                    return;
                }
                runSteps(t);
        }
    }

    private static void completeSingleStep(final ScsiTask t)
    {
        if (t.aborted())
        {
            t.status(ScsiStatus.TASK_ABORTED); // aborted while its I/O was in flight (SAM-5 5.6)
        }
        t.complete();
    }

    /**
     * Drives a multi-step command: issues one backstore call per turn. Calls that complete synchronously are
     * continued by this loop rather than by recursion.
     */
    private void runSteps(final ScsiTask t)
    {
        while (true)
        {
            if (!t.finished && t.aborted())
            {
                t.status(ScsiStatus.TASK_ABORTED);
                t.finished = true;
            }
            if (t.finished)
            {
                // COMPARE AND WRITE / ORWRITE: the range is free before the initiator hears the status.
                final boolean released = releaseRangeLock(t);
                t.complete();
                if (released)
                {
                    resumeWaiters(t);
                }
                return;
            }
            t.inSubmit = true;
            t.syncCompleted = false;
            issueStep(t);
            t.inSubmit = false;
            if (!t.syncCompleted)
            {
                return;
            }
        }
    }

    private void issueStep(final ScsiTask t)
    {
        final BlockDevice device = t.device();
        switch (t.phase)
        {
            case PHASE_VERIFY_READ:
            {
                final int chunk = (int)Math.min(ScsiTask.SCRATCH_SIZE / blockSize * blockSize,
                    t.bytesTotal - t.bytesDone);
                t.ioLength = chunk;
                device.read(t, t.mediumOffset + t.bytesDone, t.scratch(), chunk);
                break;
            }
            case PHASE_WAV_WRITE:
                device.write(t, t.mediumOffset, t.dataBuffer(), t.ioLength, true);
                break;
            case PHASE_CAW_READ:
                device.read(t, t.mediumOffset, t.scratch(), t.ioLength);
                break;
            case PHASE_ORW_READ:
            {
                final int chunk = (int)Math.min(ScsiTask.SCRATCH_SIZE / blockSize * blockSize,
                    t.bytesTotal - t.bytesDone);
                t.ioLength = chunk;
                device.read(t, t.mediumOffset + t.bytesDone, t.scratch(), chunk);
                break;
            }
            case PHASE_ORW_WRITE:
                device.write(t, t.mediumOffset + t.bytesDone, t.scratch(), t.ioLength, t.fua);
                break;
            case PHASE_CAW_WRITE:
                device.write(t, t.mediumOffset, t.scratch(), t.ioLength, t.fua);
                break;
            case PHASE_WS_WRITE:
            {
                final int chunk = (int)Math.min(ScsiTask.SCRATCH_SIZE / blockSize * blockSize,
                    t.bytesTotal - t.bytesDone);
                t.ioLength = chunk;
                device.write(t, t.mediumOffset + t.bytesDone, t.scratch(), chunk, t.fua);
                break;
            }
            case PHASE_WS_UNMAP:
                device.unmap(t, t.mediumOffset, t.bytesTotal);
                break;
            case PHASE_UNMAP:
            {
                final int o = 8 + 16 * t.unmapDescriptor;
                final MemorySegment p = t.dataBuffer();
                device.unmap(t, Bytes.u64(p, o) * blockSize, Bytes.u32(p, o + 8) * blockSize);
                break;
            }
            default:
                throw new IllegalStateException("phase " + t.phase);
        }
    }

    /**
     * Moves to the next UNMAP block descriptor with blocks to deallocate (a zero-length one is no request, and
     * fallocate would refuse it); marks the command done after the last.
     */
    private static void skipEmptyDescriptors(final ScsiTask t)
    {
        final MemorySegment p = t.dataBuffer();
        while (t.unmapDescriptor < t.unmapDescriptorCount && Bytes.u32(p, 8 + 16 * t.unmapDescriptor + 8) == 0)
        {
            t.unmapDescriptor++;
        }
        t.finished = t.unmapDescriptor >= t.unmapDescriptorCount;
    }

    private void stepResult(final ScsiTask t, final int result)
    {
        switch (t.phase)
        {
            case PHASE_VERIFY_READ:
            {
                if (result != t.ioLength)
                {
                    failStep(t, result, false);
                    return;
                }
                final long mismatch = compareVerify(t, result);
                if (mismatch >= 0)
                {
                    // SBC-3 5.33: MISCOMPARE, INFORMATION = offset of the first differing byte in the Data-Out.
                    t.checkCondition(SenseKey.MISCOMPARE, Asc.MISCOMPARE_DURING_VERIFY, true, mismatch, 0);
                    t.finished = true;
                    return;
                }
                t.bytesDone += result;
                t.finished = t.bytesDone >= t.bytesTotal;
                break;
            }
            case PHASE_WAV_WRITE:
                if (result != t.ioLength)
                {
                    failStep(t, result, true);
                    return;
                }
                if (t.byteCheck == VERIFY_COMPARE)
                {
                    t.phase = PHASE_VERIFY_READ;
                }
                else
                {
                    t.finished = true;
                }
                break;
            case PHASE_CAW_READ:
            {
                if (result != t.ioLength)
                {
                    failStep(t, result, false);
                    return;
                }
                final MemorySegment data = t.dataBuffer();
                final long mismatch = MemorySegment.mismatch(t.scratch(), 0, result, data, 0, result);
                if (mismatch >= 0)
                {
                    // SBC-3 5.2: INFORMATION = offset from the start of the Data-Out buffer.
                    t.checkCondition(SenseKey.MISCOMPARE, Asc.MISCOMPARE_DURING_VERIFY, true, mismatch, 0);
                    t.finished = true;
                    return;
                }
                MemorySegment.copy(data, result, t.scratch(), 0, result);
                t.phase = PHASE_CAW_WRITE;
                break;
            }
            case PHASE_CAW_WRITE:
                if (result != t.ioLength)
                {
                    failStep(t, result, true);
                    return;
                }
                t.finished = true;
                break;
            case PHASE_ORW_READ:
            {
                if (result != t.ioLength)
                {
                    failStep(t, result, false);
                    return;
                }
                // SBC-3 5.8: medium OR Data-Out, a long at a time (lengths are whole blocks).
                final MemorySegment scratch = t.scratch();
                final MemorySegment data = t.dataBuffer();
                final long base = t.bytesDone;
                for (int o = 0; o < result; o += 8)
                {
                    scratch.set(ValueLayout.JAVA_LONG_UNALIGNED, o,
                        scratch.get(ValueLayout.JAVA_LONG_UNALIGNED, o) |
                        data.get(ValueLayout.JAVA_LONG_UNALIGNED, base + o));
                }
                t.phase = PHASE_ORW_WRITE;
                break;
            }
            case PHASE_ORW_WRITE:
                if (result != t.ioLength)
                {
                    failStep(t, result, true);
                    return;
                }
                t.bytesDone += result;
                t.phase = PHASE_ORW_READ;
                t.finished = t.bytesDone >= t.bytesTotal;
                break;
            case PHASE_WS_WRITE:
                if (result != t.ioLength)
                {
                    failStep(t, result, true);
                    return;
                }
                t.bytesDone += result;
                t.finished = t.bytesDone >= t.bytesTotal;
                break;
            case PHASE_WS_UNMAP:
                if (result < 0)
                {
                    failStep(t, result, true);
                    return;
                }
                t.finished = true;
                break;
            case PHASE_UNMAP:
                if (result < 0)
                {
                    failStep(t, result, true);
                    return;
                }
                t.unmapDescriptor++;
                skipEmptyDescriptors(t);
                break;
            default:
                throw new IllegalStateException("completion in phase " + t.phase);
        }
    }

    private long compareVerify(final ScsiTask t, final int length)
    {
        final MemorySegment scratch = t.scratch();
        final MemorySegment data = t.dataBuffer();
        if (t.byteCheck == VERIFY_COMPARE)
        {
            final long m = MemorySegment.mismatch(scratch, 0, length, data, t.bytesDone, t.bytesDone + length);
            return m < 0 ? -1 : t.bytesDone + m;
        }
        if (t.byteCheck == VERIFY_COMPARE_ONE_BLOCK)
        {
            for (int o = 0; o < length; o += blockSize)
            {
                final long m = MemorySegment.mismatch(scratch, o, o + blockSize, data, 0, blockSize);
                if (m >= 0)
                {
                    return m; // offset within the single Data-Out block
                }
            }
        }
        return -1;
    }

    private void failStep(final ScsiTask t, final int result, final boolean write)
    {
        ioError(t, result, write);
        t.finished = true;
    }

    private void ioError(final ScsiTask t, final int result, final boolean write)
    {
        ioErrors.incrementAndGet();
        if (result == -ERRNO_ENOSPC)
        {
            // SBC-3 4.7.3.7: a thin backstore out of space.
            t.checkCondition(SenseKey.DATA_PROTECT, Asc.SPACE_ALLOCATION_FAILED_WRITE_PROTECT);
        }
        else
        {
            // Negative errno or a short transfer the backstore could not finish.
            t.checkCondition(SenseKey.MEDIUM_ERROR, write ? Asc.WRITE_ERROR : Asc.UNRECOVERED_READ_ERROR);
        }
    }

    /**
     * Start a COMPARE AND WRITE / ORWRITE under its range lock ({@link RangeLocks}): now, later (queued behind
     * a command of this loop), or BUSY.
     */
    private void startLocked(final ScsiTask t, final long lba, final long blocks)
    {
        final int slot = rangeLocks.lock(t, lba, lba + blocks);
        if (slot == RangeLocks.QUEUED)
        {
            return; // started by resumeWaiters when the range frees up
        }
        if (slot < 0)
        {
            busy(t);
            return;
        }
        t.rangeLockSlot = slot;
        runSteps(t);
    }

    private void busy(final ScsiTask t)
    {
        cawBusy.incrementAndGet();
        t.status(ScsiStatus.BUSY);
        t.complete();
    }

    /**
     * Frees the range a COMPARE AND WRITE / ORWRITE holds, if it holds one.
     *
     * @return true when it did: waiters may now go ({@link #resumeWaiters(ScsiTask)}).
     */
    boolean releaseRangeLock(final ScsiTask t)
    {
        final int slot = t.rangeLockSlot;
        if (slot == ScsiTask.NO_RANGE_LOCK)
        {
            return false;
        }
        t.rangeLockSlot = ScsiTask.NO_RANGE_LOCK;
        rangeLocks.unlock(slot);
        return true;
    }

    /**
     * Start (or answer BUSY) this loop's waiters that the range just released lets go, oldest first. Each one
     * runs in its own fault boundary ({@link LogicalUnit}); {@code releaser} is the task that freed the range.
     */
    void resumeWaiters(final ScsiTask releaser)
    {
        ScsiTask next;
        while ((next = rangeLocks.nextResumable()) != null)
        {
            lu.resumeWaiter(releaser, next);
        }
    }

    /** A waiter's turn: BUSY when {@link RangeLocks} could not give it its range, else its steps. */
    void resume(final ScsiTask waiter)
    {
        if (waiter.rangeLockSlot == ScsiTask.NO_RANGE_LOCK)
        {
            busy(waiter);
        }
        else
        {
            runSteps(waiter);
        }
    }

    private boolean inRange(final ScsiTask t, final long lba, final long blocks)
    {
        // SBC-3 4.5: lba + blocks must not pass the capacity; unsigned and overflow-safe.
        final long capacity = lu.blockCount();
        if (Long.compareUnsigned(lba, capacity) > 0 || Long.compareUnsigned(blocks, capacity - lba) > 0)
        {
            Responses.illegal(t, Asc.LBA_OUT_OF_RANGE, 0);
            return false;
        }
        return true;
    }

    private boolean writable(final ScsiTask t)
    {
        if (readOnly)
        {
            t.checkCondition(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
            t.complete();
            return false;
        }
        return true;
    }

    private static boolean isZero(final MemorySegment s, final int length)
    {
        int i = 0;
        for (; i + 8 <= length; i += 8)
        {
            if (s.get(ValueLayout.JAVA_LONG_UNALIGNED, i) != 0)
            {
                return false;
            }
        }
        for (; i < length; i++)
        {
            if (s.get(ValueLayout.JAVA_BYTE, i) != 0)
            {
                return false;
            }
        }
        return true;
    }
}
