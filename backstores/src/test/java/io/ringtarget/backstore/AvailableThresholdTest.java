package io.ringtarget.backstore;

import io.ringtarget.scsi.MediumEvents;
import io.ringtarget.scsi.ScsiStatus;
import io.ringtarget.scsi.ScsiTask;
import io.ringtarget.scsi.SenseKey;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The available threshold of a sparse fileio LUN (SBC-4 4.7.3.8, on the available LBA mapping resources) against a
 * real file system filling up beneath it: a 16 MiB LUN on a 24 MiB tmpfs (mounted here, unmounted in finally), with
 * its threshold at 25% (8192 blocks). Another file on the same file system takes the space, as another LUN or program
 * would; the LUN's next write finds fewer blocks left than the threshold and every initiator is told once, and again
 * only after the space came back and went again. Needs root to mount (a CI machine has it: there the test fails
 * rather than skips).
 */
class AvailableThresholdTest
{
    private static final long CHECK_INTERVAL_MILLIS = 1_100;   // the threshold looks at most once a second

    @Test
    void aFileSystemFillingUpBeneathASparseLunTellsItsInitiatorsOnce() throws Exception
    {
        final boolean ci = "true".equals(System.getenv("CI"));
        assumeTrue(ci || "root".equals(System.getProperty("user.name")), "needs root to mount a tmpfs");
        final Path mountPoint = Files.createTempDirectory("ringtarget-available");
        LoopDeviceBackstoreTest.exec("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mountPoint.toString());
        try
        {
            final Path other = mountPoint.resolve("other.img");
            final List<String> told = new CopyOnWriteArrayList<>();
            try (LoopDriver d = new LoopDriver(
                FileBackstore.fileio("thin", mountPoint.resolve("lun.img"), 16L << 20, 512, false, false)))
            {
                d.lu.availableThreshold(25).mediumEvents(new MediumEvents()
                {
                    @Override
                    public void availableThresholdReached(final long available, final long threshold, final long blocks)
                    {
                        told.add(available + " of " + blocks + " below " + threshold);
                    }
                });
                write(d, 0);
                assertEquals(ScsiStatus.GOOD, testUnitReady(d).status(), "16 MiB can still be written: not reached");

                Files.write(other, new byte[21 << 20]);   // 3 MiB left: fewer than the threshold's 4 MiB
                Thread.sleep(CHECK_INTERVAL_MILLIS);
                write(d, 8);
                assertSoftThresholdReached(testUnitReady(d));
                assertEquals(1, told.size(), told.toString());
                assertTrue(told.getFirst().endsWith(" of 32768 below 8192"), told.toString());
                final long left = Long.parseLong(told.getFirst().split(" ")[0]);
                assertTrue(left > 4096 && left < 8192, "about 3 MiB left: " + told);
                Thread.sleep(CHECK_INTERVAL_MILLIS);
                write(d, 16);
                assertEquals(ScsiStatus.GOOD, testUnitReady(d).status(), "once, until re-armed");

                Files.delete(other);   // the space comes back: the next look re-arms it
                Thread.sleep(CHECK_INTERVAL_MILLIS);
                write(d, 24);
                Files.write(other, new byte[21 << 20]);
                Thread.sleep(CHECK_INTERVAL_MILLIS);
                write(d, 32);
                assertSoftThresholdReached(testUnitReady(d));
                assertEquals(2, told.size(), told.toString());
                assertEquals(2, d.lu.status().softThresholdReachedCount());
            }
        }
        finally
        {
            LoopDeviceBackstoreTest.exec("umount", mountPoint.toString());
            Files.deleteIfExists(mountPoint);
        }
    }

    private static void write(final LoopDriver d, final long lba)
    {
        d.buffer.asSlice(0, 4096).fill((byte)0x5A);
        d.run(4096, LoopDriver.cdb16(0x8A, 0, lba, 8));
        d.assertGood();
    }

    private static ScsiTask testUnitReady(final LoopDriver d)
    {
        return d.run(0, 0, 0, 0, 0, 0, 0);
    }

    private static void assertSoftThresholdReached(final ScsiTask t)
    {
        assertEquals(ScsiStatus.CHECK_CONDITION, t.status());
        assertEquals(SenseKey.UNIT_ATTENTION, t.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F);
        assertEquals(0x38, t.senseData().get(ValueLayout.JAVA_BYTE, 12) & 0xFF, "THIN PROVISIONING SOFT THRESHOLD");
        assertEquals(0x07, t.senseData().get(ValueLayout.JAVA_BYTE, 13) & 0xFF, "REACHED");
    }
}
