package io.ringtarget.iscsi.stats;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The building blocks of the loops' metrics: buckets, op kinds, sense keys, single-writer values. */
class MetricPrimitivesTest
{
    @Test
    void bucketBoundsAreInclusiveAndAscendingFromTenMicrosecondsToTenSeconds()
    {
        assertEquals(0, LatencyBuckets.index(0));
        assertEquals(0, LatencyBuckets.index(10_000));
        assertEquals(1, LatencyBuckets.index(10_001));
        assertEquals(1e-5, LatencyBuckets.upperBoundSeconds(0));
        assertEquals(10.0, LatencyBuckets.upperBoundSeconds(LatencyBuckets.COUNT - 2));
        assertEquals(Double.POSITIVE_INFINITY, LatencyBuckets.upperBoundSeconds(LatencyBuckets.COUNT - 1));
        assertEquals(LatencyBuckets.COUNT - 2, LatencyBuckets.index(10_000_000_000L));
        assertEquals(LatencyBuckets.COUNT - 1, LatencyBuckets.index(10_000_000_001L));
        for (int i = 1; i < LatencyBuckets.COUNT - 1; i++)
        {
            final double bound = LatencyBuckets.upperBoundSeconds(i);
            assertTrue(bound > LatencyBuckets.upperBoundSeconds(i - 1));
            final long nanos = Math.round(bound * 1e9);
            assertEquals(i, LatencyBuckets.index(nanos), "a duration on a bound belongs to that bucket");
            assertEquals(i + 1, LatencyBuckets.index(nanos + 1));
        }
    }

    @Test
    void operationCodesByKind()
    {
        assertEquals(IoOp.READ, IoOp.of(0x28));
        assertEquals(IoOp.READ, IoOp.of(0x88));
        assertEquals(IoOp.WRITE, IoOp.of(0x2A));
        assertEquals(IoOp.WRITE, IoOp.of(0x8E));
        assertEquals(IoOp.WRITE, IoOp.of(0x9C));   // WRITE ATOMIC(16)
        assertEquals(IoOp.FLUSH, IoOp.of(0x35));
        assertEquals(IoOp.FLUSH, IoOp.of(0x91));
        assertEquals(IoOp.UNMAP, IoOp.of(0x42));
        assertEquals(IoOp.OTHER, IoOp.of(0x12));   // INQUIRY
        assertEquals(IoOp.OTHER, IoOp.of(0x93));   // WRITE SAME(16)
        assertEquals(IoOp.OTHER, IoOp.of(0x89));   // COMPARE AND WRITE
        assertEquals("unmap", IoOp.label(IoOp.UNMAP));
    }

    @Test
    void senseKeysOfFixedAndDescriptorSense()
    {
        final MemorySegment fixed = MemorySegment.ofArray(new byte[]{ 0x70, 0, 0x05, 0, 0, 0, 0, 10 });
        assertEquals(5, SenseKeys.of(fixed, 18));
        final MemorySegment descriptor = MemorySegment.ofArray(new byte[]{ 0x72, 0x06, 0x29, 0 });
        assertEquals(6, SenseKeys.of(descriptor, 8));
        assertEquals(SenseKeys.NONE, SenseKeys.of(fixed, 0));
        assertEquals("illegal_request", SenseKeys.label(5));
        assertEquals("unit_attention", SenseKeys.label(6));
        assertEquals("none", SenseKeys.label(SenseKeys.NONE));
    }

    @Test
    void aReaderOnAnotherThreadSeesEveryValueWholeAndNeverGoingBack() throws Exception
    {
        final SingleWriterLongs values = new SingleWriterLongs(2);
        final long n = 2_000_000;
        final Thread writer = Thread.ofPlatform().start(() ->
        {
            for (long i = 0; i < n; i++)
            {
                values.increment(0);
                values.add(1, 1L << 33);
            }
        });
        long last = 0;
        while (writer.isAlive() || last < n)
        {
            final long v = values.get(0);
            assertTrue(v >= last, v + " after " + last);
            last = v;
            assertEquals(0, values.get(1) % (1L << 33), "a long is never torn");
        }
        writer.join();
        assertEquals(n, values.get(0));
        assertEquals(n << 33, values.get(1));
    }
}
