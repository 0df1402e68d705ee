package io.ringtarget.iscsi.transport;

import io.ringtarget.pdu.Crc32cDigest;
import io.ringtarget.pdu.NopOutPdu;
import io.ringtarget.pdu.PduHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

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

    private final PduHandler handler = new PduHandler()
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
    };

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
}
