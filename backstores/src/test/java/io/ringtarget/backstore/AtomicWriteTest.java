package io.ringtarget.backstore;

import io.ringtarget.scsi.ScsiStatus;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * WRITE ATOMIC(16) through the backstores, on a real ring: a RAM backstore's atomic writes, and a fileio backstore on
 * a file of an XFS file system (made on a loop device, mounted, unmounted and detached in finally), which Linux 6.16+
 * writes atomically with RWF_ATOMIC (software-assisted, up to the limits statx reports). Without root, losetup or
 * mkfs.xfs the XFS test is skipped, except under CI ({@code CI=true}), where it fails.
 */
class AtomicWriteTest
{
    private static final int WRITE_ATOMIC_16 = 0x9C;
    private static final int WRITE_16 = 0x8A;
    private static final int READ_16 = 0x88;

    @Test
    void aRamBackstoreWritesAnyNumberOfBlocksAtomically()
    {
        final RamBackstore ram = new RamBackstore("ram", 1 << 20, 512);
        assertEquals(512, ram.atomicWriteUnitBytes());
        assertEquals(16 << 20, ram.atomicWriteMaxBytes(), "the maximum transfer");
        try (LoopDriver d = new LoopDriver(ram))
        {
            d.buffer.asSlice(0, 3 * 512).fill((byte)0x3C);
            d.run(3 * 512, LoopDriver.cdb16(WRITE_ATOMIC_16, 0, 5, 3));
            d.assertGood();
            d.assertBytes(ram.slice(5 * 512, 3 * 512), 0, 3 * 512, 0x3C);
            d.assertBytes(ram.slice(4 * 512, 512), 0, 512, 0);
        }
    }

    @Test
    void aFileOnXfsTakesRwfAtomicWrites() throws Exception
    {
        final boolean ci = "true".equals(System.getenv("CI"));
        final boolean tools = "root".equals(System.getProperty("user.name")) &&
            Files.isExecutable(Path.of("/usr/sbin/losetup")) && Files.isExecutable(Path.of("/usr/sbin/mkfs.xfs"));
        assumeTrue(tools || ci, "needs root, losetup and mkfs.xfs");
        assertTrue(tools, "CI: root, losetup and mkfs.xfs (xfsprogs, bin/install-test-deps.sh)");
        final String name = "ringtarget-xfs-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        final Path image = Path.of("/var/tmp", name + ".img");
        final Path mountPoint = Files.createTempDirectory(name);
        String device = null;
        boolean mounted = false;
        try
        {
            LoopDeviceBackstoreTest.exec("truncate", "-s", "512M", image.toString()); // mkfs.xfs wants 300 MB at least
            device = LoopDeviceBackstoreTest.exec("losetup", "-f", "--show", image.toString());
            LoopDeviceBackstoreTest.exec("mkfs.xfs", "-q", device);
            LoopDeviceBackstoreTest.exec("mount", device, mountPoint.toString());
            mounted = true;
            final Path file = mountPoint.resolve("lun.img");

            // Buffered, the kernel takes no RWF_ATOMIC write: none declared.
            final FileBackstore buffered = FileBackstore.fileio("buffered", file, 16 << 20, 512, false, false);
            assertEquals(0, buffered.atomicWriteMaxBytes(), "buffered: no atomic writes");
            buffered.close();

            final FileBackstore bs = FileBackstore.fileio("xfs", file, 16 << 20, 512, true, false);
            // statx (Linux 6.11 fields; an XFS file of 4 KiB blocks: 4 KiB to the file system's maximum).
            assertEquals(4096, bs.atomicWriteUnitBytes(), "one file system block");
            final int max = bs.atomicWriteMaxBytes();
            assertTrue(max >= 64 * 1024 && Integer.bitCount(max) == 1, "maximum " + max);
            assertTrue(bs.atomicWritesNaturallyAligned());
            System.out.println("XFS on " + device + ": atomic writes of " + bs.atomicWriteUnitBytes() + " to " + max +
                " bytes");
            try (LoopDriver d = new LoopDriver(bs))
            {
                assertEquals(8, d.lu.atomicWriteLimits().unitBlocks());
                // 64 KiB at a multiple of 64 KiB, FUA; read back.
                d.buffer.asSlice(0, 65536).fill((byte)0x5A);
                d.run(65536, LoopDriver.cdb16(WRITE_ATOMIC_16, 0x08, 128, 128));
                d.assertGood();
                d.buffer.asSlice(0, 65536).fill((byte)0);
                d.run(65536, LoopDriver.cdb16(READ_16, 0, 128, 128));
                d.assertGood();
                d.assertBytes(d.buffer, 0, 65536, 0x5A);

                // 12 KiB is no power of two: refused by the logical unit, nothing written.
                d.buffer.asSlice(0, 12288).fill((byte)0x77);
                d.run(12288, LoopDriver.cdb16(WRITE_ATOMIC_16, 0, 128, 24));
                assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status());
                assertEquals(0x24, d.task.senseData().get(ValueLayout.JAVA_BYTE, 12), "INVALID FIELD IN CDB");

                // The kernel is what makes it atomic: told that any length goes, the logical unit passes 12 KiB on,
                // and RWF_ATOMIC is refused by the kernel (EINVAL, a MEDIUM ERROR here) with nothing written, while
                // the same as a plain WRITE(16) is written.
                d.lu.atomicWrites(4096, max, false);
                d.run(12288, LoopDriver.cdb16(WRITE_ATOMIC_16, 0, 128, 24));
                assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status(), "the kernel refused RWF_ATOMIC");
                assertEquals(0x03, d.task.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F, "MEDIUM ERROR");
                d.run(65536, LoopDriver.cdb16(READ_16, 0, 128, 128));
                d.assertGood();
                d.assertBytes(d.buffer, 0, 65536, 0x5A);
                d.buffer.asSlice(0, 12288).fill((byte)0x77);
                d.run(12288, LoopDriver.cdb16(WRITE_16, 0, 128, 24));
                d.assertGood();
                d.run(65536, LoopDriver.cdb16(READ_16, 0, 128, 128));
                d.assertGood();
                d.assertBytes(d.buffer, 0, 12288, 0x77);
                d.assertBytes(d.buffer, 12288, 65536 - 12288, 0x5A);
            }
        }
        finally
        {
            if (mounted)
            {
                LoopDeviceBackstoreTest.exec("umount", mountPoint.toString());
            }
            if (device != null)
            {
                LoopDeviceBackstoreTest.exec("losetup", "-d", device);
            }
            Files.deleteIfExists(image);
            Files.deleteIfExists(mountPoint);
        }
    }
}
