package io.ringtarget.scsi;

/**
 * What a logical unit says of its atomic writes (SBC-4 4.29) in the Block Limits VPD page (SBC-4 6.6.4) and checks a
 * WRITE ATOMIC(16) against: MAXIMUM ATOMIC TRANSFER LENGTH, the unit (ATOMIC ALIGNMENT and ATOMIC TRANSFER LENGTH
 * GRANULARITY), and whether a write must also be a power of two long at a multiple of its length (Linux's
 * RWF_ATOMIC). Immutable: a logical unit swaps the whole value, so a command reads one consistent set.
 *
 * @param maxBlocks         MAXIMUM ATOMIC TRANSFER LENGTH; 0 = no atomic writes.
 * @param unitBlocks        the alignment and granularity in blocks (1: no constraint).
 * @param naturallyAligned  a write must be a power of two long and start at a multiple of its length.
 */
public record AtomicWriteLimits(long maxBlocks, int unitBlocks, boolean naturallyAligned)
{
    /** No atomic writes: WRITE ATOMIC(16) is an unsupported operation code. */
    public static final AtomicWriteLimits NONE = new AtomicWriteLimits(0, 1, false);

    /**
     * @param unitBytes         the smallest atomic write, a power of two no smaller than the block.
     * @param maxBytes          the largest; 0 = none.
     * @param naturallyAligned  see {@link #naturallyAligned()}.
     * @param blockSize         the logical block.
     * @param maxTransferBlocks the MAXIMUM TRANSFER LENGTH, which caps the maximum.
     * @return the limits in blocks.
     * @throws IllegalArgumentException for limits no backstore can have.
     */
    static AtomicWriteLimits of(
        final int unitBytes, final int maxBytes, final boolean naturallyAligned, final int blockSize,
        final long maxTransferBlocks)
    {
        if (maxBytes == 0)
        {
            return NONE;
        }
        if (unitBytes < blockSize || Integer.bitCount(unitBytes) != 1 || maxBytes < unitBytes ||
            maxBytes % unitBytes != 0)
        {
            throw new IllegalArgumentException("atomic writes of " + unitBytes + " to " + maxBytes +
                " bytes with " + blockSize + "-byte blocks");
        }
        final int unitBlocks = unitBytes / blockSize;
        final long maxBlocks = Math.min(maxBytes / blockSize, maxTransferBlocks);
        return new AtomicWriteLimits(maxBlocks - maxBlocks % unitBlocks, unitBlocks, naturallyAligned);
    }

    /** @return whether the logical unit makes atomic writes at all. */
    public boolean supported()
    {
        return maxBlocks > 0;
    }
}
