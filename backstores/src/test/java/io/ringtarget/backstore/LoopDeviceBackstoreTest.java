package io.ringtarget.backstore;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code block} backstore on a real loop device (losetup --direct-io=on), detached in finally.
 */
class LoopDeviceBackstoreTest
{
    /** Runs a command (losetup, mkfs.xfs, mount...) and returns its output; a non-zero exit is an IOException. */
    static String exec(final String... command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes()).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
        if (p.exitValue() != 0)
        {
            throw new IOException(String.join(" ", command) + ": " + out);
        }
        return out;
    }

    @Test
    void blockBackstoreOnALoopDevice() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for losetup");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/losetup")) || Files.isExecutable(Path.of("/sbin/losetup")),
            "losetup not installed");
        final Path image = Path.of("/var/tmp", "ringtarget-loop-" + ProcessHandle.current().pid() + "-" +
            System.nanoTime() + ".img");
        String device = null;
        try
        {
            exec("truncate", "-s", "32M", image.toString());
            device = attach(image, "--direct-io=on");
            final FileBackstore bs = FileBackstore.block("lo", Path.of(device), false);
            assertEquals(FileBackstore.Kind.BLOCK, bs.kind());
            assertEquals(512, bs.blockSize());
            assertTrue(bs.physicalBlockSize() >= 512 && Integer.bitCount(bs.physicalBlockSize()) == 1);
            assertEquals((32L << 20) / 512, bs.blockCount());
            try (LoopDriver d = new LoopDriver(bs))
            {
                d.buffer.asSlice(0, 128 * 1024).fill((byte)0x6B);
                d.run(128 * 1024, LoopDriver.cdb16(0x8A, 0x08, 256, 256));
                d.assertGood();
                d.buffer.asSlice(0, 128 * 1024).fill((byte)0);
                d.run(128 * 1024, LoopDriver.cdb16(0x88, 0, 256, 256));
                d.assertGood();
                d.assertBytes(d.buffer, 0, 128 * 1024, 0x6B);
                d.run(0, LoopDriver.cdb16(0x91, 0, 0, 0));
                d.assertGood();

                // An unaligned 512-byte request goes through the buffered descriptor.
                d.buffer.asSlice(512, 512).fill((byte)0x1F);
                d.run(d.buffer.asSlice(512, 512), 512, LoopDriver.cdb16(0x8A, 0, 1, 1));
                d.assertGood();
                d.run(4096, LoopDriver.cdb16(0x88, 0, 0, 8));
                d.assertGood();
                d.assertBytes(d.buffer, 512, 512, 0x1F);
                d.assertBytes(d.buffer, 1024, 512, 0);

                if (bs.supportsUnmap())
                {
                    d.buffer.asSlice(0, 512).fill((byte)0);
                    d.run(512, LoopDriver.cdb16(0x93, 0x08, 256, 128));
                    d.assertGood();
                    d.run(128 * 1024, LoopDriver.cdb16(0x88, 0, 256, 256));
                    d.assertGood();
                    if (bs.unmapReadsZeros())
                    {
                        d.assertBytes(d.buffer, 0, 64 * 1024, 0);
                    }
                    d.assertBytes(d.buffer, 64 * 1024, 64 * 1024, 0x6B);
                }
            }
            // The data is on the backing file.
            final byte[] onDisk = Files.readAllBytes(image);
            assertEquals(0x6B, onDisk[(256 + 200) * 512]);
            assertEquals(0x1F, onDisk[512] & 0xFF);
            System.out.println("loop device " + device + ": unmap via " + bs.unmapMethod() + ", LBPRZ " +
                bs.unmapReadsZeros() + ", first byte " + d0(onDisk));
        }
        finally
        {
            if (device != null)
            {
                exec("losetup", "-d", device);
            }
            Files.deleteIfExists(image);
        }
    }

    private static int d0(final byte[] b)
    {
        return b[0];
    }

    @Test
    void discardThreadFallbackOnALoopDevice() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for losetup");
        final Path image = Path.of("/var/tmp", "ringtarget-discard-" + ProcessHandle.current().pid() + "-" +
            System.nanoTime() + ".img");
        String device = null;
        try
        {
            exec("truncate", "-s", "16M", image.toString());
            device = attach(image, "--direct-io=on");
            final FileBackstore bs = FileBackstore.blockWithDiscardThread("lo", Path.of(device));
            assumeTrue(bs.supportsUnmap(), "loop device without discard");
            assertEquals("BLKDISCARD on a helper thread", bs.unmapMethod());
            try (LoopDriver d = new LoopDriver(bs))
            {
                d.buffer.asSlice(0, 1 << 20).fill((byte)0x5C);
                d.run(1 << 20, LoopDriver.cdb16(0x8A, 0x08, 0, 2048));
                d.assertGood();
                // UNMAP 1024 blocks at 0: completes on the loop after the helper thread's ioctl.
                d.buffer.asSlice(0, 24).fill((byte)0);
                d.buffer.set(ValueLayout.JAVA_BYTE, 1, (byte)22);
                d.buffer.set(ValueLayout.JAVA_BYTE, 3, (byte)16);
                d.buffer.set(ValueLayout.JAVA_BYTE, 18, (byte)0x04);
                d.run(24, 0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0);
                d.assertGood();
                d.run(1 << 20, LoopDriver.cdb16(0x88, 0, 0, 2048));
                d.assertGood();
                // A loop device discards by punching the backing file: zeros, though LBPRZ is not promised.
                d.assertBytes(d.buffer, 0, 512 * 1024, 0);
                d.assertBytes(d.buffer, 512 * 1024, 512 * 1024, 0x5C);
            }
        }
        finally
        {
            if (device != null)
            {
                exec("losetup", "-d", device);
            }
            Files.deleteIfExists(image);
        }
    }

    @Test
    void aBlockDeviceIsLockedAgainstOtherProcesses() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for losetup");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/flock")), "util-linux flock not installed");
        final Path image = Path.of("/var/tmp", "ringtarget-loop-lock-" + ProcessHandle.current().pid() + "-" +
            System.nanoTime() + ".img");
        String device = null;
        try
        {
            exec("truncate", "-s", "8M", image.toString());
            device = attach(image, "--direct-io=on");
            // The device node accepts flock: while the backstore is open, another process cannot lock it.
            final FileBackstore bs = FileBackstore.block("lo", Path.of(device), false);
            assertEquals(1, flockStatus("-n", "-E", "1", "-s", device, "true"));
            bs.close();
            assertEquals(0, flockStatus("-n", "-E", "1", "-x", device, "true"));
            // Held by another process for longer than the wait for udev's lock: refused, naming the device.
            final Process holder = new ProcessBuilder("flock", "-o", "-x", device, "sh", "-c", "echo locked; exec sleep 60")
                .redirectErrorStream(true).start();
            try
            {
                assertEquals("locked", new String(holder.getInputStream().readNBytes(6)));
                final long start = System.nanoTime();
                final Path node = Path.of(device);
                final java.io.UncheckedIOException ex = org.junit.jupiter.api.Assertions.assertThrows(
                    java.io.UncheckedIOException.class, () -> FileBackstore.block("lo", node, false));
                assertTrue(ex.getMessage().contains(device + " is in use by another process"), ex.getMessage());
                assertTrue(System.nanoTime() - start < 10_000_000_000L, "the wait is bounded");
            }
            finally
            {
                holder.descendants().forEach(ProcessHandle::destroy);
                holder.destroy();
                assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
            }
        }
        finally
        {
            if (device != null)
            {
                exec("losetup", "-d", device);
            }
            Files.deleteIfExists(image);
        }
    }

    @Test
    void aMountedDeviceIsRefusedAndAServedOneCannotBeMounted() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for losetup and mount");
        final Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "ringtarget-mounted-");
        final Path image = dir.resolve("ext4.img");
        final Path mountPoint = Files.createDirectory(dir.resolve("mnt"));
        String device = null;
        boolean mounted = false;
        try
        {
            exec("truncate", "-s", "32M", image.toString());
            device = attach(image);
            exec("mkfs.ext4", "-q", device);
            exec("mount", device, mountPoint.toString());
            mounted = true;
            final Path node = Path.of(device);
            final java.io.UncheckedIOException ex = org.junit.jupiter.api.Assertions.assertThrows(
                java.io.UncheckedIOException.class, () -> FileBackstore.block("lo", node, false));
            assertTrue(ex.getMessage().contains(device + " is in use by the system: mounted"), ex.getMessage());
            org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> FileBackstore.block("lo", node, true), "read-only too: a mounted file system changes under it");
            exec("umount", mountPoint.toString());
            mounted = false;

            final FileBackstore bs = FileBackstore.block("lo", node, false);
            final IOException refused = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> exec("mount", node.toString(), mountPoint.toString()));
            assertTrue(refused.getMessage().toLowerCase().contains("busy") ||
                refused.getMessage().toLowerCase().contains("already mounted"), refused.getMessage());
            bs.close();
            exec("mount", device, mountPoint.toString());   // released with the backstore
            mounted = true;
        }
        finally
        {
            if (mounted)
            {
                exec("umount", mountPoint.toString());
            }
            if (device != null)
            {
                exec("losetup", "-d", device);
            }
            Files.deleteIfExists(mountPoint);
            Files.deleteIfExists(image);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aDiskAndItsPartitionAreNotServedTogether() throws Exception
    {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for losetup");
        final Path image = Path.of("/var/tmp", "ringtarget-parts-" + ProcessHandle.current().pid() + "-" +
            System.nanoTime() + ".img");
        String device = null;
        try
        {
            exec("truncate", "-s", "16M", image.toString());
            device = attach(image, "-P");
            // One partition from sector 2048 to the end, made with BLKPG (addpart): this kernel has no partition
            // table parsers, and the claim rules do not depend on how the partition came to be.
            exec("addpart", device, "1", "2048", String.valueOf((16 << 11) - 2048));
            final Path disk = Path.of(device);
            final Path partition = Path.of(device + "p1");
            for (int i = 0; i < 50 && !Files.exists(partition); i++)
            {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(partition), partition + " made by losetup -P");
            final FileBackstore whole = FileBackstore.block("disk", disk, false);
            final java.io.UncheckedIOException ex = org.junit.jupiter.api.Assertions.assertThrows(
                java.io.UncheckedIOException.class, () -> FileBackstore.block("part", partition, false));
            assertTrue(ex.getMessage().contains(partition + " is in use by the system"), ex.getMessage());
            whole.close();
            final FileBackstore part = FileBackstore.block("part", partition, false);
            assertEquals(((16L << 20) - (2048L << 9)) / 512, part.blockCount());
            org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
                () -> FileBackstore.block("disk", disk, false), "the disk of a served partition");
            part.close();
        }
        finally
        {
            if (device != null)
            {
                exec("losetup", "-d", device);
            }
            Files.deleteIfExists(image);
        }
    }

    /** A loop device over {@code image} made with losetup {@code options}; the test is skipped when none is free. */
    private static String attach(final Path image, final String... options) throws IOException, InterruptedException
    {
        final String[] command = new String[options.length + 4];
        command[0] = "losetup";
        System.arraycopy(options, 0, command, 1, options.length);
        command[options.length + 1] = "-f";
        command[options.length + 2] = "--show";
        command[options.length + 3] = image.toString();
        try
        {
            return exec(command);
        }
        catch (final IOException e)
        {
            assumeTrue(false, "no loop device available: " + e.getMessage());
            return null;
        }
    }

    private static int flockStatus(final String... args) throws IOException, InterruptedException
    {
        final String[] command = new String[args.length + 1];
        command[0] = "flock";
        System.arraycopy(args, 0, command, 1, args.length);
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return p.exitValue();
    }
}
