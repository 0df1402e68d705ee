package io.ringtarget.iscsi.transport;

import io.ringtarget.pdu.Crc32cDigest;
import io.ringtarget.pdu.NopOutPdu;
import io.ringtarget.pdu.PduHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Framing in place, the per-poll bound, split PDUs and digests, with bytes written where a RECV would put them. */
class PduReceiverTest
{
    private final Arena arena = Arena.ofConfined();
    private final PduReceiver receiver = new PduReceiver(arena, 8192, 64 * 1024);
    private final List<Integer> itts = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private int dataDigestErrors;

    /** Records the PDUs' ITTs, data digest errors and stream errors; placing handlers extend it. */
    private class RecordingHandler implements PduHandler
    {
        @Override
        public boolean onPdu(final MemorySegment buffer, final long offset, final long dataOffset, final int dataLength)
        {
            itts.add(new NopOutPdu().wrap(buffer, offset).initiatorTaskTag());
            return true;
        }

        @Override
        public boolean onDataDigestError(final MemorySegment buffer, final long offset)
        {
            dataDigestErrors++;
            return true;
        }

        @Override
        public void onStreamError(final String reason, final boolean headerDigest)
        {
            errors.add(reason);
        }
    }

    private final PduHandler handler = new RecordingHandler();

    @AfterEach
    void close()
    {
        arena.close();
    }

    /** A NOP-Out with {@code dataLength} bytes of data, padded, with digests when asked. */
    private static byte[] nopOut(final int itt, final int dataLength, final boolean digests)
    {
        final int padded = (dataLength + 3) & ~3;
        final int length = PduHeader.LENGTH + (digests ? 4 : 0) + padded + (digests && dataLength > 0 ? 4 : 0);
        final MemorySegment pdu = MemorySegment.ofArray(new byte[length]);
        new NopOutPdu().wrap(pdu, 0).reset().immediate(true).finalBit(true).initiatorTaskTag(itt)
            .targetTransferTag(PduHeader.RESERVED_TAG).dataSegmentLength(dataLength);
        long at = PduHeader.LENGTH;
        if (digests)
        {
            Crc32cDigest.write(pdu, at, new Crc32cDigest().wrap(pdu).compute(0, PduHeader.LENGTH));
            at += 4;
        }
        for (int i = 0; i < dataLength; i++)
        {
            pdu.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at + i, (byte)i);
        }
        if (digests && dataLength > 0)
        {
            Crc32cDigest.write(pdu, at + padded, new Crc32cDigest().wrap(pdu).compute(at, padded));
        }
        return pdu.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    private void receive(final byte[] bytes, final int from, final int length)
    {
        MemorySegment.copy(MemorySegment.ofArray(bytes), from, MemorySegment.ofAddress(receiver.receiveAddress())
            .reinterpret(receiver.receiveRoom()), 0, length);
        receiver.received(length);
    }

    private void receive(final byte[] bytes)
    {
        receive(bytes, 0, bytes.length);
    }

    @Test
    void aPduSplitAcrossReceivesIsHandedOverWhole()
    {
        final byte[] pdu = nopOut(1, 100, false);
        receive(pdu, 0, 30);
        assertEquals(0, receiver.poll(handler, 16), "half a header");
        receive(pdu, 30, 60);
        assertEquals(0, receiver.poll(handler, 16), "header, part of the data");
        receive(pdu, 90, pdu.length - 90);
        assertEquals(1, receiver.poll(handler, 16));
        assertEquals(List.of(1), itts);
    }

    @Test
    void atMostTheBoundPerPollAndTheRestStaysBuffered()
    {
        for (int i = 0; i < 40; i++)
        {
            receive(nopOut(i, 8, false));
        }
        assertEquals(16, receiver.poll(handler, 16));
        assertTrue(receiver.hasWholePdu(), "more PDUs wait for the next poll");
        assertEquals(16, receiver.poll(handler, 16));
        assertEquals(8, receiver.poll(handler, 16));
        assertFalse(receiver.hasWholePdu());
        for (int i = 0; i < 40; i++)
        {
            assertEquals(i, itts.get(i), "in order");
        }
        assertEquals(64 * 1024, receiver.receiveRoom(), "an emptied buffer starts over");
    }

    @Test
    void digestsAreChecked()
    {
        receiver.digests(true, true);
        receive(nopOut(7, 10, true));
        assertEquals(1, receiver.poll(handler, 16));
        final byte[] badData = nopOut(8, 10, true);
        badData[badData.length - 1] ^= 1;
        receive(badData);
        assertEquals(1, receiver.poll(handler, 16));
        assertEquals(1, dataDigestErrors);
        assertEquals(List.of(7), itts, "a PDU with a bad data digest is not handed over");
        final byte[] badHeader = nopOut(9, 0, true);
        badHeader[PduHeader.LENGTH] ^= 1;
        receive(badHeader);
        receiver.poll(handler, 16);
        assertEquals(List.of("header digest error"), errors);
    }

    @Test
    void aDataSegmentLongerThanDeclaredIsAStreamError()
    {
        receive(nopOut(1, 8192 + 4, false));
        receiver.poll(handler, 16);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).contains("DATA_SEGMENT_TOO_LONG"), errors.get(0));
    }

    /** A NOP-Out of {@code dataLength} bytes with digests whose padding bytes are not zero (the digest covers them). */
    private static byte[] nopOutWithPadding(final int itt, final int dataLength)
    {
        final byte[] pdu = nopOut(itt, dataLength, true);
        final int data = PduHeader.LENGTH + 4;
        final int padded = (dataLength + 3) & ~3;
        for (int k = data + dataLength; k < data + padded; k++)
        {
            pdu[k] = (byte)0xA5;
        }
        final MemorySegment seg = MemorySegment.ofArray(pdu);
        Crc32cDigest.write(seg, data + padded, new Crc32cDigest().wrap(seg).compute(data, padded));
        return pdu;
    }

    private static void receive(final PduReceiver into, final byte[] bytes, final int from, final int length)
    {
        MemorySegment.copy(MemorySegment.ofArray(bytes), from, MemorySegment.ofAddress(into.receiveAddress())
            .reinterpret(into.receiveRoom()), 0, length);
        into.received(length);
    }

    @ParameterizedTest(name = "digest intact {0}")
    @ValueSource(booleans = {true, false})
    void aLargeDataSegmentStillArrivingIsReceivedInPlace(final boolean intact)
    {
        final PduReceiver big = new PduReceiver(arena, 65536, 64 * 1024).digests(true, true);
        final MemorySegment target = arena.allocate(65536);
        final List<Boolean> placed = new ArrayList<>();
        final PduHandler placing = new RecordingHandler()
        {
            @Override
            public boolean placeData(
                final MemorySegment buffer, final long offset, final long dataOffset, final int have,
                final int dataLength, final DataPlacement into)
            {
                MemorySegment.copy(buffer, dataOffset, target, 100, have);
                into.set(target, 100, new Crc32cDigest().wrap(target));
                return true;
            }

            @Override
            public boolean onPlacedPdu(
                final MemorySegment buffer, final long offset, final int dataLength, final boolean digestOk)
            {
                assertEquals(40_001, dataLength);
                assertEquals(1, new NopOutPdu().wrap(buffer, offset).initiatorTaskTag(), "its header, kept");
                placed.add(digestOk);
                return true;
            }
        };
        final byte[] first = nopOutWithPadding(1, 40_001);
        if (!intact)
        {
            first[PduHeader.LENGTH + 4 + 30_000] ^= 1;
        }
        final byte[] second = nopOut(2, 10, true);
        final int header = PduHeader.LENGTH + 4;

        receive(big, first, 0, header + 1000);
        assertEquals(0, big.poll(placing, 16));
        assertTrue(big.placing(), "the rest of the data goes to its place");
        assertEquals(39_001, big.receiveRoom());
        receive(big, first, header + 1000, 10_000);   // a short RECV: armed again for the rest
        assertEquals(0, big.poll(placing, 16));
        assertEquals(29_001, big.receiveRoom());
        receive(big, first, header + 11_000, 29_001);
        assertFalse(big.placing(), "padding and digest come through the buffer");
        assertEquals(PduReceiver.READ_AHEAD_AFTER_PLACED, big.receiveRoom(),
            "and little more: a next large data segment is placed too");
        assertEquals(0, big.poll(placing, 16));
        receive(big, first, header + 40_001, 2);
        assertEquals(0, big.poll(placing, 16), "half the trailer");
        final byte[] rest = new byte[first.length - header - 40_003 + second.length];
        System.arraycopy(first, header + 40_003, rest, 0, first.length - header - 40_003);
        System.arraycopy(second, 0, rest, first.length - header - 40_003, second.length);
        receive(big, rest, 0, rest.length);
        assertEquals(2, big.poll(placing, 16));
        assertEquals(List.of(intact), placed, "the data digest over data and padding, from two buffers");
        assertEquals(List.of(2), itts.subList(0, 1), "framing resumes behind it");
        assertEquals(List.of(), errors);
        assertEquals(PduReceiver.READ_AHEAD_AFTER_PLACED, big.receiveRoom(), "still bounded: the next header may follow");
        receive(big, second, 0, second.length);
        assertEquals(1, big.poll(placing, 16));
        assertTrue(big.receiveRoom() > PduReceiver.READ_AHEAD_AFTER_PLACED, "then RECVs take what there is again");
        final byte[] data = java.util.Arrays.copyOfRange(first, header, header + 40_001);
        assertArrayEquals(data, target.asSlice(100, 40_001).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    @Test
    void aRefusedPlacementOrASmallRemainderStaysInTheBuffer()
    {
        final PduReceiver big = new PduReceiver(arena, 65536, 64 * 1024);
        final List<Integer> offered = new ArrayList<>();
        final PduHandler refusing = new RecordingHandler()
        {
            @Override
            public boolean placeData(
                final MemorySegment buffer, final long offset, final long dataOffset, final int have,
                final int dataLength, final DataPlacement into)
            {
                offered.add(dataLength - have);
                return false;
            }
        };
        final byte[] pdu = nopOut(3, 40_000, false);
        receive(big, pdu, 0, 48 + 10_000);
        assertEquals(0, big.poll(refusing, 16));
        assertEquals(List.of(30_000), offered, "30,000 bytes still to come: offered");
        assertFalse(big.placing(), "refused: it stays in the buffer");
        receive(big, pdu, 48 + 10_000, pdu.length - 48 - 10_000 - PduReceiver.PLACEMENT_THRESHOLD + 1);
        assertEquals(0, big.poll(refusing, 16));
        assertEquals(List.of(30_000), offered, "less than the threshold still to come: not offered");
        receive(big, pdu, pdu.length - PduReceiver.PLACEMENT_THRESHOLD + 1, PduReceiver.PLACEMENT_THRESHOLD - 1);
        assertEquals(1, big.poll(refusing, 16));
        assertEquals(List.of(3), itts);
    }
}
