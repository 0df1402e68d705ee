package io.ringtarget.pdu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 3720 appendix B.4 test vectors, wire byte order, offsets, incremental use. */
class Crc32cDigestTest
{
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment segment = arena.allocate(8192 + 64);
    private final Crc32cDigest digest = new Crc32cDigest().wrap(segment);

    @AfterEach
    void close()
    {
        arena.close();
    }

    private void put(final long at, final int... bytes)
    {
        for (int i = 0; i < bytes.length; i++)
        {
            segment.set(ValueLayout.JAVA_BYTE, at + i, (byte)bytes[i]);
        }
    }

    private void assertWireBytes(final int crc, final int b0, final int b1, final int b2, final int b3)
    {
        Crc32cDigest.write(segment, 8000, crc);
        assertEquals((byte)b0, segment.get(ValueLayout.JAVA_BYTE, 8000));
        assertEquals((byte)b1, segment.get(ValueLayout.JAVA_BYTE, 8001));
        assertEquals((byte)b2, segment.get(ValueLayout.JAVA_BYTE, 8002));
        assertEquals((byte)b3, segment.get(ValueLayout.JAVA_BYTE, 8003));
        assertEquals(crc, Crc32cDigest.read(segment, 8000));
    }

    @Test
    void rfc3720AppendixB4Vectors()
    {
        final long at = 7; // not 4-aligned on purpose
        segment.asSlice(at, 32).fill((byte)0);
        assertWireBytes(digest.compute(at, 32), 0xaa, 0x36, 0x91, 0x8a);

        segment.asSlice(at, 32).fill((byte)0xff);
        assertWireBytes(digest.compute(at, 32), 0x43, 0xab, 0xa8, 0x62);

        for (int i = 0; i < 32; i++)
        {
            put(at + i, i);
        }
        assertWireBytes(digest.compute(at, 32), 0x4e, 0x79, 0xdd, 0x46);

        for (int i = 0; i < 32; i++)
        {
            put(at + i, 31 - i);
        }
        assertWireBytes(digest.compute(at, 32), 0x5c, 0xdb, 0x3f, 0x11);

        // An iSCSI SCSI Read (10) command PDU (RFC 3720 B.4).
        put(at,
            0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
            0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
            0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);
        assertWireBytes(digest.compute(at, 48), 0x56, 0x3a, 0x96, 0xd9);
    }

    @Test
    void verifyAgainstDigestInBuffer()
    {
        for (int i = 0; i < 100; i++)
        {
            put(i, i * 7);
        }
        Crc32cDigest.write(segment, 100, digest.compute(0, 100));
        assertTrue(digest.verify(0, 100, 100));
        put(50, 0);
        assertFalse(digest.verify(0, 100, 100));
    }

    @Test
    void incrementalEqualsOneShotIncludingPadding()
    {
        for (int i = 0; i < 4096; i++)
        {
            put(i, i ^ (i >>> 3));
        }
        segment.asSlice(4096, 3).fill((byte)0);
        final int oneShot = digest.compute(0, 4096 + 3);
        final int pieces = digest.begin().update(0, 1000).update(1000, 3096).updatePadding(3).finish();
        assertEquals(oneShot, pieces);
        final java.util.zip.CRC32C heap = new java.util.zip.CRC32C();
        heap.update(segment.asSlice(0, 4099).toArray(ValueLayout.JAVA_BYTE));
        assertEquals(heap.getValue(), oneShot & 0xffffffffL);
    }

    @Test
    void rewrapOnlyWhenSegmentChanges()
    {
        final MemorySegment other = arena.allocate(64);
        other.fill((byte)0);
        assertEquals(segment, digest.segment());
        assertEquals(0x8a9136aa, digest.wrap(other).compute(0, 32));
        assertEquals(other, digest.segment());
    }
}
