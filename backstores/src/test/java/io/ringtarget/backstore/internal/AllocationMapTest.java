package io.ringtarget.backstore.internal;

import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AllocationMapTest
{
    @Test
    void everythingStartsDeallocated()
    {
        final AllocationMap map = new AllocationMap(1000);
        assertFalse(map.mapped(0));
        assertEquals(1000, map.run(0));
        assertEquals(1, map.run(999));
        assertThrows(IllegalArgumentException.class, () -> new AllocationMap(0));
    }

    @Test
    void runsFollowMarksAcrossWordBoundaries()
    {
        final AllocationMap map = new AllocationMap(300);
        map.markMapped(60, 10);   // 60..69, across the first word boundary
        assertEquals(60, map.run(0));
        assertTrue(map.mapped(60));
        assertEquals(10, map.run(60));
        assertEquals(7, map.run(63));
        assertFalse(map.mapped(70));
        assertEquals(230, map.run(70));
        map.markMapped(70, 230);   // to the end
        assertEquals(240, map.run(60));
        map.markDeallocated(128, 64);   // exactly the third word
        assertEquals(68, map.run(60));
        assertEquals(64, map.run(128));
        assertEquals(108, map.run(192));
        map.markDeallocated(0, 300);
        assertEquals(300, map.run(0));
        map.markMapped(299, 1);
        assertEquals(299, map.run(0));
        assertEquals(1, map.run(299));
    }

    @Test
    void agreesWithABitSetOverRandomMarks()
    {
        final SplittableRandom random = new SplittableRandom(17);
        final int blocks = 5_000;
        final AllocationMap map = new AllocationMap(blocks);
        final BitSet model = new BitSet(blocks);
        for (int i = 0; i < 2_000; i++)
        {
            final int first = random.nextInt(blocks);
            final int count = 1 + random.nextInt(Math.min(300, blocks - first));
            if (random.nextBoolean())
            {
                map.markMapped(first, count);
                model.set(first, first + count);
            }
            else
            {
                map.markDeallocated(first, count);
                model.clear(first, first + count);
            }
            final int probe = random.nextInt(blocks);
            final boolean mapped = model.get(probe);
            final int runEnd = mapped ? model.nextClearBit(probe) : Math.min(model.nextSetBit(probe) < 0 ? blocks :
                model.nextSetBit(probe), blocks);
            assertEquals(mapped, map.mapped(probe), "block " + probe);
            assertEquals(Math.min(runEnd, blocks) - probe, map.run(probe), "run from " + probe);
            // Bounded as a read's range bounds it: the same run, cut at the range's end.
            final int end = probe + 1 + random.nextInt(blocks - probe);
            assertEquals(Math.min(runEnd, end) - probe, map.run(probe, end), "run from " + probe + " before " + end);
            assertEquals(model.nextClearBit(probe) >= end, map.allMapped(probe, end),
                "all mapped " + probe + ".." + end);
        }
    }

    @Test
    void groupsWithAMappedBlockAreCountedAsABitSetCountsThem()
    {
        // The pages a RAM disk of 512-, 1024- and 2048-byte blocks holds: groups of 8, 4, 2 blocks (and 1, 64).
        final SplittableRandom random = new SplittableRandom(23);
        final int blocks = 4_100;
        final AllocationMap map = new AllocationMap(blocks);
        final BitSet model = new BitSet(blocks);
        for (int i = 0; i < 300; i++)
        {
            final int first = random.nextInt(blocks);
            final int count = 1 + random.nextInt(Math.min(40, blocks - first));
            if (random.nextInt(3) != 0)
            {
                map.markMapped(first, count);
                model.set(first, first + count);
            }
            else
            {
                map.markDeallocated(first, count);
                model.clear(first, first + count);
            }
            for (final int group : new int[] {1, 2, 4, 8, 64})
            {
                long expected = 0;
                for (int start = 0; start < blocks; start += group)
                {
                    final int next = model.nextSetBit(start);
                    expected += next >= 0 && next < start + group ? 1 : 0;
                }
                assertEquals(expected, map.mappedGroupCount(group), "groups of " + group);
            }
        }
        for (int probe = 0; probe < 500; probe++)
        {
            final int first = random.nextInt(blocks);
            final int count = 1 + random.nextInt(Math.min(700, blocks - first));
            for (final int group : new int[] {1, 2, 4, 8, 64})
            {
                long expected = 0;
                for (long start = (long)first / group * group; start < first + count; start += group)
                {
                    final int next = model.nextSetBit((int)start);
                    expected += next >= 0 && next < start + group ? 0 : 1;
                }
                assertEquals(expected, map.emptyGroupCount(first, count, group),
                    "empty groups of " + group + " over " + first + "+" + count);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> map.mappedGroupCount(3));
        assertThrows(IllegalArgumentException.class, () -> map.mappedGroupCount(128));
    }

    @Test
    void loopsMarkingDisjointBlocksOfOneWordConcurrentlyLoseNothing() throws InterruptedException
    {
        // Four writers on interleaved blocks: every word is shared, so a lost update would show as a gap.
        final int threads = 4;
        final int blocks = 64 * 256;
        final AllocationMap map = new AllocationMap(blocks);
        final CountDownLatch start = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++)
        {
            final int offset = t;
            Thread.ofPlatform().start(() ->
            {
                try
                {
                    start.await();
                    for (int b = offset; b < blocks; b += threads)
                    {
                        map.markMapped(b, 1);
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                finally
                {
                    done.countDown();
                }
            });
        }
        start.countDown();
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertTrue(map.mapped(0));
        assertEquals(blocks, map.run(0));
    }

    @Test
    void marksAndRunsAllocateNothing()
    {
        final java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean,
            "no per-thread allocation counter");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)bean;
        final AllocationMap map = new AllocationMap(1 << 16);
        long sum = 0;
        long allocated = 0;
        for (int round = 0; round < 2; round++)   // the first round warms up
        {
            final long start = threads.getThreadAllocatedBytes(Thread.currentThread().threadId());
            for (int i = 0; i < 200_000; i++)
            {
                final long block = i * 7919L % 65000;
                map.markMapped(block, 100);
                map.markDeallocated(block + 20, 30);
                sum += map.run(block) + (map.mapped(block + 40) ? 1 : 0);
            }
            allocated = threads.getThreadAllocatedBytes(Thread.currentThread().threadId()) - start;
        }
        assertTrue(allocated < 4096, allocated + " bytes allocated (" + sum + ")");
    }
}
