package io.ringtarget.pdu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PduFramerTest
{
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close()
    {
        arena.close();
    }

    @Test
    void needsBhsFirstThenWholePdu()
    {
        final MemorySegment buf = arena.allocate(256);
        new DataOutPdu().wrap(buf, 0).reset().dataSegmentLength(5);
        final PduFramer framer = new PduFramer();

        assertEquals(PduFramer.NEED_MORE, framer.frame(buf, 0, 0));
        assertEquals(48, framer.bytesNeeded());
        assertEquals(PduFramer.NEED_MORE, framer.frame(buf, 0, 47));
        assertEquals(1, framer.bytesNeeded());
        assertEquals(PduFramer.NEED_MORE, framer.frame(buf, 0, 48));
        assertEquals(8, framer.bytesNeeded(), "5 data bytes padded to 8");
        assertEquals(56, framer.frame(buf, 0, 56));
        assertEquals(0, framer.bytesNeeded());
        assertEquals(48, framer.dataOffset());
        assertEquals(5, framer.dataLength());
        assertEquals(-1, framer.headerDigestOffset());
        assertEquals(-1, framer.dataDigestOffset());
        assertEquals(56, framer.frame(buf, 0, 256), "extra bytes belong to the next PDU");
    }

    @Test
    void layoutWithAhsAndDigests()
    {
        final MemorySegment buf = arena.allocate(512);
        final long at = 3;
        new ScsiCommandPdu().wrap(buf, at).reset().totalAhsLength(2).dataSegmentLength(10);
        new AdditionalHeaderSegment().wrap(buf, at + 48).bidirectionalReadDataLength(4096);
        final PduFramer framer = new PduFramer().headerDigest(true).dataDigest(true);
        // 48 BHS + 8 AHS + 4 HD + 12 data (10 padded) + 4 DD
        assertEquals(76, framer.frame(buf, at, 500));
        assertEquals(48, framer.ahsOffset());
        assertEquals(8, framer.ahsLength());
        assertEquals(56, framer.headerDigestOffset());
        assertEquals(60, framer.dataOffset());
        assertEquals(10, framer.dataLength());
        assertEquals(72, framer.dataDigestOffset());
        assertEquals(76, framer.pduLength());

        // No data: no data digest even when negotiated (RFC 7143 11.1).
        new NopOutPdu().wrap(buf, at).reset();
        assertEquals(52, framer.frame(buf, at, 500));
        assertEquals(-1, framer.dataDigestOffset());
        assertEquals(52, framer.dataOffset());
    }

    @Test
    void rejectsOversizedAndMalformed()
    {
        final MemorySegment buf = arena.allocate(2048);
        final PduFramer framer = new PduFramer().maxRecvDataSegmentLength(1024);
        final ScsiCommandPdu cmd = new ScsiCommandPdu().wrap(buf, 0).reset().dataSegmentLength(1025);
        assertEquals(PduFramer.ERROR_DATA_SEGMENT_TOO_LONG, framer.frame(buf, 0, 48));
        cmd.dataSegmentLength(1024);
        assertEquals(48 + 1024, framer.frame(buf, 0, 2048));

        cmd.dataSegmentLength(0).totalAhsLength(PduFramer.DEFAULT_MAX_AHS_LENGTH / 4 + 1);
        assertEquals(PduFramer.ERROR_AHS_TOO_LONG, framer.frame(buf, 0, 2048));
        framer.maxAhsLength(1020);
        cmd.totalAhsLength(255);
        buf.asSlice(48, 1020).fill((byte)0);
        assertEquals(PduFramer.ERROR_AHS_MALFORMED, framer.frame(buf, 0, 2048), "zero fill is not an AHS");
        for (int i = 0; i < 255; i++)
        {
            new AdditionalHeaderSegment().wrap(buf, 48 + 4L * i).ahsLength(1).ahsType(0x40);
        }
        // 255 one-byte AHS of 4 bytes each fill 1020 bytes exactly: structurally valid.
        assertEquals(48 + 1020, framer.frame(buf, 0, 2048));

        cmd.totalAhsLength(1);
        new AdditionalHeaderSegment().wrap(buf, 48).ahsLength(5).ahsType(AdditionalHeaderSegment.EXTENDED_CDB);
        assertEquals(PduFramer.ERROR_AHS_MALFORMED, framer.frame(buf, 0, 2048));
        assertEquals("AHS_MALFORMED", PduFramer.errorName(PduFramer.ERROR_AHS_MALFORMED));
    }

    @Test
    void framesAStreamFedInRandomChunks()
    {
        final SplittableRandom random = new SplittableRandom(7143);
        for (final boolean digests : new boolean[]{ false, true })
        {
            final MemorySegment stream = arena.allocate(1 << 20);
            final int count = 500;
            final int[] lengths = new int[count];
            final int[] tags = new int[count];
            long at = 0;
            final BasicHeaderSegment bhs = new BasicHeaderSegment();
            for (int i = 0; i < count; i++)
            {
                final int dsl = random.nextInt(4) == 0 ? 0 : random.nextInt(1, 1500);
                final int ahsWords = random.nextInt(8) == 0 ? 2 : 0;
                bhs.wrap(stream, at).reset(Opcode.SCSI_DATA_OUT).dataSegmentLength(dsl).totalAhsLength(ahsWords)
                    .initiatorTaskTag(i);
                if (ahsWords != 0)
                {
                    new AdditionalHeaderSegment().wrap(stream, at + 48).bidirectionalReadDataLength(i);
                }
                int length = 48 + ahsWords * 4 + (digests ? 4 : 0) + Padding.pad4(dsl);
                if (digests && dsl > 0)
                {
                    length += 4;
                }
                lengths[i] = length;
                tags[i] = i;
                at += length;
            }
            final long total = at;

            final PduFramer framer = new PduFramer().headerDigest(digests).dataDigest(digests);
            long received = 0;
            long start = 0;
            int framed = 0;
            int iterations = 0;
            while (framed < count)
            {
                assertTrue(++iterations < 1_000_000, "bounded");
                final long result = framer.frame(stream, start, received - start);
                if (result > 0)
                {
                    assertEquals(lengths[framed], result);
                    assertEquals(tags[framed], BasicHeaderSegment.initiatorTaskTag(stream, start));
                    start += result;
                    framed++;
                }
                else
                {
                    assertEquals(PduFramer.NEED_MORE, result);
                    assertTrue(framer.bytesNeeded() > 0);
                    // The receive path would get between 1 byte and a few KiB per completion.
                    received = Math.min(total, received + random.nextInt(1, 3000));
                }
            }
            assertEquals(total, start);
        }
    }
}
