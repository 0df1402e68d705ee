package io.ringtarget.pdu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Big-endian (network order, RFC 7143 section 11.1) unaligned accessors shared by the flyweights. The layouts are
 * static finals so the JIT turns every access into a single load or store (with a byte swap on x86).
 */
final class Wire
{
    static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private Wire()
    {
    }

    /**
     * @param s any segment.
     * @return the Unsafe base object: null for native memory, the backing array for a heap segment.
     */
    static Object unsafeBase(final MemorySegment s)
    {
        return s.isNative() ? null : s.heapBase().orElseThrow();
    }

    /**
     * @param s    any segment.
     * @param base {@link #unsafeBase(MemorySegment)} of it.
     * @return the Unsafe address of segment offset 0 (for heap segments address() is the offset into the array).
     */
    static long unsafeAddress(final MemorySegment s, final Object base)
    {
        return base == null ? s.address() : org.agrona.UnsafeApi.arrayBaseOffset(base.getClass()) + s.address();
    }

    static int u8(final MemorySegment s, final long o)
    {
        return s.get(BYTE, o) & 0xff;
    }

    static void u8(final MemorySegment s, final long o, final int v)
    {
        s.set(BYTE, o, (byte)v);
    }

    static int u16(final MemorySegment s, final long o)
    {
        return s.get(SHORT_BE, o) & 0xffff;
    }

    static void u16(final MemorySegment s, final long o, final int v)
    {
        s.set(SHORT_BE, o, (short)v);
    }

    static int u24(final MemorySegment s, final long o)
    {
        return (u8(s, o) << 16) | u16(s, o + 1);
    }

    static void u24(final MemorySegment s, final long o, final int v)
    {
        u8(s, o, v >>> 16);
        u16(s, o + 1, v);
    }

    static int i32(final MemorySegment s, final long o)
    {
        return s.get(INT_BE, o);
    }

    static void i32(final MemorySegment s, final long o, final int v)
    {
        s.set(INT_BE, o, v);
    }

    static long i64(final MemorySegment s, final long o)
    {
        return s.get(LONG_BE, o);
    }

    static void i64(final MemorySegment s, final long o, final long v)
    {
        s.set(LONG_BE, o, v);
    }

    /** 48-bit unsigned big-endian (the ISID). */
    static long u48(final MemorySegment s, final long o)
    {
        return ((long)u16(s, o) << 32) | (i32(s, o + 2) & 0xffff_ffffL);
    }

    static void u48(final MemorySegment s, final long o, final long v)
    {
        u16(s, o, (int)(v >>> 32));
        i32(s, o + 2, (int)v);
    }

    static boolean bit(final MemorySegment s, final long o, final int mask)
    {
        return (s.get(BYTE, o) & mask) != 0;
    }

    static void bit(final MemorySegment s, final long o, final int mask, final boolean value)
    {
        final int b = s.get(BYTE, o);
        s.set(BYTE, o, (byte)(value ? b | mask : b & ~mask));
    }

    static int bits(final MemorySegment s, final long o, final int mask, final int shift)
    {
        return (s.get(BYTE, o) & mask) >>> shift;
    }

    static void bits(final MemorySegment s, final long o, final int mask, final int shift, final int value)
    {
        final int b = s.get(BYTE, o);
        s.set(BYTE, o, (byte)((b & ~mask) | ((value << shift) & mask)));
    }
}
