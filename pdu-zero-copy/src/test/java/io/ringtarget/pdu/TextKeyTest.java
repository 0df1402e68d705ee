package io.ringtarget.pdu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextKeyTest
{
    private static final byte[] MAX_BURST_LENGTH = "MaxBurstLength".getBytes(StandardCharsets.US_ASCII);

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment segment = arena.allocate(16384);
    private final TextKeyReader reader = new TextKeyReader();

    @AfterEach
    void close()
    {
        arena.close();
    }

    private int put(final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 100, bytes.length);
        return bytes.length;
    }

    private TextKeyReader read(final String text)
    {
        return reader.wrap(segment, 100, put(text));
    }

    @Test
    void readsTypicalLoginKeys()
    {
        read("InitiatorName=iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-inq\0SessionType=Normal\0"
            + "HeaderDigest=CRC32C,None\0MaxBurstLength=0x40000\0InitialR2T=Yes\0ImmediateData=No\0"
            + "TargetAlias=d\u00e9mo\0");
        assertTrue(reader.next());
        assertEquals("InitiatorName", reader.key());
        assertEquals("iqn.2007-10.com.github:sahlberg:libiscsi:iscsi-inq", reader.value());
        assertEquals(100, reader.keyOffset());
        assertEquals(114, reader.valueOffset());
        assertTrue(reader.next());
        assertEquals("SessionType", reader.key());
        assertEquals("Normal", reader.value());
        assertFalse(reader.valueIsList());
        assertTrue(reader.next());
        assertTrue(reader.valueIsList());
        assertEquals(0, reader.valueListIndexOf("CRC32C".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(1, reader.valueListIndexOf("None".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(-1, reader.valueListIndexOf("CRC".getBytes(StandardCharsets.US_ASCII)));
        assertTrue(reader.next());
        assertTrue(reader.keyEquals(MAX_BURST_LENGTH));
        assertEquals(0x40000, reader.valueAsLong());
        assertTrue(reader.next());
        assertEquals(TextKeyReader.YES, reader.valueAsYesNo());
        assertTrue(reader.valueAsBoolean());
        assertTrue(reader.next());
        assertEquals(TextKeyReader.NO, reader.valueAsYesNo());
        assertFalse(reader.valueAsBoolean());
        assertTrue(reader.next());
        assertEquals("d\u00e9mo", reader.value());
        assertFalse(reader.next());
        assertEquals(TextKeyReader.NONE, reader.error());
        assertFalse(reader.next(), "stays at end");
    }

    @Test
    void numbersAndBooleans()
    {
        read("A=0\0B=262144\0C=0X1f\0D=abc\0E=\0F=9223372036854775807\0G=9223372036854775808\0H=0x\0I=yes\0"
            + "J=0xffffffffffffffff\0");
        reader.next();
        assertEquals(0, reader.valueAsLong());
        reader.next();
        assertEquals(262144, reader.valueAsLong());
        reader.next();
        assertEquals(31, reader.valueAsLong());
        reader.next();
        assertEquals(-1, reader.valueAsLong());
        assertEquals(TextKeyReader.NOT_BOOLEAN, reader.valueAsYesNo());
        reader.next();
        assertEquals(0, reader.valueLength());
        assertEquals(-1, reader.valueAsLong());
        reader.next();
        assertEquals(Long.MAX_VALUE, reader.valueAsLong());
        reader.next();
        assertEquals(-1, reader.valueAsLong(), "overflow");
        reader.next();
        assertEquals(-1, reader.valueAsLong());
        reader.next();
        assertEquals(TextKeyReader.NOT_BOOLEAN, reader.valueAsYesNo(), "case-sensitive Yes");
        reader.next();
        assertEquals(-1, reader.valueAsLong(), "over Long.MAX_VALUE");
        assertFalse(reader.next());
        assertEquals(TextKeyReader.NONE, reader.error());
    }

    @Test
    void binaryValues()
    {
        final byte[] dst = new byte[16];
        read("CHAP_C=0x0a0B\0CHAP_R=0xabc\0X=0bAQID\0Y=0bAQI=\0Z=0bAQ==\0Q=0b!!!!\0R=0xzz\0S=plain\0");
        reader.next();
        assertEquals(2, reader.valueAsBinary(dst));
        assertEquals(0x0a, dst[0]);
        assertEquals(0x0b, dst[1]);
        reader.next();
        assertEquals(2, reader.valueAsBinary(dst), "odd digit count: leading zero nibble");
        assertEquals(0x0a, dst[0]);
        assertEquals((byte)0xbc, dst[1]);
        reader.next();
        assertEquals(3, reader.valueAsBinary(dst));
        assertArrayEquals(new byte[]{ 1, 2, 3 }, java.util.Arrays.copyOf(dst, 3));
        reader.next();
        assertEquals(2, reader.valueAsBinary(dst));
        assertArrayEquals(new byte[]{ 1, 2 }, java.util.Arrays.copyOf(dst, 2));
        reader.next();
        assertEquals(1, reader.valueAsBinary(dst));
        assertEquals(1, dst[0]);
        reader.next();
        assertEquals(TextKeyReader.BAD_ENCODING, reader.valueAsBinary(dst));
        reader.next();
        assertEquals(TextKeyReader.BAD_ENCODING, reader.valueAsBinary(dst));
        reader.next();
        assertEquals(TextKeyReader.BAD_ENCODING, reader.valueAsBinary(dst));
        read("K=0x0102030405\0");
        reader.next();
        assertEquals(TextKeyReader.DESTINATION_TOO_SMALL, reader.valueAsBinary(new byte[4]));
    }

    @Test
    void malformedPairsStopWithAnError()
    {
        assertError("Key\0", TextKeyReader.MISSING_EQUALS);
        assertError("Key", TextKeyReader.MISSING_EQUALS);
        assertError("Key=Value", TextKeyReader.NOT_NUL_TERMINATED);
        assertError("=Value\0", TextKeyReader.EMPTY_KEY);
        assertError("Ke y=Value\0", TextKeyReader.INVALID_KEY_CHARACTER);
        assertError("K\u00e9y=Value\0", TextKeyReader.INVALID_KEY_CHARACTER);
        assertError("K".repeat(64) + "=v\0", TextKeyReader.KEY_TOO_LONG);
        assertError("K=" + "v".repeat(256) + "\0", TextKeyReader.VALUE_TOO_LONG);
        assertError("K=" + "v".repeat(255) + "," + "w".repeat(256) + "\0", TextKeyReader.VALUE_TOO_LONG);
        assertError("CHAP_C=0x" + "a".repeat(8191) + "\0", TextKeyReader.VALUE_TOO_LONG);

        // At the limits: accepted.
        read("K".repeat(63) + "=" + "v".repeat(255) + "," + "w".repeat(255) + "\0CHAP_C=0x" + "a".repeat(8190) + "\0");
        assertTrue(reader.next());
        assertEquals(63, reader.keyLength());
        assertTrue(reader.next());
        assertEquals(8192, reader.valueLength());
        assertFalse(reader.next());
        assertEquals(TextKeyReader.NONE, reader.error());
    }

    @Test
    void wrapChecksTheRangeOnce()
    {
        org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class,
            () -> reader.wrap(segment, segment.byteSize() - 10, 11));
        final byte[] heap = "A=1\0".getBytes(StandardCharsets.US_ASCII);
        reader.wrap(MemorySegment.ofArray(heap), 0, heap.length);
        assertTrue(reader.next());
        assertEquals(1, reader.valueAsLong());
    }

    @Test
    void strayNulsAreSkipped()
    {
        read("\0\0A=1\0\0\0B=2\0\0");
        assertTrue(reader.next());
        assertEquals("A", reader.key());
        assertTrue(reader.next());
        assertEquals("B", reader.key());
        assertFalse(reader.next());
        assertEquals(TextKeyReader.NONE, reader.error());
    }

    private void assertError(final String text, final int error)
    {
        read("Good=1\0" + text);
        assertTrue(reader.next());
        assertFalse(reader.next(), text);
        assertEquals(error, reader.error(), () -> TextKeyReader.errorName(reader.error()) + " for " + text);
        assertFalse(reader.next());
    }

    @Test
    void writerRoundTripsThroughReader()
    {
        final TextKeyWriter writer = new TextKeyWriter().wrap(segment, 10, 200);
        writer.append("TargetName", "iqn.2026-11.io.ringtarget:demo")
            .append("TargetAlias".getBytes(StandardCharsets.US_ASCII), "d\u00e9mo".getBytes(StandardCharsets.UTF_8))
            .appendLong("MaxRecvDataSegmentLength", 262144).appendLong("Zero", 0)
            .appendYesNo("ImmediateData", true).appendYesNo("InitialR2T", false)
            .appendHex("CHAP_C", new byte[]{ 0x00, (byte)0xff, 0x10 }, 0, 3)
            .append("Emoji", "\ud83d\ude00");
        assertFalse(writer.overflow());
        reader.wrap(segment, 10, writer.length());
        assertTrue(reader.next());
        assertEquals("iqn.2026-11.io.ringtarget:demo", reader.value());
        assertTrue(reader.next());
        assertEquals("d\u00e9mo", reader.value());
        assertTrue(reader.next());
        assertEquals(262144, reader.valueAsLong());
        assertTrue(reader.next());
        assertEquals(0, reader.valueAsLong());
        assertTrue(reader.next());
        assertEquals(TextKeyReader.YES, reader.valueAsYesNo());
        assertTrue(reader.next());
        assertEquals(TextKeyReader.NO, reader.valueAsYesNo());
        assertTrue(reader.next());
        assertEquals("0x00ff10", reader.value());
        final byte[] dst = new byte[3];
        assertEquals(3, reader.valueAsBinary(dst));
        assertArrayEquals(new byte[]{ 0x00, (byte)0xff, 0x10 }, dst);
        assertTrue(reader.next());
        assertEquals("\ud83d\ude00", reader.value());
        assertFalse(reader.next());
        assertEquals(TextKeyReader.NONE, reader.error());
    }

    @Test
    void writerRefusesWhatDoesNotFitWithoutWritingPartOfIt()
    {
        final TextKeyWriter writer = new TextKeyWriter().wrap(segment, 0, 12);
        segment.asSlice(0, 32).fill((byte)'#');
        writer.append("A", "12345678");            // 11 bytes
        assertEquals(11, writer.length());
        writer.append("B", "1");                    // 4 more: does not fit
        assertTrue(writer.overflow());
        assertEquals(11, writer.length());
        assertEquals((byte)'#', segment.get(ValueLayout.JAVA_BYTE, 11), "nothing written past the last whole pair");
        writer.appendLong("C", 5).appendHex("D", new byte[1], 0, 1).appendYesNo("E", true).append("F", "");
        assertEquals(11, writer.length(), "refusal is sticky: a shorter pair after the overflow is not written either");
        writer.wrap(segment, 0, 4).append("A", "1");
        assertEquals(4, writer.length());
        assertFalse(writer.overflow());
    }

    @Test
    void writerRefusesPairsThatWouldCorruptTheText()
    {
        final TextKeyWriter writer = new TextKeyWriter().wrap(segment, 0, 200);
        writer.append("TargetAlias", "ok");
        final int before = writer.length();
        writer.append("TargetAlias", "x\0InjectedKey=Yes");
        assertTrue(writer.invalid());
        assertFalse(writer.overflow());
        writer.append("After", "1").appendLong("N", 1);
        assertEquals(before, writer.length(), "nothing after an invalid pair either");
        reader.wrap(segment, 0, writer.length());
        assertTrue(reader.next());
        assertFalse(reader.next());
        assertEquals(TextKeyReader.NONE, reader.error());
        for (final String key : new String[]{ "", "A=B", "A\0" })
        {
            assertTrue(new TextKeyWriter().wrap(segment, 0, 200).append(key, "v").invalid(), key);
        }
        assertTrue(new TextKeyWriter().wrap(segment, 0, 200).append(new byte[]{ 'K' }, new byte[]{ 'v', 0 }).invalid());
        assertFalse(new TextKeyWriter().wrap(segment, 0, 200).append(new byte[]{ 'K' }, new byte[0]).invalid());
    }

    @Test
    void accumulatorJoinsContinuedPdusAndEnforcesItsBound()
    {
        final TextAccumulator accumulator = TextAccumulator.allocate(arena, 64);
        final int n = put("SendTargets=All\0MaxRecvData");
        assertTrue(accumulator.append(segment, 100, n));
        final int m = put("SegmentLength=8192\0");
        assertTrue(accumulator.append(segment, 100, m));
        accumulator.reader(reader);
        assertTrue(reader.next());
        assertEquals("SendTargets", reader.key());
        assertTrue(reader.next());
        assertEquals("MaxRecvDataSegmentLength", reader.key(), "key split across PDUs is whole");
        assertEquals(8192, reader.valueAsLong());
        assertFalse(reader.next());

        assertFalse(accumulator.append(segment, 100, 64 - accumulator.length() + 1));
        assertTrue(accumulator.overflow());
        assertEquals(n + m, accumulator.length());
        accumulator.reset();
        assertEquals(0, accumulator.length());
        assertFalse(accumulator.overflow());
        assertEquals(64, accumulator.capacity());
    }
}
