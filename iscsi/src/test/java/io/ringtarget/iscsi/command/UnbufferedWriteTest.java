package io.ringtarget.iscsi.command;

import io.ringtarget.backstore.FileBackstore;
import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestInitiator.Pdu;
import io.ringtarget.iscsi.TestInitiator.ScsiResult;
import io.ringtarget.iscsi.TestTarget;
import io.ringtarget.iscsi.stats.IscsiCounter;
import io.ringtarget.pdu.Opcode;
import io.ringtarget.pdu.ScsiResponsePdu;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A WRITE whose data all comes with its command, to a RAM LUN, runs with its data where the connection received it
 * (no command buffer, one copy: into the LUN), over real sockets and a real ring: every WRITE CDB size lands as
 * written, with and without DataDigest, and is counted as unbuffered; a WRITE whose data partly follows by R2T, a
 * WRITE SAME (its one block is not the medium's data), and a WRITE to a fileio LUN (whose write completes later,
 * from its ring) take a buffer as before; a WRITE beyond the last LBA changes nothing.
 */
class UnbufferedWriteTest
{
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final int BLOCK = 512;
    private static final long FILEIO_LUN = 1L << 48;
    private static final long RAM_BLOCKS = 16L * MIB / BLOCK;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static final Random RANDOM = new Random();
    @TempDir
    static Path dir;
    private static FileBackstore file;
    private static TestTarget server;

    @BeforeAll
    static void start() throws IOException
    {
        file = FileBackstore.fileio("f", dir.resolve("lun1.img"), 16L * MIB, BLOCK, true, false);
        server = TestTarget.start(16L * MIB, 30, new PrintStream(LOG, true), file);
    }

    @AfterAll
    static void stop()
    {
        server.close();
        file.close();
    }

    private static TestInitiator loggedIn(final boolean digests) throws IOException
    {
        final TestInitiator i = new TestInitiator("127.0.0.1", server.port());
        i.isid = 0x400000000000L | RANDOM.nextInt(1 << 24);
        final String digest = digests ? "CRC32C" : "None";
        final Pdu response = i.login(TestTarget.IQN, "HeaderDigest=" + digest, "DataDigest=" + digest,
            "InitialR2T=No", "ImmediateData=Yes", "FirstBurstLength=65536", "MaxRecvDataSegmentLength=262144");
        assertEquals(0, TestInitiator.loginStatus(response), "login failed: " + LOG);
        i.clearUnitAttention(0);
        i.clearUnitAttention(FILEIO_LUN);
        return i;
    }

    private static long counter(final IscsiCounter counter)
    {
        return server.counter(counter);
    }

    /** {unbuffered, copied, placed} bytes so far. */
    private static long[] paths()
    {
        return new long[]{counter(IscsiCounter.WRITE_DATA_UNBUFFERED_BYTES),
            counter(IscsiCounter.WRITE_DATA_COPIED_BYTES), counter(IscsiCounter.WRITE_DATA_PLACED_BYTES)};
    }

    private static void assertPaths(final long[] before, final long unbuffered, final long copied, final String what)
    {
        final long[] now = paths();
        assertArrayEquals(new long[]{unbuffered, copied, 0}, new long[]{now[0] - before[0], now[1] - before[1],
            now[2] - before[2]}, what + " (unbuffered, copied, placed bytes)\n" + LOG);
    }

    /**
     * The write took a command buffer: none of its bytes ran from the receive buffer. Whether a data segment was
     * copied into the buffer or received straight into it (placed) depends on how TCP delivered it: a header that
     * arrives before 16 KiB of its data or more is placed, one that comes with its data is copied.
     */
    private static void assertBuffered(final long[] before, final long bytes, final String what)
    {
        final long[] now = paths();
        assertEquals(0, now[0] - before[0], what + ": unbuffered bytes\n" + LOG);
        assertEquals(bytes, now[1] - before[1] + now[2] - before[2], what + ": copied and placed bytes\n" + LOG);
    }

    private static byte[] cdb(final int opcode, final long lba, final int blocks)
    {
        return switch (opcode)
        {
            case 0x0A -> new byte[]{0x0A, (byte)(lba >>> 16 & 0x1F), (byte)(lba >>> 8), (byte)lba, (byte)blocks, 0};
            case 0x2A -> new byte[]{0x2A, 0, (byte)(lba >>> 24), (byte)(lba >>> 16), (byte)(lba >>> 8), (byte)lba, 0,
                (byte)(blocks >>> 8), (byte)blocks, 0};
            case 0xAA -> new byte[]{(byte)0xAA, 0, (byte)(lba >>> 24), (byte)(lba >>> 16), (byte)(lba >>> 8),
                (byte)lba, (byte)(blocks >>> 24), (byte)(blocks >>> 16), (byte)(blocks >>> 8), (byte)blocks, 0, 0};
            default -> TestInitiator.cdb16(opcode, lba, blocks);
        };
    }

    private static byte[] read(final TestInitiator i, final long lun, final long lba, final int length)
        throws IOException
    {
        final ScsiResult r = i.command(lun, TestInitiator.cdb16(0x88, lba, length / BLOCK), null, new byte[length]);
        assertEquals(0, r.status(), "READ(16) failed, sense " + Arrays.toString(r.sense()));
        return r.data();
    }

    @ParameterizedTest(name = "digests {0}")
    @ValueSource(booleans = {false, true})
    void everyWriteCdbRunsFromTheReceiveBuffer(final boolean digests) throws IOException
    {
        try (TestInitiator i = loggedIn(digests))
        {
            long lba = 64;
            for (final int opcode : new int[]{0x0A, 0x2A, 0xAA, 0x8A})
            {
                for (final int size : new int[]{BLOCK, 4 * KIB, 64 * KIB})
                {
                    final byte[] data = TestInitiator.pattern(size, opcode * 31L + size + (digests ? 7 : 0));
                    final long[] before = paths();
                    final ScsiResult w = i.command(0, cdb(opcode, lba, size / BLOCK), data, null);
                    assertEquals(0, w.status(), "opcode " + opcode + ", sense " + Arrays.toString(w.sense()));
                    assertPaths(before, size, 0, "WRITE opcode 0x" + Integer.toHexString(opcode) + ", " + size + " B");
                    assertArrayEquals(data, read(i, 0, lba, size), "opcode 0x" + Integer.toHexString(opcode));
                    lba += size / BLOCK;
                }
            }
        }
    }

    @Test
    void writesThatCannotRunFromTheReceiveBufferTakeABuffer() throws IOException
    {
        try (TestInitiator i = loggedIn(false))
        {
            // Data after the command (FirstBurstLength 64 KiB): immediate data copied, the rest solicited by R2T.
            final byte[] big = TestInitiator.pattern(128 * KIB, 1);
            final long[] before = paths();
            final int itt = i.itt + 1;
            i.send(i.scsiCommand(0, TestInitiator.cdb16(0x8A, 4096, big.length / BLOCK), big.length, false, true),
                Arrays.copyOf(big, 64 * KIB));
            Pdu pdu = i.receive();
            assertEquals(Opcode.R2T, pdu.opcode(), TestInitiator.name(pdu));
            i.answerR2t(pdu, 0, itt, big, i::send);
            pdu = i.receive();
            assertEquals(Opcode.SCSI_RESPONSE, pdu.opcode(), TestInitiator.name(pdu));
            final ScsiResponsePdu response = new ScsiResponsePdu().wrap(pdu.header(), 0);
            assertEquals(0, response.status());
            i.expStatSn = response.statSn() + 1;
            assertBuffered(before, big.length, "WRITE(16) with R2T");
            assertArrayEquals(big, read(i, 0, 4096, big.length));

            // WRITE SAME(16): its one block is a pattern the LU repeats, not what goes to the medium as it is.
            final byte[] block = TestInitiator.pattern(BLOCK, 2);
            final long[] sameBefore = paths();
            assertEquals(0, i.command(0, TestInitiator.cdb16(0x93, 8192, 8), block, null).status());
            assertPaths(sameBefore, 0, BLOCK, "WRITE SAME(16)");
            final byte[] eight = read(i, 0, 8192, 8 * BLOCK);
            for (int b = 0; b < 8; b++)
            {
                assertArrayEquals(block, Arrays.copyOfRange(eight, b * BLOCK, (b + 1) * BLOCK), "block " + b);
            }

            // A fileio LUN's write completes later, from its ring: its data must outlive the receive buffer.
            final byte[] data = TestInitiator.pattern(16 * KIB, 3);
            final long[] fileBefore = paths();
            assertEquals(0, i.command(FILEIO_LUN, TestInitiator.cdb16(0x8A, 128, data.length / BLOCK), data, null)
                .status());
            assertBuffered(fileBefore, data.length, "WRITE(16) to fileio");
            assertArrayEquals(data, read(i, FILEIO_LUN, 128, data.length));
        }
    }

    @Test
    void aWriteBeyondTheLastLbaChangesNothing() throws IOException
    {
        try (TestInitiator i = loggedIn(false))
        {
            final long last = RAM_BLOCKS - 1;
            final byte[] before = read(i, 0, last, BLOCK);
            final ScsiResult w = i.command(0, TestInitiator.cdb16(0x8A, last, 2), TestInitiator.pattern(2 * BLOCK, 4),
                null);
            assertEquals(0x02, w.status(), "CHECK CONDITION");
            assertEquals(0x05, w.sense()[2] & 0x0F, "ILLEGAL REQUEST");
            assertEquals(0x21, w.sense()[12] & 0xFF, "LOGICAL BLOCK ADDRESS OUT OF RANGE");
            assertArrayEquals(before, read(i, 0, last, BLOCK));
        }
    }
}
