package io.ringtarget.pdu;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import org.agrona.UnsafeApi;

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
 * <p>
 * {@link #wrap} checks once that the 48 bytes lie inside the segment; the field accessors then use
 * {@link UnsafeApi} on the segment's address, as Agrona's UnsafeBuffer does. MemorySegment accessors cost C2 so
 * many IR nodes that a method encoding a whole header hit NodeCountInliningCutoff and left the setters as calls
 * (5 ns/op became 25-50 ns/op in PduCodecBenchmark.encodeScsiResponse). The price: no liveness check per access,
 * so a flyweight must not be used after its segment's arena is closed (connection buffers live as long as their
 * event loop). Needs --add-exports java.base/jdk.internal.misc=ALL-UNNAMED, as Agrona does.
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
    /** Unsafe base object: null for native memory, the array for heap segments. */
    private Object base;
    /** Unsafe address of the BHS: absolute for native memory, array offset for heap segments. */
    private long address;

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
        Objects.checkFromIndexSize(offset, LENGTH, segment.byteSize());
        this.segment = segment;
        this.offset = offset;
        final Object b = Wire.unsafeBase(segment);
        base = b;
        address = Wire.unsafeAddress(segment, b) + offset;
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
        // Six 8-byte stores: no slice object, no fill loop on the encode path.
        final Object b = base;
        final long a = address;
        UnsafeApi.putLongUnaligned(b, a, (long)(opcode & Opcode.MASK) << 56, true);
        UnsafeApi.putLongUnaligned(b, a + 8, 0L);
        UnsafeApi.putLongUnaligned(b, a + 16, 0L);
        UnsafeApi.putLongUnaligned(b, a + 24, 0L);
        UnsafeApi.putLongUnaligned(b, a + 32, 0L);
        UnsafeApi.putLongUnaligned(b, a + 40, 0L);
        return self();
    }

    public final int opcode()
    {
        return UnsafeApi.getByte(base, address) & Opcode.MASK;
    }

    public final T opcode(final int opcode)
    {
        bits(OPCODE_OFFSET, Opcode.MASK, 0, opcode);
        return self();
    }

    public final boolean immediate()
    {
        return (UnsafeApi.getByte(base, address) & IMMEDIATE_FLAG) != 0;
    }

    public final T immediate(final boolean immediate)
    {
        bit(OPCODE_OFFSET, IMMEDIATE_FLAG, immediate);
        return self();
    }

    /** The F bit of byte 1 (for Login PDUs this bit is T, see their {@code transit()}). */
    public final boolean finalBit()
    {
        return flag(FINAL_FLAG);
    }

    public final T finalBit(final boolean finalBit)
    {
        flag(FINAL_FLAG, finalBit);
        return self();
    }

    /** @return TotalAHSLength in 4-byte words (RFC 7143 11.2.1.4). */
    public final int totalAhsLength()
    {
        return u8(TOTAL_AHS_LENGTH_OFFSET);
    }

    public final T totalAhsLength(final int words)
    {
        u8(TOTAL_AHS_LENGTH_OFFSET, words);
        return self();
    }

    /** @return DataSegmentLength in bytes, without padding (RFC 7143 11.2.1.5). */
    public final int dataSegmentLength()
    {
        // One 4-byte load of bytes 4-7 (TotalAHSLength + DataSegmentLength), low 24 bits.
        return i32(TOTAL_AHS_LENGTH_OFFSET) & MAX_DATA_SEGMENT_LENGTH;
    }

    public final T dataSegmentLength(final int length)
    {
        u8(DATA_SEGMENT_LENGTH_OFFSET, length >>> 16);
        u16(DATA_SEGMENT_LENGTH_OFFSET + 1, length);
        return self();
    }

    /** @return the 8-byte LUN field as a big-endian long (SAM LUN structure, RFC 7143 11.2.1.6). */
    public final long lun()
    {
        return UnsafeApi.getLongUnaligned(base, address + LUN_OFFSET, true);
    }

    public final T lun(final long lun)
    {
        UnsafeApi.putLongUnaligned(base, address + LUN_OFFSET, lun, true);
        return self();
    }

    public final int initiatorTaskTag()
    {
        return i32(INITIATOR_TASK_TAG_OFFSET);
    }

    public final T initiatorTaskTag(final int tag)
    {
        i32(INITIATOR_TASK_TAG_OFFSET, tag);
        return self();
    }

    // Accessors for the concrete flyweights: offsets are relative to the BHS start, inside the 48 bytes checked
    // by wrap(); multi-byte fields are big-endian (RFC 7143 11.1).

    final int u8(final int field)
    {
        return UnsafeApi.getByte(base, address + field) & 0xff;
    }

    final void u8(final int field, final int value)
    {
        UnsafeApi.putByte(base, address + field, (byte)value);
    }

    final int u16(final int field)
    {
        return UnsafeApi.getShortUnaligned(base, address + field, true) & 0xffff;
    }

    final void u16(final int field, final int value)
    {
        UnsafeApi.putShortUnaligned(base, address + field, (short)value, true);
    }

    final int i32(final int field)
    {
        return UnsafeApi.getIntUnaligned(base, address + field, true);
    }

    final void i32(final int field, final int value)
    {
        UnsafeApi.putIntUnaligned(base, address + field, value, true);
    }

    final long u48(final int field)
    {
        return ((long)u16(field) << 32) | (i32(field + 2) & 0xffff_ffffL);
    }

    final void u48(final int field, final long value)
    {
        u16(field, (int)(value >>> 32));
        i32(field + 2, (int)value);
    }

    final boolean bit(final int field, final int mask)
    {
        return (UnsafeApi.getByte(base, address + field) & mask) != 0;
    }

    final void bit(final int field, final int mask, final boolean value)
    {
        final long a = address + field;
        final int b = UnsafeApi.getByte(base, a);
        UnsafeApi.putByte(base, a, (byte)(value ? b | mask : b & ~mask));
    }

    final int bits(final int field, final int mask, final int shift)
    {
        return (UnsafeApi.getByte(base, address + field) & mask) >>> shift;
    }

    final void bits(final int field, final int mask, final int shift, final int value)
    {
        final long a = address + field;
        final int b = UnsafeApi.getByte(base, a);
        UnsafeApi.putByte(base, a, (byte)((b & ~mask) | ((value << shift) & mask)));
    }

    final boolean flag(final int mask)
    {
        return bit(FLAGS_OFFSET, mask);
    }

    final void flag(final int mask, final boolean value)
    {
        bit(FLAGS_OFFSET, mask, value);
    }
}
