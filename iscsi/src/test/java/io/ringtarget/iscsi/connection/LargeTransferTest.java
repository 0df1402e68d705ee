package io.ringtarget.iscsi.connection;

import io.ringtarget.backstore.FileBackstore;
import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestInitiator.Pdu;
import io.ringtarget.iscsi.TestTarget;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.pdu.DataInPdu;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.R2tPdu;
import io.ringtarget.pdu.ScsiResponsePdu;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 16 MiB READ(16)/WRITE(16) over real sockets and a real ring, on a RAM LUN (0) and an O_DIRECT fileio LUN (1):
 * the R2T bursts of a write and the Data-In sequences of a read each stay within MaxBurstLength (RFC 7143 13.13),
 * the data comes back as written, and the loop's registered buffers hold every command (no dedicated buffer); more
 * than they hold at once spill into the loop's spill region, still without a dedicated buffer.
 */
class LargeTransferTest
{
    private static final int MIB = 1024 * 1024;
    private static final int SIXTEEN = 16 * MIB;
    private static final int BLOCK = 512;
    private static final long FILEIO_LUN = 1L << 48;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    @TempDir
    static Path dir;
    private static FileBackstore file;
    private static TestTarget server;

    @BeforeAll
    static void start() throws IOException
    {
        file = FileBackstore.fileio("f", dir.resolve("lun1.img"), 64L * MIB, BLOCK, true, false);
        server = TestTarget.start(64L * MIB, 30, new PrintStream(LOG, true), file);
    }

    @AfterAll
    static void stop()
    {
        server.close();
        file.close();
    }

    private static TestInitiator loggedIn(final String... keys) throws IOException
    {
        final TestInitiator i = new TestInitiator("127.0.0.1", server.port());
        i.isid = 0x400000000000L | new Random().nextInt(1 << 24);
        final Pdu response = i.login(TestTarget.IQN, keys);
        assertEquals(0, TestInitiator.loginStatus(response), "login failed: " + LOG);
        i.clearUnitAttention(0);
        i.clearUnitAttention(FILEIO_LUN);
        return i;
    }

    /** WRITE(16) of {@code data}, {@code immediate} bytes of it immediate; returns the R2Ts as {offset, length}. */
    private static List<int[]> write(final TestInitiator i, final long lun, final long lba, final byte[] data,
        final int immediate) throws IOException
    {
        final int itt = i.itt + 1;
        final byte[] imm = immediate > 0 ? Arrays.copyOf(data, immediate) : null;
        i.send(i.scsiCommand(lun, TestInitiator.cdb16(0x8A, lba, data.length / BLOCK), data.length, false, true), imm);
        final List<int[]> r2ts = new ArrayList<>();
        while (true)
        {
            final Pdu pdu = i.receive();
            if (pdu.opcode() == Opcode.R2T)
            {
                final R2tPdu r2t = new R2tPdu().wrap(pdu.header(), 0);
                r2ts.add(new int[]{r2t.bufferOffset(), r2t.desiredDataTransferLength()});
                i.answerR2t(pdu, lun, itt, data, i::send);
                continue;
            }
            assertEquals(Opcode.SCSI_RESPONSE, pdu.opcode(), TestInitiator.name(pdu));
            final ScsiResponsePdu response = new ScsiResponsePdu().wrap(pdu.header(), 0);
            assertEquals(0, response.status(), "write failed, sense " + Arrays.toString(pdu.data()));
            i.expStatSn = response.statSn() + 1;
            return r2ts;
        }
    }

    /** READ(16) into {@code into}; returns the buffer offsets where a Data-In sequence ended (F bit). */
    private static List<Integer> read(final TestInitiator i, final long lun, final long lba, final byte[] into,
        final int maxSegment) throws IOException
    {
        i.send(i.scsiCommand(lun, TestInitiator.cdb16(0x88, lba, into.length / BLOCK), into.length, true, false), null);
        final List<Integer> sequenceEnds = new ArrayList<>();
        int expected = 0;
        int dataSn = 0;
        while (true)
        {
            final Pdu pdu = i.receive();
            assertEquals(Opcode.SCSI_DATA_IN, pdu.opcode(), TestInitiator.name(pdu));
            final DataInPdu din = new DataInPdu().wrap(pdu.header(), 0);
            assertEquals(expected, din.bufferOffset(), "in order");
            assertEquals(dataSn++, din.dataSn(), "DataSN counts across sequences (RFC 7143 11.7.1)");
            assertTrue(pdu.data().length <= maxSegment, "within MaxRecvDataSegmentLength");
            System.arraycopy(pdu.data(), 0, into, din.bufferOffset(), pdu.data().length);
            expected += pdu.data().length;
            if (din.finalBit())
            {
                sequenceEnds.add(expected);
            }
            if (din.statusBit())
            {
                assertTrue(din.finalBit(), "the status goes with the F bit");
                assertEquals(0, din.status());
                i.expStatSn = din.statSn() + 1;
                assertEquals(into.length, expected);
                return sequenceEnds;
            }
        }
    }

    private static long dedicatedBuffers()
    {
        return server.counter(IscsiCounter.DEDICATED_BUFFERS);
    }

    @Test
    void allSolicitedSixteenMebibytesTakeTwoBurstsEachWay() throws IOException
    {
        try (TestInitiator i = loggedIn("ImmediateData=No", "InitialR2T=Yes", "MaxRecvDataSegmentLength=262144",
            "MaxBurstLength=16777215", "MaxOutstandingR2T=1"))
        {
            final long before = dedicatedBuffers();
            for (final long lun : new long[]{0, FILEIO_LUN})
            {
                final byte[] data = TestInitiator.pattern(SIXTEEN, lun + 1);
                final List<int[]> r2ts = write(i, lun, 4096, data, 0);
                assertEquals(2, r2ts.size(), "MaxBurstLength 16776192 (our offer): two bursts");
                assertArrayEquals(new int[]{0, 16776192}, r2ts.get(0));
                assertArrayEquals(new int[]{16776192, 1024}, r2ts.get(1));
                final byte[] back = new byte[SIXTEEN];
                assertEquals(List.of(16776192, SIXTEEN), read(i, lun, 4096, back, 262144),
                    "two Data-In sequences, each at most MaxBurstLength");
                assertArrayEquals(data, back, "LUN " + (lun >>> 48));
            }
            assertEquals(before, dedicatedBuffers(), "16 MiB commands use the loop's registered region");
        }
    }

    @Test
    void aThirdSixteenMebibyteWriteInFlightSpillsWithoutADedicatedBuffer() throws IOException
    {
        // All solicited: each command takes its buffer when it arrives, before its data. The 32 MiB registered region
        // holds two 16 MiB commands; the third goes to the spill region (unregistered, so plain WRITE on fileio).
        try (TestInitiator i = loggedIn("ImmediateData=No", "InitialR2T=Yes", "MaxRecvDataSegmentLength=262144",
            "MaxBurstLength=16776192", "MaxOutstandingR2T=1"))
        {
            for (final long lun : new long[]{0, FILEIO_LUN})
            {
                final long exhausted = server.counter(IscsiCounter.BUFFER_POOL_EXHAUSTED);
                final long dedicated = dedicatedBuffers();
                final byte[][] data = new byte[3][];
                final int firstItt = i.itt + 1;
                for (int k = 0; k < 3; k++)
                {
                    data[k] = TestInitiator.pattern(SIXTEEN, lun + 11 + k);
                    i.send(i.scsiCommand(lun, TestInitiator.cdb16(0x8A, (long)k * SIXTEEN / BLOCK, SIXTEEN / BLOCK),
                        SIXTEEN, false, true), null);
                }
                int responses = 0;
                while (responses < 3)
                {
                    final Pdu pdu = i.receive();
                    if (pdu.opcode() == Opcode.R2T)
                    {
                        final int k = pdu.itt() - firstItt;
                        i.answerR2t(pdu, lun, pdu.itt(), data[k], i::send);
                        continue;
                    }
                    assertEquals(Opcode.SCSI_RESPONSE, pdu.opcode(), TestInitiator.name(pdu));
                    final ScsiResponsePdu response = new ScsiResponsePdu().wrap(pdu.header(), 0);
                    assertEquals(0, response.status(), "write failed, sense " + Arrays.toString(pdu.data()));
                    i.expStatSn = response.statSn() + 1;
                    responses++;
                }
                assertEquals(exhausted + 1, server.counter(IscsiCounter.BUFFER_POOL_EXHAUSTED),
                    "the third found the registered region full");
                assertEquals(dedicated, dedicatedBuffers(),
                    "and took the spill region's memory, not a buffer of its own");
                for (int k = 0; k < 3; k++)
                {
                    final byte[] back = new byte[SIXTEEN];
                    read(i, lun, (long)k * SIXTEEN / BLOCK, back, 262144);
                    assertArrayEquals(data[k], back, "LUN " + (lun >>> 48) + ", write " + k);
                }
            }
        }
    }

    @Test
    void openIscsiDefaultsWithSixteenMebibytes() throws IOException
    {
        // iscsid.conf: ImmediateData=Yes, InitialR2T=No, FirstBurstLength 256 KiB, MaxBurstLength 16776192.
        try (TestInitiator i = loggedIn("InitialR2T=No", "ImmediateData=Yes", "MaxBurstLength=16776192",
            "FirstBurstLength=262144", "MaxOutstandingR2T=1", "MaxRecvDataSegmentLength=262144"))
        {
            for (final long lun : new long[]{0, FILEIO_LUN})
            {
                final byte[] data = TestInitiator.pattern(SIXTEEN, lun + 7);
                final List<int[]> r2ts = write(i, lun, 65536, data, 262144);
                assertEquals(1, r2ts.size());
                assertArrayEquals(new int[]{262144, SIXTEEN - 262144}, r2ts.get(0));
                final byte[] back = new byte[SIXTEEN];
                assertEquals(List.of(16776192, SIXTEEN), read(i, lun, 65536, back, 262144));
                assertArrayEquals(data, back);
            }
        }
    }

    @Test
    void smallerBurstsSplitDataInSequences() throws IOException
    {
        // MaxBurstLength 256 KiB, segments of 64 KiB: a 1 MiB read is four sequences of four PDUs.
        try (TestInitiator i = loggedIn("ImmediateData=No", "InitialR2T=Yes", "MaxRecvDataSegmentLength=65536",
            "MaxBurstLength=262144", "MaxOutstandingR2T=2"))
        {
            final byte[] data = TestInitiator.pattern(MIB, 3);
            final List<int[]> r2ts = write(i, 0, 100_000, data, 0);
            assertEquals(4, r2ts.size());
            final byte[] back = new byte[MIB];
            assertEquals(List.of(262144, 524288, 786432, MIB), read(i, 0, 100_000, back, 65536));
            assertArrayEquals(data, back);
        }
    }

    @Test
    void sixteenMebibytesInSmallSegmentsArePacedThroughTheSendQueue() throws IOException
    {
        // MaxRecvDataSegmentLength 4 KiB: a 16 MiB read is 4096 Data-In PDUs, more than a connection's send queue
        // holds (1024); they are staged as sends complete instead of all at once. Two such reads at a time.
        try (TestInitiator i = loggedIn("ImmediateData=Yes", "InitialR2T=No", "MaxRecvDataSegmentLength=4096",
            "MaxBurstLength=16776192", "FirstBurstLength=262144"))
        {
            final byte[] data = TestInitiator.pattern(SIXTEEN, 11);
            write(i, 0, 0, data, i.targetMaxRecv);
            write(i, FILEIO_LUN, 0, data, i.targetMaxRecv);
            final byte[] a = new byte[SIXTEEN];
            assertEquals(List.of(16776192, SIXTEEN), read(i, 0, 0, a, 4096));
            assertArrayEquals(data, a);
            // Two reads queued together, from both LUNs, then a small one behind them.
            i.send(i.scsiCommand(0, TestInitiator.cdb16(0x88, 0, SIXTEEN / BLOCK), SIXTEEN, true, false), null);
            i.send(i.scsiCommand(FILEIO_LUN, TestInitiator.cdb16(0x88, 0, SIXTEEN / BLOCK), SIXTEEN, true, false), null);
            i.send(i.scsiCommand(0, TestInitiator.cdb16(0x88, 0, 8), 4096, true, false), null);
            final int first = i.itt - 2;
            final byte[][] into = {new byte[SIXTEEN], new byte[SIXTEEN], new byte[4096]};
            final int[] got = new int[3];
            int statuses = 0;
            while (statuses < 3)
            {
                final Pdu pdu = i.receive();
                assertEquals(Opcode.SCSI_DATA_IN, pdu.opcode(), TestInitiator.name(pdu));
                final DataInPdu din = new DataInPdu().wrap(pdu.header(), 0);
                final int k = din.initiatorTaskTag() - first;
                assertEquals(got[k], din.bufferOffset(), "each command's Data-In in order");
                System.arraycopy(pdu.data(), 0, into[k], din.bufferOffset(), pdu.data().length);
                got[k] += pdu.data().length;
                if (din.statusBit())
                {
                    assertEquals(0, din.status());
                    statuses++;
                }
            }
            assertArrayEquals(data, into[0]);
            assertArrayEquals(data, into[1]);
            assertArrayEquals(Arrays.copyOf(data, 4096), into[2]);
        }
    }

    @Test
    void aboveSixteenMebibytesIsRefused() throws IOException
    {
        try (TestInitiator i = loggedIn("MaxRecvDataSegmentLength=262144"))
        {
            final TestInitiator.ScsiResult r = i.command(0, TestInitiator.cdb16(0x88, 0, SIXTEEN / BLOCK + 1), null,
                new byte[SIXTEEN + BLOCK]);
            assertEquals(2, r.status(), "CHECK CONDITION");
            assertEquals(0x05, r.sense()[2] & 0x0F, "ILLEGAL REQUEST");
            assertEquals(0x24, r.sense()[12] & 0xFF, "INVALID FIELD IN CDB");
        }
    }
}
