package io.ringtarget.pdu;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bounded random and truncated input to the framer and the key parser, with fixed seeds so every build runs the
 * same cases: results must be a frame, a request for more bytes, or a known error; never an exception, never a loop.
 * The coverage-guided variant is {@link PduFuzzTest}.
 */
class PduPropertyTest
{
    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void close()
    {
        arena.close();
    }

    private static byte[] resource(final String name) throws IOException
    {
        try (InputStream in = PduPropertyTest.class.getResourceAsStream("/golden/" + name))
        {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    /** Frame everything in buf[0, length) as a receive path would; checks the framer's contract on each call. */
    static int frameAll(final PduFramer framer, final MemorySegment buf, final long length)
    {
        long start = 0;
        int framed = 0;
        // Each success consumes at least 48 bytes, so this many calls always suffice; more would be a loop.
        final long maxCalls = length / PduHeader.LENGTH + 2;
        for (long calls = 0; calls < maxCalls; calls++)
        {
            final long available = length - start;
            final long result = framer.frame(buf, start, available);
            if (result > 0)
            {
                assertTrue(result >= PduHeader.LENGTH && result <= available, "frame within what is available");
                assertTrue(framer.dataOffset() + framer.dataLength() <= result);
                assertTrue(framer.dataOffset() >= PduHeader.LENGTH + framer.ahsLength());
                start += result;
                framed++;
            }
            else if (result == PduFramer.NEED_MORE)
            {
                assertTrue(framer.bytesNeeded() > 0, "NEED_MORE says how many");
                return framed;
            }
            else
            {
                assertTrue(result == PduFramer.ERROR_DATA_SEGMENT_TOO_LONG || result == PduFramer.ERROR_AHS_TOO_LONG ||
                    result == PduFramer.ERROR_AHS_MALFORMED, "known error code " + result);
                return framed;
            }
        }
        return fail("framer did not finish in " + maxCalls + " calls");
    }

    @Test
    void framerOnRandomBytes()
    {
        final SplittableRandom random = new SplittableRandom(0x5eed);
        final MemorySegment buf = arena.allocate(4096);
        final PduFramer framer = new PduFramer();
        for (int i = 0; i < 50_000; i++)
        {
            final int length = random.nextInt(4096);
            for (int j = 0; j < length; j++)
            {
                buf.set(ValueLayout.JAVA_BYTE, j, (byte)random.nextInt());
            }
            // Make some headers plausible so the AHS/data paths are reached, not only the length checks.
            for (long at = 0; at + 48 <= length && random.nextBoolean(); at += 48 + random.nextInt(64))
            {
                buf.set(ValueLayout.JAVA_BYTE, at + 4, (byte)(random.nextInt(4) == 0 ? random.nextInt(8) : 0));
                buf.set(ValueLayout.JAVA_BYTE, at + 5, (byte)0);
                buf.set(ValueLayout.JAVA_BYTE, at + 6, (byte)random.nextInt(4));
            }
            framer.headerDigest(random.nextBoolean()).dataDigest(random.nextBoolean())
                .maxRecvDataSegmentLength(random.nextBoolean() ? 8192 : PduHeader.MAX_DATA_SEGMENT_LENGTH)
                .maxAhsLength(random.nextBoolean() ? PduFramer.DEFAULT_MAX_AHS_LENGTH : 1020);
            frameAll(framer, buf, length);
        }
    }

    @Test
    void everyTruncationOfARealStreamAsksForExactlyWhatCompletesIt() throws IOException
    {
        final byte[] stream = resource("inquiry-0-target.bin");
        final MemorySegment buf = arena.allocate(stream.length);
        MemorySegment.copy(stream, 0, buf, ValueLayout.JAVA_BYTE, 0, stream.length);
        final PduFramer framer = new PduFramer().maxRecvDataSegmentLength(262144);
        final int whole = frameAll(framer, buf, stream.length);
        assertEquals(6, whole);
        for (int cut = 0; cut < stream.length; cut++)
        {
            long start = 0;
            while (true)
            {
                final long result = framer.frame(buf, start, cut - start);
                if (result <= 0)
                {
                    assertEquals(PduFramer.NEED_MORE, result);
                    break;
                }
                start += result;
            }
            // Give exactly what was asked for: a BHS completes (and may ask again), a whole PDU frames.
            final long firstAsk = framer.bytesNeeded();
            long available = cut - start + firstAsk;
            long result = framer.frame(buf, start, available);
            if (result == PduFramer.NEED_MORE)
            {
                assertTrue(available >= PduHeader.LENGTH, "asks again only once the BHS is in");
                available += framer.bytesNeeded();
                result = framer.frame(buf, start, available);
            }
            assertEquals(available, result, "cut at " + cut);
        }
    }

    @Test
    void mutatedRealStreamsNeverBreakTheFramer() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(11);
        for (final String name : new String[]{ "session-0-initiator.bin", "session-header-digest-0-target.bin",
            "discovery-1-target.bin" })
        {
            final byte[] stream = resource(name);
            final MemorySegment buf = arena.allocate(stream.length);
            for (int i = 0; i < 300; i++)
            {
                MemorySegment.copy(stream, 0, buf, ValueLayout.JAVA_BYTE, 0, stream.length);
                for (int m = random.nextInt(1, 16); m > 0; m--)
                {
                    buf.set(ValueLayout.JAVA_BYTE, random.nextInt(Math.min(stream.length, 4096)), (byte)random.nextInt());
                }
                frameAll(new PduFramer().maxRecvDataSegmentLength(262144).headerDigest(random.nextBoolean()), buf,
                    random.nextInt(stream.length + 1));
            }
        }
    }

    /** Walk all pairs, calling every accessor; the number of pairs is bounded by the text length. */
    static void readAllKeys(final TextKeyReader reader, final MemorySegment segment, final long offset, final int length)
    {
        reader.wrap(segment, offset, length);
        final byte[] binary = new byte[64];
        final byte[] probe = "None".getBytes(StandardCharsets.US_ASCII);
        int pairs = 0;
        while (reader.next())
        {
            pairs++;
            assertTrue(pairs <= length / 3, "at least 'k=' plus NUL per pair");
            assertTrue(reader.keyLength() >= 1 && reader.keyLength() <= TextKeyReader.MAX_KEY_LENGTH);
            assertTrue(reader.valueOffset() + reader.valueLength() < offset + length);
            assertNotNull(reader.key());
            assertNotNull(reader.value());
            final long number = reader.valueAsLong();
            assertTrue(number >= -1);
            final int decoded = reader.valueAsBinary(binary);
            assertTrue(decoded >= TextKeyReader.DESTINATION_TOO_SMALL && decoded <= binary.length);
            reader.valueAsYesNo();
            reader.valueIsList();
            reader.valueListIndexOf(probe);
            reader.keyEquals(probe);
        }
        final int error = reader.error();
        assertTrue(error >= TextKeyReader.NONE && error <= TextKeyReader.INVALID_KEY_CHARACTER, "known error");
    }

    @Test
    void keyParserOnRandomAndTruncatedText() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(6_1);
        final MemorySegment buf = arena.allocate(16384);
        final TextKeyReader reader = new TextKeyReader();
        final byte[] alphabet = "Ab9=,\0x0bX#.-+@_=\0\0 \u00ff".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 20_000; i++)
        {
            final int length = random.nextInt(i % 100 == 0 ? 16384 : 600);
            final boolean wordy = random.nextBoolean();
            for (int j = 0; j < length; j++)
            {
                buf.set(ValueLayout.JAVA_BYTE, j,
                    wordy ? alphabet[random.nextInt(alphabet.length)] : (byte)random.nextInt());
            }
            readAllKeys(reader, buf, 0, length);
        }

        // Every truncation and single-byte mutation of a real login text.
        final byte[] stream = resource("session-0-initiator.bin");
        final int dsl = BasicHeaderSegment.dataSegmentLength(MemorySegment.ofArray(stream), 0);
        for (int cut = 0; cut <= dsl; cut++)
        {
            MemorySegment.copy(stream, 48, buf, ValueLayout.JAVA_BYTE, 0, dsl);
            readAllKeys(reader, buf, 0, cut);
            buf.set(ValueLayout.JAVA_BYTE, random.nextInt(dsl), (byte)random.nextInt());
            readAllKeys(reader, buf, 0, dsl);
        }
    }

    @Test
    void writerOutputAlwaysParsesBack()
    {
        final SplittableRandom random = new SplittableRandom(42);
        final MemorySegment buf = arena.allocate(4096);
        final TextKeyWriter writer = new TextKeyWriter();
        final TextKeyReader reader = new TextKeyReader();
        final String keyChars = "ABCxyz019.-+@_";
        for (int i = 0; i < 5_000; i++)
        {
            writer.wrap(buf, 0, random.nextInt(4096));
            final int pairs = random.nextInt(1, 20);
            final String[] keys = new String[pairs];
            final String[] values = new String[pairs];
            int written = 0;
            for (int p = 0; p < pairs; p++)
            {
                final StringBuilder key = new StringBuilder();
                for (int k = random.nextInt(1, 64); k > 0; k--)
                {
                    key.append(keyChars.charAt(random.nextInt(keyChars.length())));
                }
                final StringBuilder value = new StringBuilder();
                // At most 80 chars of up to 3 UTF-8 bytes: within the 255-byte simple-value limit.
                for (int v = random.nextInt(0, 81); v > 0; v--)
                {
                    value.append((char)random.nextInt(0x20, 0x3000));
                }
                final String text = value.toString().replace('\0', ' ');
                final int before = writer.length();
                writer.append(key.toString(), text);
                if (writer.length() != before)
                {
                    keys[written] = key.toString();
                    values[written] = text;
                    written++;
                }
            }
            reader.wrap(buf, 0, writer.length());
            for (int p = 0; p < written; p++)
            {
                assertTrue(reader.next(), () -> TextKeyReader.errorName(reader.error()));
                assertEquals(keys[p], reader.key());
                assertEquals(values[p], reader.value());
            }
            assertTrue(!reader.next() && reader.error() == TextKeyReader.NONE);
        }
    }
}
