package io.ringtarget.pdu;

import java.lang.foreign.MemorySegment;

/**
 * Opcode-independent view of a Basic Header Segment (RFC 7143 section 11.2.1): read the opcode, then wrap the
 * per-opcode flyweight. The static accessors read the hot fields without a flyweight instance.
 */
public final class BasicHeaderSegment extends PduHeader<BasicHeaderSegment>
{
    public static int opcode(final MemorySegment segment, final long offset)
    {
        return segment.get(Wire.BYTE, offset + OPCODE_OFFSET) & Opcode.MASK;
    }

    public static boolean immediate(final MemorySegment segment, final long offset)
    {
        return Wire.bit(segment, offset + OPCODE_OFFSET, IMMEDIATE_FLAG);
    }

    public static boolean finalBit(final MemorySegment segment, final long offset)
    {
        return Wire.bit(segment, offset + FLAGS_OFFSET, FINAL_FLAG);
    }

    /** @return TotalAHSLength in 4-byte words. */
    public static int totalAhsLength(final MemorySegment segment, final long offset)
    {
        return Wire.u8(segment, offset + TOTAL_AHS_LENGTH_OFFSET);
    }

    public static int dataSegmentLength(final MemorySegment segment, final long offset)
    {
        return Wire.u24(segment, offset + DATA_SEGMENT_LENGTH_OFFSET);
    }

    public static long lun(final MemorySegment segment, final long offset)
    {
        return Wire.i64(segment, offset + LUN_OFFSET);
    }

    public static int initiatorTaskTag(final MemorySegment segment, final long offset)
    {
        return Wire.i32(segment, offset + INITIATOR_TASK_TAG_OFFSET);
    }

    public static void initiatorTaskTag(final MemorySegment segment, final long offset, final int tag)
    {
        Wire.i32(segment, offset + INITIATOR_TASK_TAG_OFFSET, tag);
    }

    /**
     * Big-endian 32-bit field at any BHS offset, e.g. {@code ScsiCommandPdu.CMD_SN_OFFSET}.
     *
     * @param segment memory.
     * @param offset  BHS start.
     * @param field   field offset within the BHS.
     * @return the field.
     */
    public static int intField(final MemorySegment segment, final long offset, final int field)
    {
        return Wire.i32(segment, offset + field);
    }

    public static void intField(final MemorySegment segment, final long offset, final int field, final int value)
    {
        Wire.i32(segment, offset + field, value);
    }
}
