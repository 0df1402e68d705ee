package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestTarget;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SANITIZE (SBC-4 4.11) of a 256 MiB RAM LUN over real iSCSI connections on loopback, on one event loop: an
 * OVERWRITE of 31 passes (8 GiB of copies) started with IMMED runs on while its initiator's connection is closed,
 * another initiator logs in on the same loop meanwhile (the RAM backstore gives the loop a turn between steps), is
 * told NOT READY, SANITIZE IN PROGRESS with a progress that grows, and reads the pattern once it ends.
 */
class SanitizeOverIscsiTest
{
    private static final long SIZE = 256L << 20;
    private static final int BLOCK = TestTarget.BLOCK_SIZE;
    private static final int GOOD = 0x00;
    private static final int CHECK_CONDITION = 0x02;
    private static final int NOT_READY = 0x02;

    @Test
    void anOverwriteOutlivesItsConnectionAndOthersWaitForIt() throws IOException, InterruptedException
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (TestTarget target = TestTarget.start(SIZE, 0, new PrintStream(log, true)))
        {
            final TestInitiator a = new TestInitiator("127.0.0.1", target.port());
            assertEquals(0, TestInitiator.loginStatus(a.login(TestTarget.IQN)), log.toString());
            a.command(0, new byte[6], null, null);   // TEST UNIT READY: takes the POWER ON unit attention
            final byte[] old = new byte[8 * BLOCK];
            Arrays.fill(old, (byte)0x5A);
            assertEquals(GOOD, a.command(0, new byte[]{0x2A, 0, 0, 0, 0, 0, 0, 0, 8, 0}, old, null).status());

            // OVERWRITE, IMMED, 31 passes, INVERT, a 3-byte pattern: status at once.
            final byte[] list = {(byte)(0x80 | 31), 0, 0, 3, (byte)0xC3, 0x3C, 0x0F};
            final TestInitiator.ScsiResult started =
                a.command(0, new byte[]{0x48, (byte)0x81, 0, 0, 0, 0, 0, 0, (byte)list.length, 0}, list, null);
            assertEquals(GOOD, started.status(), "IMMED: GOOD once the CDB and list are checked");
            final TestInitiator.ScsiResult tur = a.command(0, new byte[6], null, null);
            assertSanitizing(tur);
            a.close();   // the operation is the logical unit's: it goes on

            try (TestInitiator b = new TestInitiator("127.0.0.1", target.port()))
            {
                b.initiatorName = TestInitiator.INITIATOR + ".second";
                b.isid = 0x400001370002L;
                assertEquals(0, TestInitiator.loginStatus(b.login(TestTarget.IQN)), "a login on the same loop");
                final byte[] inquiry = new byte[36];
                assertEquals(GOOD, b.command(0, new byte[]{0x12, 0, 0, 0, 36, 0}, null, inquiry).status());
                assertSanitizing(b.command(0, new byte[]{0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0}, null, new byte[8 * BLOCK]));
                int first = -1;
                int last = -1;
                int polls = 0;
                while (true)
                {
                    final byte[] sense = new byte[18];
                    assertEquals(GOOD, b.command(0, new byte[]{0x03, 0, 0, 0, 18, 0}, null, sense).status());
                    if ((sense[2] & 0x0F) != NOT_READY)
                    {
                        break;
                    }
                    assertEquals(0x04, sense[12] & 0xFF, "REQUEST SENSE: LOGICAL UNIT NOT READY");
                    assertEquals(0x1B, sense[13] & 0xFF, "SANITIZE IN PROGRESS");
                    assertTrue((sense[15] & 0x80) != 0, "a progress indication");
                    last = (sense[16] & 0xFF) << 8 | sense[17] & 0xFF;
                    first = first < 0 ? last : first;
                    assertTrue(++polls < 6000, "the sanitize never ended");
                    Thread.sleep(10);
                }
                assertTrue(last > first, "progress grew: " + first + " then " + last);
                assertEquals(GOOD, b.command(0, new byte[6], null, null).status());
                final byte[] read = new byte[8 * BLOCK];
                assertEquals(GOOD, b.command(0, new byte[]{0x28, 0, 0, 0, 0, 0, 0, 0, 8, 0}, null, read).status());
                final byte[] expected = new byte[8 * BLOCK];
                for (int i = 0; i < expected.length; i++)
                {
                    expected[i] = list[4 + (i % BLOCK) % 3];   // the last pass writes the pattern as given
                }
                assertArrayEquals(expected, read);
            }
        }
    }

    private static void assertSanitizing(final TestInitiator.ScsiResult r)
    {
        assertEquals(CHECK_CONDITION, r.status());
        assertEquals(NOT_READY, r.sense()[2] & 0x0F);
        assertEquals(0x04, r.sense()[12] & 0xFF);
        assertEquals(0x1B, r.sense()[13] & 0xFF, "SANITIZE IN PROGRESS");
    }
}
