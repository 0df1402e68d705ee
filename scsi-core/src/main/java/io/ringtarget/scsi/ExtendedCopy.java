package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * EXTENDED COPY (LID1) of block devices (SPC-4 6.4; SPC-3 6.3, the form VMware's XCOPY offload and libiscsi send):
 * identification CSCD descriptors (0xE4) naming logical units by a designator of their Device Identification VPD
 * page (NAA), and block device to block device segment descriptors (0x02). A copy names this logical unit or others
 * its I_T nexus reaches ({@link CopyTargets}), and runs on the event loop of the command through the backstores' own
 * handles, a scratch-buffer chunk at a time: read from the source, write to the destination, no copy in the JVM heap.
 * The whole parameter list is checked before any block moves, so a refused copy changes nothing.
 * <p>
 * Limits (reported by RECEIVE COPY RESULTS OPERATING PARAMETERS and the Third-party Copy VPD page): {@link
 * #MAX_CSCD_DESCRIPTORS} CSCD descriptors, {@link #MAX_SEGMENT_DESCRIPTORS} segments, {@link
 * #MAX_DESCRIPTOR_LIST_LENGTH} bytes of descriptors; no inline or embedded data, no stream devices, no ROD tokens
 * (LID4).
 */
final class ExtendedCopy
{
    static final int HEADER_LENGTH = 16;
    static final int CSCD_DESCRIPTOR_LENGTH = 32;
    /** Identification CSCD descriptor (SPC-4 6.4.5.2, "identification descriptor target descriptor" in SPC-3). */
    static final int IDENTIFICATION_CSCD = 0xE4;
    /** Block device to block device segment descriptor (SPC-4 6.4.6.5). */
    static final int BLOCK_TO_BLOCK = 0x02;
    static final int BLOCK_TO_BLOCK_LENGTH = 28;
    static final int MAX_CSCD_DESCRIPTORS = 8;
    static final int MAX_SEGMENT_DESCRIPTORS = 8;
    static final int MAX_DESCRIPTOR_LIST_LENGTH = 1024;
    /** NUMBER OF BLOCKS is a two-byte field. */
    static final int MAX_SEGMENT_BLOCKS = 0xFFFF;

    // SPC-4 table D.1 additional sense codes of copy commands.
    static final int TOO_MANY_TARGET_DESCRIPTORS = 0x2606;
    static final int UNSUPPORTED_TARGET_DESCRIPTOR_TYPE_CODE = 0x2607;
    static final int TOO_MANY_SEGMENT_DESCRIPTORS = 0x2608;
    static final int UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE_CODE = 0x2609;
    static final int THIRD_PARTY_DEVICE_FAILURE = 0x0D01;
    static final int COPY_TARGET_DEVICE_NOT_REACHABLE = 0x0D02;

    /** LIST ID USAGE (SPC-4 6.4.3, byte 1 bits 4:3): 00b asks the copy manager to hold the results. */
    private static final int LIST_ID_USAGE_HOLD = 0;

    private final LogicalUnit lu;
    private final MediaSteps steps;
    private final CopyResults results;

    ExtendedCopy(final LogicalUnit lu, final MediaSteps steps, final CopyResults results)
    {
        this.lu = lu;
        this.steps = steps;
        this.results = results;
    }

    void extendedCopy(final ScsiTask t, final MemorySegment cdb)
    {
        final long parameterListLength = Bytes.u32(cdb, 10);
        t.residual(parameterListLength);
        if (parameterListLength == 0)
        {
            Responses.good(t);   // SPC-4 6.4.1: a zero length is no copy and no error
            return;
        }
        if (parameterListLength < HEADER_LENGTH || Responses.room(t) < parameterListLength)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return;
        }
        final MemorySegment p = t.dataBuffer();
        final int cscdListLength = Bytes.u16(p, 2);
        final long segmentListLength = Bytes.u32(p, 8);
        final long inlineLength = Bytes.u32(p, 12);
        if (cscdListLength + segmentListLength > MAX_DESCRIPTOR_LIST_LENGTH ||
            HEADER_LENGTH + cscdListLength + segmentListLength + inlineLength > parameterListLength)
        {
            Responses.illegal(t, Asc.PARAMETER_LIST_LENGTH_ERROR, 0);
            return;
        }
        if (cscdListLength % CSCD_DESCRIPTOR_LENGTH != 0)
        {
            Responses.invalidParameter(t, 2, -1);
            return;
        }
        final int cscdCount = cscdListLength / CSCD_DESCRIPTOR_LENGTH;
        if (cscdCount > MAX_CSCD_DESCRIPTORS)
        {
            Responses.illegal(t, TOO_MANY_TARGET_DESCRIPTORS, 0);
            return;
        }
        final CopyState state = t.copyState();
        state.clear();
        if (!segments(t, p, HEADER_LENGTH + cscdListLength, (int)segmentListLength, state) ||
            !cscdDescriptors(t, p, cscdCount, state) || !checkSegments(t, p, cscdCount, state))
        {
            return;
        }
        final int flags = Bytes.u8(p, 1);
        state.hold = ((flags >>> 3) & 0x03) == LIST_ID_USAGE_HOLD;
        state.listId = Bytes.u8(p, 0);
        state.results = results;
        if (state.segmentCount == 0)
        {
            finish(t, state, CopyResults.COMPLETED);
            t.complete();
            return;
        }
        startSegment(state, p);
        t.phase = MediaSteps.PHASE_XCOPY_READ;
        steps.run(t);
    }

    /** Finds the segment descriptors; their types and counts are checked here, their fields later. */
    private static boolean segments(
        final ScsiTask t, final MemorySegment p, final int from, final int length, final CopyState state)
    {
        final int end = from + length;
        int count = 0;
        for (int o = from; o < end; )
        {
            if (o + 4 > end)
            {
                Responses.invalidParameter(t, o, -1);
                return false;
            }
            final int descriptorLength = Bytes.u16(p, o + 2) + 4;
            if (count == MAX_SEGMENT_DESCRIPTORS)
            {
                Responses.illegal(t, TOO_MANY_SEGMENT_DESCRIPTORS, 0);
                return false;
            }
            if (Bytes.u8(p, o) != BLOCK_TO_BLOCK)
            {
                Responses.illegal(t, UNSUPPORTED_SEGMENT_DESCRIPTOR_TYPE_CODE, Responses.fieldPointer(false, o, -1));
                return false;
            }
            if (descriptorLength != BLOCK_TO_BLOCK_LENGTH || o + descriptorLength > end)
            {
                Responses.invalidParameter(t, o + 2, -1);
                return false;
            }
            state.segmentOffsets[count++] = o;
            o += descriptorLength;
        }
        state.segmentCount = count;
        return true;
    }

    /** Checks each CSCD descriptor and resolves it to a logical unit (null: NUL, or none this nexus reaches). */
    private boolean cscdDescriptors(final ScsiTask t, final MemorySegment p, final int count, final CopyState state)
    {
        for (int i = 0; i < count; i++)
        {
            final int o = HEADER_LENGTH + i * CSCD_DESCRIPTOR_LENGTH;
            if (Bytes.u8(p, o) != IDENTIFICATION_CSCD)
            {
                Responses.illegal(t, UNSUPPORTED_TARGET_DESCRIPTOR_TYPE_CODE, Responses.fieldPointer(false, o, -1));
                return false;
            }
            // LU ID TYPE (bits 7:6) is not checked: an identification descriptor names its logical unit by the
            // designator, and libiscsi 1.19's ValidTgtDescr expects a reserved LU ID TYPE to be accepted (later
            // versions expect INVALID FIELD IN PARAMETER LIST; LIO ignores it too).
            final int b1 = Bytes.u8(p, o + 1);
            if ((b1 & 0x20) != 0)
            {
                continue;   // NUL: names no device, its other fields mean nothing; a segment using it is aborted
            }
            if ((b1 & 0x1F) != 0)
            {
                Responses.invalidParameter(t, o + 1, 4);   // PERIPHERAL DEVICE TYPE: block devices only
                return false;
            }
            final int designatorLength = Bytes.u8(p, o + 7);
            if (designatorLength > 20)
            {
                Responses.invalidParameter(t, o + 7, -1);
                return false;
            }
            final int association = (Bytes.u8(p, o + 5) >>> 4) & 0x03;
            if (association != 0)
            {
                continue;   // a port or target designator names no logical unit
            }
            final LogicalUnit unit = resolve(t, Bytes.u8(p, o + 4) & 0x0F, Bytes.u8(p, o + 5) & 0x0F, p, o + 8,
                designatorLength);
            if (unit != null)
            {
                state.units[i] = unit;
                state.devices[i] = unit == lu ? t.device() : t.copyTargets().device(unit);
            }
        }
        return true;
    }

    private LogicalUnit resolve(
        final ScsiTask t, final int codeSet, final int type, final MemorySegment p, final long offset, final int length)
    {
        if (lu.identity().matches(codeSet, type, p, offset, length))
        {
            return lu;
        }
        final CopyTargets targets = t.copyTargets();
        return targets == null ? null : targets.logicalUnit(codeSet, type, p, offset, length);
    }

    /** Every segment's copy targets are reachable, its blocks within both and the destination writable. */
    private static boolean checkSegments(final ScsiTask t, final MemorySegment p, final int cscdCount, final CopyState state)
    {
        for (int s = 0; s < state.segmentCount; s++)
        {
            final int o = state.segmentOffsets[s];
            final int src = Bytes.u16(p, o + 4);
            final int dst = Bytes.u16(p, o + 6);
            if (src >= cscdCount || dst >= cscdCount || state.units[src] == null || state.units[dst] == null ||
                state.devices[src] == null || state.devices[dst] == null)
            {
                copyAborted(t, COPY_TARGET_DEVICE_NOT_REACHABLE);
                return false;
            }
            final LogicalUnit source = state.units[src];
            final LogicalUnit destination = state.units[dst];
            if (source.blockSize() != destination.blockSize())
            {
                Responses.invalidParameter(t, o + 6, -1);   // no block size conversion (CAT/DC residues)
                return false;
            }
            final long blocks = Bytes.u16(p, o + 10);
            final long sourceLba = Bytes.u64(p, o + 12);
            final long destinationLba = Bytes.u64(p, o + 20);
            if (!within(sourceLba, blocks, source.blockCount()) || !within(destinationLba, blocks, destination.blockCount()))
            {
                // libiscsi (and LIO) expect COPY ABORTED for a segment beyond a copy target's capacity.
                copyAborted(t, Asc.NO_ADDITIONAL_SENSE);
                return false;
            }
            if (destination.writeProtectedFor(t) && blocks > 0)
            {
                t.checkCondition(SenseKey.DATA_PROTECT, Asc.WRITE_PROTECTED);
                t.complete();
                return false;
            }
        }
        return true;
    }

    private static boolean within(final long lba, final long blocks, final long capacity)
    {
        return Long.compareUnsigned(lba, capacity) <= 0 && blocks <= capacity - lba;
    }

    private static void copyAborted(final ScsiTask t, final int ascAscq)
    {
        t.checkCondition(SenseKey.COPY_ABORTED, ascAscq);
        t.complete();
    }

    /** Sets up segment {@code state.segment}, skipping empty ones; false when none is left. */
    private static boolean startSegment(final CopyState state, final MemorySegment p)
    {
        while (state.segment < state.segmentCount)
        {
            final int o = state.segmentOffsets[state.segment];
            final int src = Bytes.u16(p, o + 4);
            final int dst = Bytes.u16(p, o + 6);
            final int blockSize = state.units[src].blockSize();
            state.segmentBytes = (long)Bytes.u16(p, o + 10) * blockSize;
            if (state.segmentBytes > 0)
            {
                state.source = state.devices[src];
                state.destination = state.devices[dst];
                state.sourceOffset = Bytes.u64(p, o + 12) * blockSize;
                state.destinationOffset = Bytes.u64(p, o + 20) * blockSize;
                state.segmentDone = 0;
                return true;
            }
            state.segment++;
        }
        return false;
    }

    /** One backstore call of a copy: read a chunk into the scratch, or write it out. */
    static void issueStep(final ScsiTask t)
    {
        final CopyState state = t.copyState();
        if (t.phase == MediaSteps.PHASE_XCOPY_READ)
        {
            final int chunk = (int)Math.min(ScsiTask.SCRATCH_SIZE, state.segmentBytes - state.segmentDone);
            t.ioLength = chunk;
            state.source.read(t, state.sourceOffset + state.segmentDone, t.scratch(), chunk);
        }
        else
        {
            state.destination.write(t, state.destinationOffset + state.segmentDone, t.scratch(), t.ioLength, false);
        }
    }

    /**
     * A copy step completed.
     *
     * @return false when it failed (the command ends with COPY ABORTED, THIRD PARTY DEVICE FAILURE).
     */
    static boolean stepResult(final ScsiTask t, final int result)
    {
        final CopyState state = t.copyState();
        if (result != t.ioLength)
        {
            finish(t, state, CopyResults.COMPLETED_WITH_ERRORS);
            t.checkCondition(SenseKey.COPY_ABORTED, THIRD_PARTY_DEVICE_FAILURE);
            t.finished = true;
            return false;
        }
        if (t.phase == MediaSteps.PHASE_XCOPY_READ)
        {
            t.phase = MediaSteps.PHASE_XCOPY_WRITE;
            return true;
        }
        state.segmentDone += result;
        state.transferred += result;
        t.phase = MediaSteps.PHASE_XCOPY_READ;
        if (state.segmentDone < state.segmentBytes)
        {
            return true;
        }
        state.segment++;
        if (!startSegment(state, t.dataBuffer()))
        {
            finish(t, state, CopyResults.COMPLETED);
            t.finished = true;
        }
        return true;
    }

    private static void finish(final ScsiTask t, final CopyState state, final int copyStatus)
    {
        if (state.hold && t.nexus() != null)
        {
            state.results.hold(t.nexus(), state.listId, copyStatus, state.segment, state.transferred);
        }
        state.source = null;
        state.destination = null;
    }
}
