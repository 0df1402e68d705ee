package io.ringtarget.iscsi.stats;

/**
 * The fixed upper bounds of the command latency histograms, 10 µs to 10 s (SI steps 1-2-3-5-7.5 where latencies of a
 * fast target live, 1-2.5-5-7.5 above a millisecond), and the bucket a duration falls in. A recording is a few
 * comparisons and an increment of the bucket's counter: no allocation, no lock.
 */
public final class LatencyBuckets
{
    private static final long US = 1_000L;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    /** Inclusive upper bounds in nanoseconds, ascending; one more bucket (+Inf) follows the last. */
    private static final long[] BOUNDS_NANOS = {
        10 * US, 20 * US, 30 * US, 50 * US, 75 * US, 100 * US, 150 * US, 250 * US, 500 * US, 750 * US,
        MS, 2_500 * US, 5 * MS, 7_500 * US, 10 * MS, 25 * MS, 50 * MS, 75 * MS, 100 * MS, 250 * MS, 500 * MS, 750 * MS,
        S, 2_500 * MS, 5 * S, 10 * S };

    /** Buckets per histogram, +Inf included. */
    public static final int COUNT = BOUNDS_NANOS.length + 1;

    private LatencyBuckets()
    {
    }

    /** The bucket of a duration: the first whose bound it does not exceed, or the last (+Inf). */
    public static int index(final long nanos)
    {
        final long[] bounds = BOUNDS_NANOS;
        for (int i = 0; i < bounds.length; i++)
        {
            if (nanos <= bounds[i])
            {
                return i;
            }
        }
        return bounds.length;
    }

    /** Upper bound of bucket {@code i} in seconds; +Inf for the last. */
    public static double upperBoundSeconds(final int i)
    {
        return i < BOUNDS_NANOS.length ? BOUNDS_NANOS[i] / 1e9 : Double.POSITIVE_INFINITY;
    }
}
