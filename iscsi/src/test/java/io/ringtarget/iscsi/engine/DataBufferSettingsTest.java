package io.ringtarget.iscsi.engine;

import io.ringtarget.iscsi.TestInitiator;
import io.ringtarget.iscsi.TestTarget;
import io.ringtarget.iscsi.command.ChunkRegion;
import io.ringtarget.iscsi.login.LoginLimits;
import io.ringtarget.iscsi.stats.IscsiCounter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A loop's data buffers as the engine settings size them (engine.dataBuffers, largeTransferRegionMiB,
 * spillRegionMiB): what is registered with the ring is what was asked, a transfer that fits the region uses it, one
 * larger than the region is served from the spill region (four times the region, counted), and one larger than that
 * from a buffer of its own (counted), each with its data intact, over a real session on a RAM LUN; without a spill
 * region (0), a transfer larger than the region gets a buffer of its own at once.
 */
class DataBufferSettingsTest
{
    private static final int MIB = 1024 * 1024;
    private static final int BLOCK = 512;

    @Test
    void aSmallerRegionServesWhatFitsSpillsWhatFitsFourTimesItAndGivesLargerTransfersBuffersOfTheirOwn()
        throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final EngineSettings settings = new EngineSettings(1, false, "ring", 50_000, 0, 0, null, 32, 2 * MIB);
        try (TestTarget target = TestTarget.start(settings, LoginLimits.defaults(), 16L * MIB, new PrintStream(log, true));
             TestInitiator i = new TestInitiator("127.0.0.1", target.port()))
        {
            assertEquals(0, TestInitiator.loginStatus(i.login(TestTarget.IQN)));
            i.clearUnitAttention(0);
            target.flushLog();
            assertTrue(log.toString().contains(": 32 x 64 KiB + 2 MiB (transfers up to 16 MiB) of data buffers " +
                "registered with io_uring (READ_FIXED/WRITE_FIXED), 8 MiB to spill into"), log::toString);

            final long exhausted = target.counter(IscsiCounter.BUFFER_POOL_EXHAUSTED);
            final long dedicated = target.counter(IscsiCounter.DEDICATED_BUFFERS);
            final byte[] one = TestInitiator.pattern(MIB, 1);
            assertEquals(0, i.writeSolicited(0, TestInitiator.cdb16(0x8A, 0, MIB / BLOCK), one).status());
            assertEquals(exhausted, target.counter(IscsiCounter.BUFFER_POOL_EXHAUSTED), "1 MiB fits the 2 MiB region");

            writeAndReadBack(i, 4096, 4 * MIB, 2);
            assertEquals(exhausted + 2, target.counter(IscsiCounter.BUFFER_POOL_EXHAUSTED),
                "the 4 MiB write and read found the region too small");
            assertEquals(dedicated, target.counter(IscsiCounter.DEDICATED_BUFFERS), "and spilled");

            writeAndReadBack(i, 0, 16 * MIB, 3);
            assertEquals(dedicated + 2, target.counter(IscsiCounter.DEDICATED_BUFFERS),
                "16 MiB is more than the 8 MiB spill region: a buffer of its own each");
        }
    }

    @Test
    void withoutASpillRegionATransferLargerThanTheRegionGetsABufferOfItsOwn() throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final EngineSettings settings = new EngineSettings(1, false, "ring", 50_000, 0, 0, null, 32, 2 * MIB, 0);
        try (TestTarget target = TestTarget.start(settings, LoginLimits.defaults(), 16L * MIB,
                new PrintStream(log, true));
             TestInitiator i = new TestInitiator("127.0.0.1", target.port()))
        {
            assertEquals(0, TestInitiator.loginStatus(i.login(TestTarget.IQN)));
            i.clearUnitAttention(0);
            target.flushLog();
            assertTrue(log.toString().contains(": 32 x 64 KiB + 2 MiB (transfers up to 16 MiB) of data buffers " +
                "registered with io_uring (READ_FIXED/WRITE_FIXED), no spill region"), log::toString);
            assertFalse(log.toString().contains("refused to map"), "no spill region was asked for: " + log);

            final long exhausted = target.counter(IscsiCounter.BUFFER_POOL_EXHAUSTED);
            final long dedicated = target.counter(IscsiCounter.DEDICATED_BUFFERS);
            writeAndReadBack(i, 4096, 4 * MIB, 4);
            assertEquals(exhausted + 2, target.counter(IscsiCounter.BUFFER_POOL_EXHAUSTED));
            assertEquals(dedicated + 2, target.counter(IscsiCounter.DEDICATED_BUFFERS),
                "4 MiB is more than the region and there is nothing to spill into: a buffer of its own each");
        }
    }

    /** WRITE(16) of {@code length} bytes of a pattern at {@code lba} (all solicited), then READ(16) of it back. */
    private static void writeAndReadBack(final TestInitiator i, final long lba, final int length, final long seed)
        throws Exception
    {
        final byte[] data = TestInitiator.pattern(length, seed);
        assertEquals(0, i.writeSolicited(0, TestInitiator.cdb16(0x8A, lba, length / BLOCK), data).status());
        final byte[] back = new byte[length];
        assertEquals(0, i.command(0, TestInitiator.cdb16(0x88, lba, length / BLOCK), null, back).status());
        assertArrayEquals(data, back, length + " bytes at LBA " + lba);
    }

    @Test
    void settingsOutsideWhatALoopCanRegisterAreRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new EngineSettings(1, false, "ring", 0, 0, 0, null, 0, MIB));
        assertThrows(IllegalArgumentException.class, () -> new EngineSettings(1, false, "ring", 0, 0, 0, null, 16,
            MIB + 4096));
        assertThrows(IllegalArgumentException.class, () -> new EngineSettings(1, false, "ring", 0, 0, 0, null, 16,
            MIB, -ChunkRegion.CHUNK_SIZE));
        assertThrows(IllegalArgumentException.class, () -> new EngineSettings(1, false, "ring", 0, 0, 0, null, 16,
            MIB, MIB + 4096));
    }
}
