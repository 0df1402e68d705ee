package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Big-endian field access: every multi-byte SCSI field is big-endian (SPC-4 3.5.1 "bit and byte ordering").
 */
final class Bytes
{
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Bytes()
    {
    }

    static int u8(final MemorySegment s, final long offset)
    {
        return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    static int u16(final MemorySegment s, final long offset)
    {
        return s.get(U16, offset) & 0xFFFF;
    }

    static int u24(final MemorySegment s, final long offset)
    {
        return (u8(s, offset) << 16) | u16(s, offset + 1);
    }

    static long u32(final MemorySegment s, final long offset)
    {
        return s.get(U32, offset) & 0xFFFF_FFFFL;
    }

    static long u64(final MemorySegment s, final long offset)
    {
        return s.get(U64, offset);
    }

    static void put8(final MemorySegment s, final long offset, final int v)
    {
        s.set(ValueLayout.JAVA_BYTE, offset, (byte)v);
    }

    static void put16(final MemorySegment s, final long offset, final int v)
    {
        s.set(U16, offset, (short)v);
    }

    static void put24(final MemorySegment s, final long offset, final int v)
    {
        put8(s, offset, v >>> 16);
        put16(s, offset + 1, v);
    }

    static void put32(final MemorySegment s, final long offset, final long v)
    {
        s.set(U32, offset, (int)v);
    }

    static void put64(final MemorySegment s, final long offset, final long v)
    {
        s.set(U64, offset, v);
    }

    /**
     * Zero a range without creating a slice (no allocation on the command path).
     */
    static void zero(final MemorySegment s, final long offset, final long length)
    {
        long i = offset;
        final long end = offset + length;
        for (; i + 8 <= end; i += 8)
        {
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, i, 0L);
        }
        for (; i < end; i++)
        {
            s.set(ValueLayout.JAVA_BYTE, i, (byte)0);
        }
    }
}
