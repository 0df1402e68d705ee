package io.ringtarget.iscsi.command;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The region of contiguous 128 KiB chunks larger transfers borrow: placement, release, views. */
class ChunkRegionTest
{
    private static final int MIB = 1024 * 1024;
    private final ChunkRegion region = new ChunkRegion(DataBuffers.DEFAULT_REGION_SIZE);

    @AfterEach
    void close()
    {
        region.close();
    }

    @Test
    void sizesInChunks()
    {
        assertEquals(256, region.chunks(), "32 MiB of 128 KiB chunks");
        assertEquals(1, ChunkRegion.chunksFor(1));
        assertEquals(1, ChunkRegion.chunksFor(128 * 1024));
        assertEquals(2, ChunkRegion.chunksFor(128 * 1024 + 1));
        assertEquals(8, ChunkRegion.chunksFor(MIB));
        assertEquals(10, ChunkRegion.chunksFor(1280 * 1024));
        assertEquals(128, ChunkRegion.chunksFor(16 * MIB));
        assertThrows(IllegalArgumentException.class, () -> new ChunkRegion(1000));
    }

    @Test
    void twoSixteenMebibyteRunsThenNone()
    {
        final int a = region.acquire(128);
        final int b = region.acquire(128);
        assertEquals(0, a);
        assertEquals(128, b);
        assertEquals(-1, region.acquire(1), "full");
        assertEquals(0, region.freeChunks());
        region.release(a, 128);
        assertEquals(0, region.acquire(128), "the freed run is found again");
    }

    @Test
    void runsArePlacedAtMultiplesOfTheirPowerOfTwo()
    {
        assertEquals(0, region.acquire(1));
        assertEquals(8, region.acquire(8), "1 MiB runs at multiples of 1 MiB");
        assertEquals(1, region.acquire(1));
        assertEquals(16, region.acquire(10), "10 chunks at a multiple of 8");
        assertEquals(64, region.acquire(64), "whole words for 8 MiB");
        assertEquals(128, region.acquire(128), "16 MiB after everything smaller");
    }

    @Test
    void smallRunsScatteredStillLeaveRoomForSixteenMebibytes()
    {
        // 1 MiB commands come and go; one 16 MiB run must still fit while at most half the region is in use.
        final List<Integer> held = new ArrayList<>();
        for (int i = 0; i < 16; i++)
        {
            held.add(region.acquire(8));
        }
        for (int i = 0; i < 16; i += 2)
        {
            region.release(held.get(i), 8);
        }
        final int big = region.acquire(128);
        assertEquals(128, big, "the upper half is whole");
        assertEquals(-1, region.acquire(128));
    }

    @Test
    void releaseChecksWhatIsInUse()
    {
        final int a = region.acquire(8);
        assertThrows(IllegalArgumentException.class, () -> region.release(a, 9));
        assertThrows(IllegalArgumentException.class, () -> region.release(a + 8, 1));
        assertThrows(IllegalArgumentException.class, () -> region.release(-1, 1));
        region.release(a, 8);
        assertThrows(IllegalArgumentException.class, () -> region.release(a, 8));
        assertEquals(256, region.freeChunks());
    }

    @Test
    void viewsAreExactAndCachedPerPlace()
    {
        final int a = region.acquire(8);
        assertEquals(MIB, region.segment(a, 8).byteSize());
        assertEquals(region.slab().address() + (long)a * ChunkRegion.CHUNK_SIZE, region.segment(a, 8).address());
        assertSame(region.segment(a, 8), region.segment(a, 8), "no allocation when a place is reused at its size");
        assertEquals(0, region.segment(a, 8).address() % 4096, "O_DIRECT alignment");
        region.release(a, 8);
        assertEquals(2 * ChunkRegion.CHUNK_SIZE, region.segment(region.acquire(2), 2).byteSize());
    }

    @Test
    void randomRunsNeverOverlap()
    {
        final Random random = new Random(15);
        final int[] owner = new int[region.chunks()];
        final List<int[]> held = new ArrayList<>();
        for (int step = 0; step < 20_000; step++)
        {
            if (!held.isEmpty() && (random.nextBoolean() || region.freeChunks() < 16))
            {
                final int[] run = held.remove(random.nextInt(held.size()));
                for (int c = run[0]; c < run[0] + run[1]; c++)
                {
                    assertEquals(step(run), owner[c]);
                    owner[c] = 0;
                }
                region.release(run[0], run[1]);
                continue;
            }
            final int n = 1 + random.nextInt(random.nextInt(8) == 0 ? 128 : 16);
            final int first = region.acquire(n);
            if (first < 0)
            {
                continue;
            }
            final int[] run = {first, n, step + 1};
            for (int c = first; c < first + n; c++)
            {
                assertEquals(0, owner[c], "chunk " + c + " handed out twice");
                owner[c] = step(run);
            }
            held.add(run);
        }
        int inUse = 0;
        for (final int[] run : held)
        {
            inUse += run[1];
        }
        assertEquals(region.chunks() - inUse, region.freeChunks());
        assertNotEquals(0, held.size());
        assertTrue(region.freeChunks() >= 0);
    }

    private static int step(final int[] run)
    {
        return run[2];
    }
}
