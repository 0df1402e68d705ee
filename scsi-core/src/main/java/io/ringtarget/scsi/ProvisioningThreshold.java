package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soft threshold of a thin logical unit (SBC-4 4.7.3.8): when the blocks its backstore holds storage for (the used
 * LBA mapping resources, {@link BlockDevice#mappedBlocks}) reach a share of its capacity the administrator chose,
 * every I_T nexus gets THIN PROVISIONING SOFT THRESHOLD REACHED (38h/07h) once, as a thin array warns its hosts
 * before it runs out of space (Linux logs it and sends a uevent). The threshold is armed
 * increasing: it fires again only after the used blocks fell below it (an UNMAP, a sanitize) and reach it again.
 * <p>
 * The used count is read after a WRITE completes, at most once every {@link #CHECK_INTERVAL_NANOS} per logical unit
 * (by the loop that wins that turn): an fstat of a sparse file, or a count of a RAM backstore's allocation map, so a
 * crossing is seen within about that long of the write that made it. The Logical Block Provisioning mode page
 * (1Ch/02h) reports the threshold as one descriptor, not changeable; the VPD page B2h's THRESHOLD EXPONENT gives its
 * unit, which the Logical Block Provisioning log page's counts use too.
 */
final class ProvisioningThreshold
{
    static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;
    /** Mode page 1Ch subpage 02h: 16 bytes of header, one 8-byte threshold descriptor. */
    static final int MODE_PAGE_LENGTH = 24;
    static final int MODE_PAGE_SUBPAGE = 0x02;
    private static final int ENABLED = 0x80;
    private static final int ARMED_INCREASING = 0x01;
    private static final int USED_LBA_MAPPING_RESOURCE = 0x02;

    private final LogicalUnit lu;
    private final UnitAttentions unitAttentions;
    // Set before the logical unit serves and again when it is resized (on any thread): read by every loop.
    /** 0: no threshold. The mode page's THRESHOLD COUNT, in threshold sets. */
    private volatile long thresholdCount;
    /** The used blocks at which the threshold is reached: the count's blocks, at most the capacity. */
    private volatile long thresholdBlocks;
    private volatile int percent;
    /** A threshold set is 2^exponent blocks (0 without a threshold: counts are in blocks). */
    private volatile int exponent;
    private long checkIntervalNanos = CHECK_INTERVAL_NANOS;
    private final AtomicLong lastCheckNanos = new AtomicLong(System.nanoTime() - (Long.MAX_VALUE >> 1));
    private final AtomicBoolean armed = new AtomicBoolean(true);
    private volatile long reachedCount;

    ProvisioningThreshold(final LogicalUnit lu, final UnitAttentions unitAttentions)
    {
        this.lu = lu;
        this.unitAttentions = unitAttentions;
    }

    /**
     * A soft threshold at {@code percent} of {@code blockCount} used blocks (1 to 100), or none with 0. Before the
     * logical unit serves, and when it is resized (the same share of the new size).
     */
    void set(final int percent, final long blockCount)
    {
        if (percent < 0 || percent > 100)
        {
            throw new IllegalArgumentException("soft threshold " + percent + "%: 1 to 100, or 0 for none");
        }
        this.percent = percent;
        if (percent == 0 || blockCount <= 0)
        {
            thresholdCount = 0;
            thresholdBlocks = 0;
            exponent = 0;
            return;
        }
        // The smallest threshold set (at least 2 blocks: an exponent of 0 says there are no thresholds) in which the
        // capacity's count fits the 32 bits of the mode page's THRESHOLD COUNT and the log page's RESOURCE COUNT.
        int e = 1;
        while ((blockCount >>> e) > 0xFFFF_FFFFL)
        {
            e++;
        }
        exponent = e;
        final long blocks = Math.max(1, (long)Math.ceil(blockCount * (percent / 100.0)));
        thresholdCount = (blocks + (1L << e) - 1) >>> e;
        thresholdBlocks = Math.min(thresholdCount << e, blockCount);
    }

    /** Reads the used count at most this often (tests). Before the logical unit serves. */
    void checkInterval(final long nanos)
    {
        checkIntervalNanos = nanos;
    }

    boolean enabled()
    {
        return thresholdBlocks > 0;
    }

    int percent()
    {
        return percent;
    }

    /** THRESHOLD EXPONENT (VPD B2h): 0 without a threshold. */
    int exponent()
    {
        return exponent;
    }

    /** The used blocks at which the threshold is reached; 0 without one. */
    long thresholdBlocks()
    {
        return thresholdBlocks;
    }

    /** How often the threshold was reached (and initiators told). */
    long reachedCount()
    {
        return reachedCount;
    }

    /**
     * A WRITE completed on this loop's handle of the backstore: maybe read the used count and tell every initiator
     * when it reached the threshold. No allocation; one nanoTime without a threshold's turn.
     */
    void written(final ScsiTask t)
    {
        final long threshold = thresholdBlocks;
        if (threshold == 0)
        {
            return;
        }
        final long now = System.nanoTime();
        final long last = lastCheckNanos.get();
        if (now - last < checkIntervalNanos || !lastCheckNanos.compareAndSet(last, now))
        {
            return;
        }
        final BlockDevice device = t.device();
        final long mapped = null == device ? -1 : device.mappedBlocks();
        if (mapped < 0)
        {
            return;
        }
        if (mapped < threshold)
        {
            armed.set(true);
        }
        else if (armed.compareAndSet(true, false))
        {
            reachedCount++;
            // SITUA 0: every I_T nexus, the one whose write crossed it included (SBC-4 4.7.3.8.3).
            unitAttentions.raise(UnitAttentions.SOFT_THRESHOLD_REACHED, null);
            lu.mediumEvents().softThresholdReached(mapped, threshold, lu.blockCount());
        }
    }

    /**
     * The Logical Block Provisioning mode page (SBC-4 6.5.7), 1Ch subpage 02h: SITUA 0 and one threshold descriptor,
     * enabled, soft, armed increasing, on the used LBA mapping resources, its count in threshold sets. Nothing is
     * changeable ({@code pageControl} 1: the mask, all zero). The caller sets PS.
     *
     * @return the page length written.
     */
    int modePage(final MemorySegment out, final int o, final int pageControl)
    {
        Bytes.zero(out, o, MODE_PAGE_LENGTH);
        Bytes.put8(out, o, 0x40 | 0x1C);   // SPF: the subpage format
        Bytes.put8(out, o + 1, MODE_PAGE_SUBPAGE);
        Bytes.put16(out, o + 2, MODE_PAGE_LENGTH - 4);
        if (pageControl != 1)
        {
            Bytes.put8(out, o + 16, ENABLED | ARMED_INCREASING);   // THRESHOLD TYPE 000b: soft
            Bytes.put8(out, o + 17, USED_LBA_MAPPING_RESOURCE);
            Bytes.put32(out, o + 20, thresholdCount);
        }
        return MODE_PAGE_LENGTH;
    }

    /** A count of blocks in threshold sets (the log page's RESOURCE COUNT), rounded down; -1 (unknown) stays. */
    long inThresholdSets(final long blocks)
    {
        return blocks < 0 ? blocks : blocks >>> exponent;
    }
}
