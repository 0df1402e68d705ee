package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soft thresholds of a thin logical unit (SBC-4 4.7.3.8), as a thin array warns its hosts before it runs out of
 * space (Linux logs the unit attention and sends a uevent), each chosen by the administrator as a share of the
 * capacity:
 * <ul>
 * <li>on the used LBA mapping resources ({@link BlockDevice#mappedBlocks}, the blocks the backstore holds storage
 * for), armed increasing: reached when they reach the share;</li>
 * <li>on the available LBA mapping resources ({@link BlockDevice#availableBlocks}, how many more blocks the storage
 * beneath can take: a file system's free space, the machine's memory, at most the blocks not written yet), armed
 * decreasing: reached when they fall below the share.</li>
 * </ul>
 * When one is reached every I_T nexus gets THIN PROVISIONING SOFT THRESHOLD REACHED (38h/07h) once; it fires again
 * only after the count went back across it (an UNMAP, a sanitize, space freed) and crossed it again.
 * <p>
 * The counts are read after a WRITE completes, at most once every {@link #CHECK_INTERVAL_NANOS} per logical unit (by
 * the loop that wins that turn): an fstat (and fstatvfs) of a sparse file, or a count of a RAM backstore's allocation
 * map (and /proc/meminfo), so a crossing is seen within about that long of a write. Space that other storage on the
 * same file system takes is seen at this logical unit's next write. The Logical Block Provisioning mode page (1Ch/02h)
 * reports one descriptor per threshold, not changeable; the VPD page B2h's THRESHOLD EXPONENT gives their unit, which
 * the Logical Block Provisioning log page's counts use too.
 */
final class ProvisioningThreshold
{
    static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;
    /** Mode page 1Ch subpage 02h: 16 bytes of header, then an 8-byte threshold descriptor per threshold. */
    static final int MODE_PAGE_HEADER = 16;
    static final int DESCRIPTOR_LENGTH = 8;
    static final int MODE_PAGE_SUBPAGE = 0x02;
    private static final int ENABLED = 0x80;
    private static final int ARMED_DECREASING = 0x00;
    private static final int ARMED_INCREASING = 0x01;
    private static final int AVAILABLE_LBA_MAPPING_RESOURCE = 0x01;
    private static final int USED_LBA_MAPPING_RESOURCE = 0x02;

    private final LogicalUnit lu;
    private final UnitAttentions unitAttentions;
    // Set before the logical unit serves and again when it is resized (on any thread): read by every loop.
    /** The used blocks at which the used threshold is reached: its count's blocks, at most the capacity; 0: none. */
    private volatile long usedBlocks;
    /** The used threshold's THRESHOLD COUNT, in threshold sets. */
    private volatile long usedCount;
    private volatile int usedPercent;
    /** The available blocks below which the available threshold is reached: its count's blocks; 0: none. */
    private volatile long availableBlocks;
    private volatile long availableCount;
    private volatile int availablePercent;
    /** A threshold set is 2^exponent blocks (0 without a threshold: counts are in blocks). */
    private volatile int exponent;
    private long checkIntervalNanos = CHECK_INTERVAL_NANOS;
    private final AtomicLong lastCheckNanos = new AtomicLong(System.nanoTime() - (Long.MAX_VALUE >> 1));
    private final AtomicBoolean usedArmed = new AtomicBoolean(true);
    private final AtomicBoolean availableArmed = new AtomicBoolean(true);
    private volatile long reachedCount;

    ProvisioningThreshold(final LogicalUnit lu, final UnitAttentions unitAttentions)
    {
        this.lu = lu;
        this.unitAttentions = unitAttentions;
    }

    /**
     * The thresholds at {@code usedPercent} and {@code availablePercent} of {@code blockCount} (1 to 100 each, 0 for
     * none). Before the logical unit serves, and when it is resized (the same shares of the new size).
     */
    void set(final int usedPercent, final int availablePercent, final long blockCount)
    {
        check(usedPercent);
        check(availablePercent);
        this.usedPercent = usedPercent;
        this.availablePercent = availablePercent;
        if ((usedPercent == 0 && availablePercent == 0) || blockCount <= 0)
        {
            usedCount = 0;
            usedBlocks = 0;
            availableCount = 0;
            availableBlocks = 0;
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
        usedCount = sets(usedPercent, blockCount, e);
        usedBlocks = Math.min(usedCount << e, blockCount);
        availableCount = sets(availablePercent, blockCount, e);
        availableBlocks = Math.min(availableCount << e, blockCount);
    }

    private static void check(final int percent)
    {
        if (percent < 0 || percent > 100)
        {
            throw new IllegalArgumentException("threshold " + percent + "%: 1 to 100, or 0 for none");
        }
    }

    /** {@code percent} of {@code blockCount} blocks in threshold sets of 2^e blocks, rounded up (0: none). */
    private static long sets(final int percent, final long blockCount, final int e)
    {
        if (percent == 0)
        {
            return 0;
        }
        final long blocks = Math.max(1, (long)Math.ceil(blockCount * (percent / 100.0)));
        return (blocks + (1L << e) - 1) >>> e;
    }

    /** Reads the counts at most this often (tests). Before the logical unit serves. */
    void checkInterval(final long nanos)
    {
        checkIntervalNanos = nanos;
    }

    /** Whether any threshold is set (the mode page is offered). */
    boolean enabled()
    {
        return usedBlocks > 0 || availableBlocks > 0;
    }

    int usedPercent()
    {
        return usedPercent;
    }

    int availablePercent()
    {
        return availablePercent;
    }

    /** THRESHOLD EXPONENT (VPD B2h): 0 without a threshold. */
    int exponent()
    {
        return exponent;
    }

    /** How often a threshold was reached (and initiators told). */
    long reachedCount()
    {
        return reachedCount;
    }

    /**
     * A WRITE completed on this loop's handle of the backstore: maybe read the counts and tell every initiator when
     * one reached its threshold. No allocation; one nanoTime without a threshold's turn.
     */
    void written(final ScsiTask t)
    {
        final long used = usedBlocks;
        final long available = availableBlocks;
        if (used == 0 && available == 0)
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
        if (null == device)
        {
            return;
        }
        if (used > 0)
        {
            final long mapped = device.mappedBlocks();
            if (mapped >= 0 && crossed(usedArmed, mapped >= used))
            {
                lu.mediumEvents().softThresholdReached(mapped, used, lu.blockCount());
            }
        }
        if (available > 0)
        {
            final long left = device.availableBlocks();
            if (left >= 0 && crossed(availableArmed, left < available))
            {
                lu.mediumEvents().availableThresholdReached(left, available, lu.blockCount());
            }
        }
    }

    /** Whether a threshold armed by {@code armed} is reached now ({@code beyond}): the initiators are told. */
    private boolean crossed(final AtomicBoolean armed, final boolean beyond)
    {
        if (!beyond)
        {
            armed.set(true);
            return false;
        }
        if (!armed.compareAndSet(true, false))
        {
            return false;
        }
        reachedCount++;
        // SITUA 0: every I_T nexus, the one whose write crossed it included (SBC-4 4.7.3.8.3).
        unitAttentions.raise(UnitAttentions.SOFT_THRESHOLD_REACHED, null);
        return true;
    }

    /** The Logical Block Provisioning mode page's length: a descriptor per threshold. */
    int modePageLength()
    {
        return MODE_PAGE_HEADER + DESCRIPTOR_LENGTH * ((usedBlocks > 0 ? 1 : 0) + (availableBlocks > 0 ? 1 : 0));
    }

    /**
     * The Logical Block Provisioning mode page (SBC-4 6.5.7), 1Ch subpage 02h: SITUA 0 and a threshold descriptor per
     * threshold, enabled and soft: the used resources' armed increasing, the available resources' armed decreasing,
     * each count in threshold sets. Nothing is changeable ({@code pageControl} 1: the mask, all zero). The caller
     * sets PS.
     *
     * @return the page length written.
     */
    int modePage(final MemorySegment out, final int o, final int pageControl)
    {
        final int length = modePageLength();
        Bytes.zero(out, o, length);
        Bytes.put8(out, o, 0x40 | 0x1C);   // SPF: the subpage format
        Bytes.put8(out, o + 1, MODE_PAGE_SUBPAGE);
        Bytes.put16(out, o + 2, length - 4);
        if (pageControl != 1)
        {
            int d = o + MODE_PAGE_HEADER;
            if (usedBlocks > 0)
            {
                // THRESHOLD TYPE 000b (soft) in both.
                descriptor(out, d, ARMED_INCREASING, USED_LBA_MAPPING_RESOURCE, usedCount);
                d += DESCRIPTOR_LENGTH;
            }
            if (availableBlocks > 0)
            {
                descriptor(out, d, ARMED_DECREASING, AVAILABLE_LBA_MAPPING_RESOURCE, availableCount);
            }
        }
        return length;
    }

    private static void descriptor(
        final MemorySegment out, final int d, final int arming, final int resource, final long count)
    {
        Bytes.put8(out, d, ENABLED | arming);
        Bytes.put8(out, d + 1, resource);
        Bytes.put32(out, d + 4, count);
    }

    /** A count of blocks in threshold sets (the log page's RESOURCE COUNT), rounded down; -1 (unknown) stays. */
    long inThresholdSets(final long blocks)
    {
        return blocks < 0 ? blocks : blocks >>> exponent;
    }
}
