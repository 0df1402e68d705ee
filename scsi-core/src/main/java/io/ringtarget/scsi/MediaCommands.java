package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The medium-access commands of one logical unit (SBC-3 5.x: READ, WRITE, WRITE AND VERIFY, VERIFY, COMPARE AND
 * WRITE, ORWRITE, WRITE SAME, UNMAP, SYNCHRONIZE CACHE, PRE-FETCH; SBC-4 WRITE ATOMIC): the checks each starts
 * with (CDB fields, transfer length limits, LBA range, write protection, residuals) and the first backstore call,
 * or the set-up of the steps {@link MediaSteps} then drives. Allocation-free.
 */
final class MediaCommands
{
    private final LogicalUnit lu;
    private final int blockSize;
    private final boolean thinProvisioning;
    private final long maxTransferBlocks;
    private final int maxCompareAndWriteBlocks;
    private final long maxUnmapBlocks;
    private final long maxWriteSameBlocks;
    private final ModePages modePages;
    private final MediaSteps steps;

    MediaCommands(
        final LogicalUnit lu,
        final int blockSize,
        final boolean thinProvisioning,
        final long maxTransferBlocks,
        final int maxCompareAndWriteBlocks,
        final long maxUnmapBlocks,
        final long maxWriteSameBlocks,
        final ModePages modePages,
        final MediaSteps steps)
    {
        this.lu = lu;
        this.blockSize = blockSize;
        this.thinProvisioning = thinProvisioning;
        this.maxTransferBlocks = maxTransferBlocks;
        this.maxCompareAndWriteBlocks = maxCompareAndWriteBlocks;
        this.maxUnmapBlocks = maxUnmapBlocks;
        this.maxWriteSameBlocks = maxWriteSameBlocks;
        this.modePages = modePages;
        this.steps = steps;
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
        t.phase = MediaSteps.PHASE_READ;
        t.ioLength = length;
        if (!t.acceptsLentData() || !device.lend(t, lba * blockSize, length))
        {
            device.read(t, lba * blockSize, t.dataBuffer(), length);
        }
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
        t.phase = MediaSteps.PHASE_WRITE;
        t.ioLength = length;
        final boolean forceUnitAccess = fua || !modePages.writeCacheEnabled();
        final MemorySegment received = t.receivedData();
        if (received != null)
        {
            device.write(t, lba * blockSize, received, t.receivedOffset(), length, forceUnitAccess);
            return;
        }
        device.write(t, lba * blockSize, t.dataBuffer(), length, forceUnitAccess);
    }

    /**
     * WRITE ATOMIC(16) (SBC-4 5.48): all of it reaches the medium or none of it (the backstore's atomic write,
     * {@link BlockDevice#writeAtomic}), within the limits of the Block Limits VPD page.
     */
    void writeAtomic(final ScsiTask t, final MemorySegment cdb)
    {
        final AtomicWriteLimits atomic = lu.atomicWriteLimits();
        if (!atomic.supported())
        {
            Responses.illegal(t, Asc.INVALID_COMMAND_OPERATION_CODE, 0); // as an opcode without a row
            return;
        }
        if (!CdbFields.noProtectionInformation(t, cdb))
        {
            return;
        }
        if (Bytes.u16(cdb, 10) != 0)
        {
            Responses.invalidCdb(t, 10, -1); // ATOMIC BOUNDARY: MAXIMUM ATOMIC BOUNDARY SIZE is 0
            return;
        }
        final long lba = Bytes.u64(cdb, 2);
        final int blocks = Bytes.u16(cdb, 12);
        // LBA range first (as the other writes, and libiscsi's WriteAtomic16.BeyondEol expects of lengths above the
        // atomic limits), then the atomic limits.
        if (!writable(t) || !inRange(t, lba, blocks))
        {
            return;
        }
        final long bytes = (long)blocks * blockSize;
        t.residual(bytes);
        if (blocks == 0)
        {
            Responses.good(t); // SBC-4 5.48: no blocks, not an error
            return;
        }
        final int unit = atomic.unitBlocks();
        if (blocks > atomic.maxBlocks() || blocks % unit != 0 ||
            atomic.naturallyAligned() && Integer.bitCount(blocks) != 1)
        {
            Responses.invalidCdb(t, 12, -1);
            return;
        }
        if (lba % unit != 0 || atomic.naturallyAligned() && lba % blocks != 0)
        {
            Responses.invalidCdb(t, 2, -1);
            return;
        }
        if (Responses.room(t) < bytes)
        {
            // Less data than the CDB names (EDTL): writing part of it would not be the atomic write asked for.
            Responses.invalidCdb(t, 12, -1);
            return;
        }
        final BlockDevice device = t.device();
        if (device == null)
        {
            Responses.noDevice(t);
            return;
        }
        t.phase = MediaSteps.PHASE_WRITE;
        t.ioLength = (int)bytes;
        device.writeAtomic(t, lba * blockSize, t.dataBuffer(), (int)bytes,
            CdbFields.fua(cdb) || !modePages.writeCacheEnabled());
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
        t.phase = MediaSteps.PHASE_WAV_WRITE;
        t.mediumOffset = lba * blockSize;
        t.ioLength = length;
        t.bytesTotal = length;
        t.bytesDone = 0;
        t.byteCheck = byteCheck == 1 ? MediaSteps.VERIFY_COMPARE : MediaSteps.VERIFY_MEDIUM;
        steps.run(t);
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
        if (byteCheck == MediaSteps.VERIFY_COMPARE && Long.compareUnsigned(blocks, maxTransferBlocks) > 0)
        {
            Responses.invalidCdb(t, lengthField, -1);
            return;
        }
        if (!inRange(t, lba, blocks))
        {
            return;
        }
        final long outBytes = byteCheck == MediaSteps.VERIFY_MEDIUM ? 0 :
            byteCheck == MediaSteps.VERIFY_COMPARE ? blocks * blockSize : (blocks == 0 ? 0 : blockSize);
        t.residual(outBytes);
        long bytes = blocks * blockSize;
        if (byteCheck == MediaSteps.VERIFY_COMPARE)
        {
            bytes = Math.min(bytes, Responses.room(t)) / blockSize * blockSize;
        }
        else if (byteCheck == MediaSteps.VERIFY_COMPARE_ONE_BLOCK && blocks != 0 && Responses.room(t) < blockSize)
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
        t.phase = MediaSteps.PHASE_VERIFY_READ;
        t.mediumOffset = lba * blockSize;
        t.bytesTotal = bytes;
        t.bytesDone = 0;
        t.byteCheck = byteCheck;
        steps.run(t);
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
        t.phase = MediaSteps.PHASE_CAW_READ;
        t.mediumOffset = lba * blockSize;
        t.ioLength = (int)half;
        t.fua = CdbFields.fua(cdb) || !modePages.writeCacheEnabled();
        steps.startLocked(t, lba, blocks);
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
        t.phase = MediaSteps.PHASE_ORW_READ;
        t.mediumOffset = lba * blockSize;
        t.bytesTotal = length;
        t.bytesDone = 0;
        t.fua = CdbFields.fua(cdb) || !modePages.writeCacheEnabled();
        steps.startLocked(t, lba, length / blockSize);
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
            t.phase = MediaSteps.PHASE_WS_UNMAP;
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
            t.phase = MediaSteps.PHASE_WS_WRITE;
        }
        steps.run(t);
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
        t.phase = MediaSteps.PHASE_UNMAP;
        t.unmapDescriptor = 0;
        t.unmapDescriptorCount = descriptors;
        MediaSteps.skipEmptyDescriptors(t);
        steps.run(t);
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
        t.phase = MediaSteps.PHASE_FLUSH;
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
        if (lu.writeProtectedFor(t))
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
