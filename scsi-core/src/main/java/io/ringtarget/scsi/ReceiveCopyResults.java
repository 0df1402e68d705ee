package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;

/**
 * RECEIVE COPY RESULTS (LID1, SPC-3 6.17 / SPC-4 6.18): COPY STATUS of an EXTENDED COPY whose results this logical
 * unit holds ({@link CopyResults}), and the copy manager's OPERATING PARAMETERS, the limits {@link ExtendedCopy}
 * enforces. RECEIVE DATA and FAILED SEGMENT DETAILS have nothing to report (no held data, copies are not
 * resumable): they are not supported, and answer INVALID FIELD IN CDB with the other service actions.
 */
final class ReceiveCopyResults
{
    static final int SA_COPY_STATUS = 0x00;
    static final int SA_OPERATING_PARAMETERS = 0x03;
    /** Descriptor type codes the copy manager implements, reported in OPERATING PARAMETERS. */
    private static final int[] IMPLEMENTED_DESCRIPTORS = {ExtendedCopy.BLOCK_TO_BLOCK, ExtendedCopy.IDENTIFICATION_CSCD};
    /** Copies one logical unit runs at once: one per command slot of every session; this is what is reported. */
    static final int MAX_CONCURRENT_COPIES = 255;

    private final CopyResults results;
    private final int blockSize;

    ReceiveCopyResults(final CopyResults results, final int blockSize)
    {
        this.results = results;
        this.blockSize = blockSize;
    }

    void run(final ScsiTask t, final MemorySegment cdb)
    {
        final long allocationLength = Bytes.u32(cdb, 10);
        final MemorySegment out = t.scratch();
        switch (CdbFields.serviceAction(cdb))
        {
            case SA_COPY_STATUS ->
            {
                final int length = t.nexus() == null ? -1 : results.takeStatus(t.nexus(), Bytes.u8(cdb, 2), out);
                if (length < 0)
                {
                    Responses.invalidCdb(t, 2, -1);   // no copy with this list identifier is held for this nexus
                    return;
                }
                Responses.dataIn(t, length, allocationLength);
            }
            case SA_OPERATING_PARAMETERS -> Responses.dataIn(t, operatingParameters(out), allocationLength);
            default -> Responses.invalidCdb(t, 1, 4);
        }
    }

    /** SPC-3 6.17.4 operating parameters: 44 bytes and the implemented descriptor type codes. */
    private int operatingParameters(final MemorySegment out)
    {
        final int length = 44 + IMPLEMENTED_DESCRIPTORS.length;
        Bytes.zero(out, 0, length);
        Bytes.put32(out, 0, length - 4);                                  // AVAILABLE DATA
        Bytes.put8(out, 4, 0x01);                                         // SNLID: held per I_T nexus
        Bytes.put16(out, 8, ExtendedCopy.MAX_CSCD_DESCRIPTORS);
        Bytes.put16(out, 10, ExtendedCopy.MAX_SEGMENT_DESCRIPTORS);
        Bytes.put32(out, 12, ExtendedCopy.MAX_DESCRIPTOR_LIST_LENGTH);
        Bytes.put32(out, 16, (long)ExtendedCopy.MAX_SEGMENT_BLOCKS * blockSize);   // MAXIMUM SEGMENT LENGTH
        // MAXIMUM INLINE DATA LENGTH, HELD DATA LIMIT, MAXIMUM STREAM DEVICE TRANSFER SIZE: 0 (none).
        Bytes.put16(out, 34, MAX_CONCURRENT_COPIES);                      // TOTAL CONCURRENT COPIES
        Bytes.put8(out, 36, MAX_CONCURRENT_COPIES);                       // MAXIMUM CONCURRENT COPIES
        Bytes.put8(out, 37, Integer.numberOfTrailingZeros(blockSize));    // DATA SEGMENT GRANULARITY (log2)
        Bytes.put8(out, 43, IMPLEMENTED_DESCRIPTORS.length);
        for (int i = 0; i < IMPLEMENTED_DESCRIPTORS.length; i++)
        {
            Bytes.put8(out, 44 + i, IMPLEMENTED_DESCRIPTORS[i]);
        }
        return length;
    }

    /**
     * The Third-party Copy VPD page (SPC-4 7.8.17): Supported Commands (EXTENDED COPY LID1; RECEIVE COPY RESULTS
     * COPY STATUS and OPERATING PARAMETERS), Parameter Data, Supported Descriptors and General Copy Operations.
     */
    static int thirdPartyCopyPage(final MemorySegment out, final int blockSize)
    {
        int o = 4;
        // Supported Commands descriptor (0001h): operation code, service action list length, service actions.
        final int[] commands = {OperationCodes.EXTENDED_COPY, 1, 0x00,
            OperationCodes.RECEIVE_COPY_RESULTS, 2, SA_COPY_STATUS, SA_OPERATING_PARAMETERS};
        final int supported = padded(1 + commands.length);
        Bytes.zero(out, o, 4 + supported);
        Bytes.put16(out, o, 0x0001);
        Bytes.put16(out, o + 2, supported);
        Bytes.put8(out, o + 4, commands.length);
        for (int i = 0; i < commands.length; i++)
        {
            Bytes.put8(out, o + 5 + i, commands[i]);
        }
        o += 4 + supported;
        // Parameter Data descriptor (0008h).
        Bytes.zero(out, o, 32);
        Bytes.put16(out, o, 0x0008);
        Bytes.put16(out, o + 2, 28);
        Bytes.put16(out, o + 6, ExtendedCopy.MAX_CSCD_DESCRIPTORS);
        Bytes.put16(out, o + 8, ExtendedCopy.MAX_SEGMENT_DESCRIPTORS);
        Bytes.put32(out, o + 10, ExtendedCopy.MAX_DESCRIPTOR_LIST_LENGTH);
        o += 32;
        // Supported Descriptors descriptor (0009h): the segment descriptor type codes.
        Bytes.zero(out, o, 8);
        Bytes.put16(out, o, 0x0009);
        Bytes.put16(out, o + 2, 4);
        Bytes.put8(out, o + 4, 1);
        Bytes.put8(out, o + 5, ExtendedCopy.BLOCK_TO_BLOCK);
        o += 8;
        // Supported CSCD Descriptor IDs descriptor (000Ch): none of the special IDs (no ROD, no null copy manager).
        Bytes.zero(out, o, 8);
        Bytes.put16(out, o, 0x000C);
        Bytes.put16(out, o + 2, 4);
        o += 8;
        // General Copy Operations descriptor (8001h).
        Bytes.zero(out, o, 32);
        Bytes.put16(out, o, 0x8001);
        Bytes.put16(out, o + 2, 28);
        Bytes.put32(out, o + 4, MAX_CONCURRENT_COPIES);                    // TOTAL CONCURRENT COPIES
        Bytes.put32(out, o + 8, MAX_CONCURRENT_COPIES);                    // MAXIMUM IDENTIFIED CONCURRENT COPIES
        Bytes.put32(out, o + 12, (long)ExtendedCopy.MAX_SEGMENT_BLOCKS * blockSize);   // MAXIMUM SEGMENT LENGTH
        Bytes.put8(out, o + 16, Integer.numberOfTrailingZeros(blockSize));  // DATA SEGMENT GRANULARITY (log2)
        o += 32;
        Bytes.put8(out, 0, 0x00);
        Bytes.put8(out, 1, 0x8F);
        Bytes.put16(out, 2, o - 4);
        return o;
    }

    /** Descriptors are a multiple of 4 bytes long. */
    private static int padded(final int length)
    {
        return (length + 3) & ~3;
    }
}
