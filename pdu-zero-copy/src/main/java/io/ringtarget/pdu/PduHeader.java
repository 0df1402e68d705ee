package io.ringtarget.pdu;

import java.lang.foreign.MemorySegment;

/**
 * The fields every Basic Header Segment has (RFC 7143 section 11.2.1), shared by the per-opcode flyweights.
 * <pre>
 * Byte/     0       |       1       |       2       |       3       |
 *    +---------------+---------------+---------------+---------------+
 *   0|.|I| Opcode    |F|  Opcode-specific fields                     |
 *   4|TotalAHSLength | DataSegmentLength                             |
 *   8| LUN or Opcode-specific fields                                 |
 *    +                                                               +
 *  12|                                                               |
 *  16| Initiator Task Tag                                            |
 *  20/ Opcode-specific fields                                        /
 *  48+---------------+---------------+---------------+---------------+
 * </pre>
 * A flyweight holds no state besides the wrapped segment and offset; it allocates nothing. The fluent setters
 * return the concrete flyweight type (self-typed generic) so chains need no casts.
 *
 * @param <T> the concrete flyweight type.
 */
public abstract class PduHeader<T extends PduHeader<T>>
{
    public static final int LENGTH = 48;

    public static final int OPCODE_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int TOTAL_AHS_LENGTH_OFFSET = 4;
    public static final int DATA_SEGMENT_LENGTH_OFFSET = 5;
    public static final int LUN_OFFSET = 8;
    public static final int INITIATOR_TASK_TAG_OFFSET = 16;

    /** The I (immediate delivery) bit in byte 0 (RFC 7143 11.2.1.1). */
    public static final int IMMEDIATE_FLAG = 0x40;
    /** The F (final) bit in byte 1 (RFC 7143 11.2.1.3). */
    public static final int FINAL_FLAG = 0x80;
    /** The Initiator Task Tag value reserved for PDUs not tied to a task (RFC 7143 11.2.1.8). */
    public static final int RESERVED_TAG = 0xffff_ffff;
    /** Largest DataSegmentLength representable (24 bits). */
    public static final int MAX_DATA_SEGMENT_LENGTH = 0xff_ffff;

    MemorySegment segment;
    long offset;

    PduHeader()
    {
    }

    @SuppressWarnings("unchecked")
    final T self()
    {
        return (T)this;
    }

    /**
     * Point this flyweight at a header; nothing is read or checked.
     *
     * @param segment memory holding at least 48 bytes from offset.
     * @param offset  where the BHS starts.
     * @return this.
     */
    public final T wrap(final MemorySegment segment, final long offset)
    {
        this.segment = segment;
        this.offset = offset;
        return self();
    }

    public final MemorySegment segment()
    {
        return segment;
    }

    public final long offset()
    {
        return offset;
    }

    /**
     * Zero the 48 BHS bytes and write the opcode.
     *
     * @param opcode six-bit opcode.
     * @return this.
     */
    public final T reset(final int opcode)
    {
        // Six 8-byte stores rather than asSlice().fill(): no slice object on the encode path.
        final MemorySegment s = segment;
        final long o = offset;
        Wire.i64(s, o, (long)(opcode & Opcode.MASK) << 56);
        Wire.i64(s, o + 8, 0);
        Wire.i64(s, o + 16, 0);
        Wire.i64(s, o + 24, 0);
        Wire.i64(s, o + 32, 0);
        Wire.i64(s, o + 40, 0);
        return self();
    }

    public final int opcode()
    {
        return segment.get(Wire.BYTE, offset) & Opcode.MASK;
    }

    public final T opcode(final int opcode)
    {
        Wire.bits(segment, offset, Opcode.MASK, 0, opcode);
        return self();
    }

    public final boolean immediate()
    {
        return Wire.bit(segment, offset, IMMEDIATE_FLAG);
    }

    public final T immediate(final boolean immediate)
    {
        Wire.bit(segment, offset, IMMEDIATE_FLAG, immediate);
        return self();
    }

    /** The F bit of byte 1 (for Login PDUs this bit is T, see their {@code transit()}). */
    public final boolean finalBit()
    {
        return Wire.bit(segment, offset + FLAGS_OFFSET, FINAL_FLAG);
    }

    public final T finalBit(final boolean finalBit)
    {
        Wire.bit(segment, offset + FLAGS_OFFSET, FINAL_FLAG, finalBit);
        return self();
    }

    /** @return TotalAHSLength in 4-byte words (RFC 7143 11.2.1.4). */
    public final int totalAhsLength()
    {
        return Wire.u8(segment, offset + TOTAL_AHS_LENGTH_OFFSET);
    }

    public final T totalAhsLength(final int words)
    {
        Wire.u8(segment, offset + TOTAL_AHS_LENGTH_OFFSET, words);
        return self();
    }

    /** @return DataSegmentLength in bytes, without padding (RFC 7143 11.2.1.5). */
    public final int dataSegmentLength()
    {
        return Wire.u24(segment, offset + DATA_SEGMENT_LENGTH_OFFSET);
    }

    public final T dataSegmentLength(final int length)
    {
        Wire.u24(segment, offset + DATA_SEGMENT_LENGTH_OFFSET, length);
        return self();
    }

    /** @return the 8-byte LUN field as a big-endian long (SAM LUN structure, RFC 7143 11.2.1.6). */
    public final long lun()
    {
        return Wire.i64(segment, offset + LUN_OFFSET);
    }

    public final T lun(final long lun)
    {
        Wire.i64(segment, offset + LUN_OFFSET, lun);
        return self();
    }

    public final int initiatorTaskTag()
    {
        return Wire.i32(segment, offset + INITIATOR_TASK_TAG_OFFSET);
    }

    public final T initiatorTaskTag(final int tag)
    {
        Wire.i32(segment, offset + INITIATOR_TASK_TAG_OFFSET, tag);
        return self();
    }

    // Accessors for the concrete flyweights: offsets are relative to the BHS start.

    final int u8(final int field)
    {
        return Wire.u8(segment, offset + field);
    }

    final void u8(final int field, final int value)
    {
        Wire.u8(segment, offset + field, value);
    }

    final int u16(final int field)
    {
        return Wire.u16(segment, offset + field);
    }

    final void u16(final int field, final int value)
    {
        Wire.u16(segment, offset + field, value);
    }

    final int i32(final int field)
    {
        return Wire.i32(segment, offset + field);
    }

    final void i32(final int field, final int value)
    {
        Wire.i32(segment, offset + field, value);
    }

    final long u48(final int field)
    {
        return Wire.u48(segment, offset + field);
    }

    final void u48(final int field, final long value)
    {
        Wire.u48(segment, offset + field, value);
    }

    final boolean flag(final int mask)
    {
        return Wire.bit(segment, offset + FLAGS_OFFSET, mask);
    }

    final void flag(final int mask, final boolean value)
    {
        Wire.bit(segment, offset + FLAGS_OFFSET, mask, value);
    }
}
