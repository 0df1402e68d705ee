package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestTarget;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * GET LBA STATUS (SBC-3 5.4) of a thin RAM LUN over a real iSCSI connection on loopback: what `qemu-img map` and
 * other initiators read to find the allocated ranges of a LUN.
 */
class GetLbaStatusOverIscsiTest
{
    private static final long BLOCKS = (64L << 20) / TestTarget.BLOCK_SIZE;
    private static final int DEALLOCATED = 1;
    private static final int MAPPED = 0;

    @Test
    void aNeverWrittenLunIsDeallocatedAndWrittenOrUnmappedRangesAreReportedAsSuch() throws IOException
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (TestTarget target = TestTarget.start(64L << 20, 0, new PrintStream(log, true));
             TestInitiator i = new TestInitiator("127.0.0.1", target.port()))
        {
            assertEquals(0, TestInitiator.loginStatus(i.login(TestTarget.IQN)), log.toString());
            command(i, new byte[6], null, null);   // TEST UNIT READY: takes the POWER ON unit attention

            assertDescriptor(i, 0, BLOCKS, DEALLOCATED);

            final byte[] data = new byte[8 * TestTarget.BLOCK_SIZE];
            Arrays.fill(data, (byte)0x5A);
            assertEquals(0, command(i, new byte[]{0x2A, 0, 0, 0, 0x03, (byte)0xE8, 0, 0, 8, 0}, data, null));   // WRITE(10) at 1000
            assertDescriptor(i, 0, 1000, DEALLOCATED);
            assertDescriptor(i, 1000, 8, MAPPED);
            assertDescriptor(i, 1008, BLOCKS - 1008, DEALLOCATED);

            // WRITE SAME(10) with UNMAP over the written blocks (SBC-3 5.43): deallocated again.
            final byte[] zeros = new byte[TestTarget.BLOCK_SIZE];
            assertEquals(0, command(i, new byte[]{0x41, 0x08, 0, 0, 0x03, (byte)0xE8, 0, 0, 8, 0}, zeros, null));
            assertDescriptor(i, 0, BLOCKS, DEALLOCATED);
        }
    }

    /** GET LBA STATUS at {@code lba}: one descriptor from {@code lba}, {@code blocks} long, with {@code status}. */
    private static void assertDescriptor(final TestInitiator i, final long lba, final long blocks, final int status)
        throws IOException
    {
        final byte[] cdb = new byte[16];
        cdb[0] = (byte)0x9E;
        cdb[1] = 0x12;
        ByteBuffer.wrap(cdb).putLong(2, lba).putInt(10, 24);
        final byte[] in = new byte[24];
        assertEquals(0, command(i, cdb, null, in), "GET LBA STATUS at " + lba);
        final ByteBuffer b = ByteBuffer.wrap(in);
        assertEquals(20, b.getInt(0), "PARAMETER DATA LENGTH: one descriptor");
        assertEquals(lba, b.getLong(8), "the descriptor starts at the LBA asked for");
        assertEquals(blocks, Integer.toUnsignedLong(b.getInt(16)), "blocks from " + lba);
        assertEquals(status, b.get(20) & 0x0F, "provisioning status at " + lba);
    }

    /** Sends a command with {@code out} as immediate data, gathers Data-In into {@code in}; returns the status. */
    private static int command(final TestInitiator i, final byte[] cdb, final byte[] out, final byte[] in)
        throws IOException
    {
        return i.command(0, cdb, out, in).status();
    }
}
