package io.ringtarget.backstore.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Which logical blocks of a thin medium are mapped (written since they were last deallocated) and which are
 * deallocated (never written, or unmapped), for GET LBA STATUS (SBC-3 5.4, 4.7.2): one bit per logical block, the
 * granularity at which UNMAP and WRITE SAME deallocate. All blocks start deallocated.
 * <p>
 * Thread-safe without locks and allocation-free: several loops write the same medium. A bit is set with an atomic
 * OR only when it is not set yet (a plain read first, so writes to mapped blocks cost no atomic), and cleared with an
 * atomic AND. The medium's writer copies its data and then marks the blocks mapped; its deallocator marks them
 * deallocated and then zeroes them: so a block reported deallocated reads zeros whatever a racing write does
 * (LBPRZ), and at worst a block of zeros is reported mapped.
 */
public final class AllocationMap
{
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long blocks;
    private final long[] words;

    public AllocationMap(final long blocks)
    {
        if (blocks <= 0 || (blocks + 63) / 64 > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException("blocks: " + blocks);
        }
        this.blocks = blocks;
        this.words = new long[(int)((blocks + 63) >>> 6)];
    }

    public long blocks()
    {
        return blocks;
    }

    /** Marks {@code count} blocks from {@code first} mapped; call after their data is in place. */
    public void markMapped(final long first, final long count)
    {
        final long end = first + count;
        long block = first;
        while (block < end)
        {
            final int word = (int)(block >>> 6);
            final long mask = mask(block, end);
            if (((long)WORDS.getOpaque(words, word) & mask) != mask)
            {
                WORDS.getAndBitwiseOr(words, word, mask);
            }
            block = (block | 63) + 1;
        }
    }

    /** Marks {@code count} blocks from {@code first} deallocated; call before they are zeroed. */
    public void markDeallocated(final long first, final long count)
    {
        final long end = first + count;
        long block = first;
        while (block < end)
        {
            final int word = (int)(block >>> 6);
            final long mask = mask(block, end);
            if (((long)WORDS.getOpaque(words, word) & mask) != 0)
            {
                WORDS.getAndBitwiseAnd(words, word, ~mask);
            }
            block = (block | 63) + 1;
        }
    }

    public boolean mapped(final long block)
    {
        return ((long)WORDS.getOpaque(words, (int)(block >>> 6)) & (1L << block)) != 0;
    }

    /** The number of blocks from {@code first} (before the end) that are all mapped, or all deallocated, as it is. */
    public long run(final long first)
    {
        return run(first, blocks);
    }

    /**
     * The number of blocks from {@code first}, before {@code end}, that are all mapped, or all deallocated, as it is:
     * a read's range looks at its own words only.
     */
    public long run(final long first, final long end)
    {
        final boolean mapped = mapped(first);
        long block = first;
        while (block < end)
        {
            final int word = (int)(block >>> 6);
            // Bits that differ from the run's state, from this block on.
            final long differ = (mapped ? ~(long)WORDS.getOpaque(words, word) : (long)WORDS.getOpaque(words, word)) &
                (-1L << block);
            if (differ != 0)
            {
                return Math.min(((long)word << 6) + Long.numberOfTrailingZeros(differ), end) - first;
            }
            block = ((long)word + 1) << 6;
        }
        return end - first;
    }

    /** Whether every block from {@code first} before {@code end} is mapped, as it is: one word read per 64 blocks. */
    public boolean allMapped(final long first, final long end)
    {
        long block = first;
        while (block < end)
        {
            final long mask = mask(block, end);
            if (((long)WORDS.getOpaque(words, (int)(block >>> 6)) & mask) != mask)
            {
                return false;
            }
            block = (block | 63) + 1;
        }
        return true;
    }

    /** The number of mapped blocks, as it is (a racing write or unmap may or may not be counted). */
    public long mappedCount()
    {
        long count = 0;
        for (int word = 0; word < words.length; word++)
        {
            count += Long.bitCount((long)WORDS.getOpaque(words, word));
        }
        return count;
    }

    /**
     * The number of groups of {@code groupBlocks} consecutive blocks (a power of two up to 64, groups aligned to it)
     * with at least one block mapped, as it is: the pages a medium with blocks smaller than its pages holds.
     */
    public long mappedGroupCount(final int groupBlocks)
    {
        if (groupBlocks < 1 || groupBlocks > 64 || Integer.bitCount(groupBlocks) != 1)
        {
            throw new IllegalArgumentException("groupBlocks: " + groupBlocks);
        }
        final long lowest = lowestBitOfEachGroup(groupBlocks);
        long count = 0;
        for (int word = 0; word < words.length; word++)
        {
            long folded = (long)WORDS.getOpaque(words, word);
            for (int shift = 1; shift < groupBlocks; shift <<= 1)
            {
                folded |= folded >>> shift;
            }
            count += Long.bitCount(folded & lowest);
        }
        return count;
    }

    /**
     * The number of groups of {@code groupBlocks} consecutive blocks (a power of two up to 64, aligned to it: not
     * checked, this is the write path) that overlap the {@code count} blocks from {@code first} and have no block
     * mapped, as it is: the pages a write there would take that the medium does not hold yet. Allocation-free; a word
     * read per 64 blocks.
     */
    public long emptyGroupCount(final long first, final long count, final int groupBlocks)
    {
        final long start = first & -(long)groupBlocks;
        final long end = (first + count + groupBlocks - 1) & -(long)groupBlocks;
        final long lowest = lowestBitOfEachGroup(groupBlocks);
        long empty = 0;
        long block = start;
        while (block < end)
        {
            final int word = (int)(block >>> 6);
            final long wordEnd = Math.min(((long)word + 1) << 6, end);
            long folded = (long)WORDS.getOpaque(words, word);
            for (int shift = 1; shift < groupBlocks; shift <<= 1)
            {
                folded |= folded >>> shift;
            }
            final long groups = lowest & mask(block, wordEnd);
            empty += Long.bitCount(groups) - Long.bitCount(folded & groups);
            block = wordEnd;
        }
        return empty;
    }

    /**
     * The lowest bit of each group of {@code groupBlocks} bits in a word: once a word's bits are ORed down a group
     * ({@code folded |= folded >>> 1, 2, 4 ...}), that bit says whether any of its group's is set.
     */
    private static long lowestBitOfEachGroup(final int groupBlocks)
    {
        long lowest = 0;
        for (int bit = 0; bit < 64; bit += groupBlocks)
        {
            lowest |= 1L << bit;
        }
        return lowest;
    }

    /** Bits of the word of {@code block} from it up to {@code end} (exclusive) or the word's end. */
    private static long mask(final long block, final long end)
    {
        final long wordEnd = (block | 63) + 1;
        final long high = end >= wordEnd ? -1L : (1L << end) - 1;   // shifts are mod 64
        return (-1L << block) & high;
    }
}
