package io.ringtarget.pdu;

import java.lang.foreign.MemorySegment;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing with Jazzer. A normal build runs each method once per seed in
 * src/test/resources/io/ringtarget/pdu/PduFuzzTestInputs/METHOD/ (regression mode); with JAZZER_FUZZ=1 each method
 * is fuzzed for maxDuration:
 * <pre>
 *   JAZZER_FUZZ=1 mvn -pl pdu-zero-copy test -Dtest=PduFuzzTest
 * </pre>
 * Findings are written next to the seeds and then replay in every build.
 */
class PduFuzzTest
{
    private final PduFramer framer = new PduFramer();
    private final TextKeyReader reader = new TextKeyReader();

    @FuzzTest(maxDuration = "60s")
    void framer(final FuzzedDataProvider data)
    {
        framer.headerDigest(data.consumeBoolean()).dataDigest(data.consumeBoolean())
            .maxRecvDataSegmentLength(data.consumeInt(512, PduHeader.MAX_DATA_SEGMENT_LENGTH))
            .maxAhsLength(data.consumeInt(0, 1020));
        final byte[] bytes = data.consumeRemainingAsBytes();
        PduPropertyTest.frameAll(framer, MemorySegment.ofArray(bytes), bytes.length);
    }

    @FuzzTest(maxDuration = "60s")
    void textKeys(final byte[] bytes)
    {
        PduPropertyTest.readAllKeys(reader, MemorySegment.ofArray(bytes), 0, bytes.length);
    }

    @FuzzTest(maxDuration = "30s")
    void writerReaderRoundTrip(final FuzzedDataProvider data)
    {
        final MemorySegment buf = MemorySegment.ofArray(new byte[1024]);
        final TextKeyWriter writer = new TextKeyWriter().wrap(buf, 0, data.consumeInt(0, 1024));
        final String key = data.consumeString(70);
        final long number = data.consumeLong(0, Long.MAX_VALUE);
        final byte[] binary = data.consumeBytes(64);
        final String value = data.consumeRemainingAsString();
        if (!isKey(key))
        {
            return; // the writer trusts its (constant) keys; only RFC 7143 6.1 keys are expected to read back
        }
        writer.appendLong(key, number).appendHex(key, binary, 0, binary.length).append(key, value);
        reader.wrap(buf, 0, writer.length());
        int pairs = 0;
        while (reader.next())
        {
            assertEquals(key, reader.key());
            if (pairs == 0)
            {
                assertEquals(number, reader.valueAsLong());
            }
            else if (pairs == 1 && binary.length > 0)
            {
                final byte[] decoded = new byte[64];
                assertEquals(binary.length, reader.valueAsBinary(decoded));
                assertTrue(java.util.Arrays.equals(binary, 0, binary.length, decoded, 0, binary.length));
            }
            pairs++;
        }
        assertTrue(pairs <= 3);
    }

    private static boolean isKey(final String key)
    {
        if (key.isEmpty() || key.length() > TextKeyReader.MAX_KEY_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < key.length(); i++)
        {
            final char c = key.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 0x80) && ".-+@_#".indexOf(c) < 0)
            {
                return false;
            }
        }
        return true;
    }
}
