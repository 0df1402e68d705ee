package io.ringtarget.nativetests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A loop device over a file, attached with {@code losetup --direct-io=on} so that the backing file is read and
 * written with direct I/O (no second page cache under a target that opens the device with O_DIRECT).
 * {@link #close()} detaches it. Needs root and losetup; use {@link Tools#requireRoot()} first.
 */
public final class LoopDevice implements AutoCloseable
{
    private static final Duration LOSETUP_TIMEOUT = Duration.ofSeconds(30);

    private final Path device;
    private final Path backingFile;
    private boolean attached = true;

    private LoopDevice(final Path device, final Path backingFile)
    {
        this.device = device;
        this.backingFile = backingFile;
    }

    /**
     * Attaches the first free loop device to {@code backingFile} with direct I/O on.
     *
     * @param backingFile an existing file (its size is the device's size; use a multiple of 4 KiB).
     * @return the attached device.
     */
    public static LoopDevice attach(final Path backingFile)
    {
        final String losetup = Tools.require("losetup").toString();
        final ExternalProcess.Result r = ExternalProcess.run(LOSETUP_TIMEOUT, losetup, "--direct-io=on", "--show",
            "-f", backingFile.toAbsolutePath().toString());
        if (!r.ok())
        {
            throw new IllegalStateException("losetup failed for " + backingFile + ": " + r.output());
        }
        return new LoopDevice(Path.of(r.output().strip()), backingFile);
    }

    /**
     * Creates a file of {@code sizeBytes} (sparse) and attaches a loop device to it.
     *
     * @param file      the file to create (replaced when it exists).
     * @param sizeBytes its size.
     * @return the attached device.
     */
    public static LoopDevice create(final Path file, final long sizeBytes)
    {
        try
        {
            Files.deleteIfExists(file);
            try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw"))
            {
                raf.setLength(sizeBytes);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create " + file, ex);
        }
        return attach(file);
    }

    /**
     * @return the device node, e.g. /dev/loop3.
     */
    public Path path()
    {
        return device;
    }

    /**
     * @return the file behind the device.
     */
    public Path backingFile()
    {
        return backingFile;
    }

    /**
     * @return true when the kernel reports direct I/O on for this device (/sys/block/loopN/loop/dio).
     */
    public boolean directIo()
    {
        try
        {
            return "1".equals(Files.readString(
                Path.of("/sys/block", device.getFileName().toString(), "loop", "dio")).strip());
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * Detaches the device (losetup -d). Idempotent.
     */
    @Override
    public void close()
    {
        if (attached)
        {
            attached = false;
            final ExternalProcess.Result r = ExternalProcess.run(LOSETUP_TIMEOUT, Tools.require("losetup").toString(),
                "-d", device.toString());
            if (!r.ok())
            {
                throw new IllegalStateException("losetup -d " + device + " failed: " + r.output());
            }
        }
    }
}
