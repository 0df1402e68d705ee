package io.ringtarget.ffi;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** NativeCopy copies as MemorySegment.copy does, bounds included, through memcpy or not. */
class NativeCopyTest
{
    private static void fill(final MemorySegment s, final int seed)
    {
        for (long i = 0; i < s.byteSize(); i++)
        {
            s.set(ValueLayout.JAVA_BYTE, i, (byte)(i * 31 + seed));
        }
    }

    @Test
    void copiesEverySizeAroundTheThresholdAtOffsetsAndTouchesNothingElse()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment src = arena.allocate(1 << 20);
            final MemorySegment dst = arena.allocate(1 << 20);
            fill(src, 7);
            for (final long length : new long[]{0, 1, 4096, NativeCopy.THRESHOLD - 1, NativeCopy.THRESHOLD,
                NativeCopy.THRESHOLD + 1, 256 * 1024 + 3, (1 << 20) - 1000})
            {
                dst.fill((byte)0x5A);
                NativeCopy.copy(src, 11, dst, 500, length);
                for (long i = 0; i < dst.byteSize(); i++)
                {
                    final byte expected = i >= 500 && i < 500 + length ? src.get(ValueLayout.JAVA_BYTE, 11 + i - 500) :
                        (byte)0x5A;
                    if (expected != dst.get(ValueLayout.JAVA_BYTE, i))
                    {
                        assertEquals(expected, dst.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " of a " + length +
                            "-byte copy");
                    }
                }
            }
        }
    }

    @Test
    void outOfBoundsCopiesAreRefusedBeforeAnyByteMoves()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment src = arena.allocate(1 << 20);
            final MemorySegment dst = arena.allocate(64 * 1024);
            dst.fill((byte)1);
            assertThrows(IndexOutOfBoundsException.class, () -> NativeCopy.copy(src, 0, dst, 1, 64 * 1024));
            assertThrows(IndexOutOfBoundsException.class, () -> NativeCopy.copy(src, (1 << 20) - 100, dst, 0, 32768));
            // As MemorySegment.copy: a read-only destination is an IllegalArgumentException.
            assertThrows(IllegalArgumentException.class, () -> NativeCopy.copy(src, 0, dst.asReadOnly(), 0, 32768));
            assertEquals(-1, dst.mismatch(arena.allocate(64 * 1024).fill((byte)1)), "untouched");
        }
    }

    @Test
    void overlappingRangesCopyAsMemmoveWould()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment s = arena.allocate(256 * 1024);
            fill(s, 3);
            final MemorySegment expected = arena.allocate(256 * 1024);
            expected.copyFrom(s);
            MemorySegment.copy(expected, 0, expected, 1000, 128 * 1024);
            NativeCopy.copy(s, 0, s, 1000, 128 * 1024);
            assertEquals(-1, s.mismatch(expected));
        }
    }
}
