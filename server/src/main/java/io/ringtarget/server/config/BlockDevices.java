package io.ringtarget.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Tells a block device from a regular file, for the choice between the block and fileio backstores. */
public final class BlockDevices
{
    /** S_IFMT and S_IFBLK of the file mode (sys/stat.h). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private BlockDevices()
    {
    }

    /**
     * The size of a block device, from sysfs ({@code /sys/dev/block/MAJOR:MINOR/size}, in 512-byte sectors whatever
     * the device's block size), without opening the device.
     *
     * @return the size in bytes; empty when {@code path} is not a block device or sysfs does not tell.
     */
    public static OptionalLong sizeBytes(final Path path)
    {
        if (!isBlockDevice(path))
        {
            return OptionalLong.empty();
        }
        try
        {
            final long rdev = (Long)Files.getAttribute(path, "unix:rdev");
            // glibc's major()/minor() of a dev_t.
            final long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
            final long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
            final String sectors = Files.readString(Path.of("/sys/dev/block/" + major + ":" + minor + "/size")).strip();
            return OptionalLong.of(Long.parseLong(sectors) * 512);
        }
        catch (final IOException | NumberFormatException ex)
        {
            // no sysfs entry for it (or not a number there): unknown here; the open backstore knows its size
            return OptionalLong.empty();
        }
    }

    /** True when {@code path} (following symbolic links, as /dev/vg0/lv0 is one) is a block device. */
    public static boolean isBlockDevice(final Path path)
    {
        try
        {
            final int mode = (Integer)Files.getAttribute(path, "unix:mode");
            return (mode & S_IFMT) == S_IFBLK;
        }
        catch (final IOException ex)
        {
            // missing or not ours to stat: not a block device we can serve; callers check existence first and
            // name that problem themselves ("does not exist")
            return false;
        }
    }
}
