package io.ringtarget.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tells a block device from a regular file, for the choice between the block and fileio backstores. */
public final class BlockDevices
{
    /** S_IFMT and S_IFBLK of the file mode (sys/stat.h). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private BlockDevices()
    {
    }

    /** True when {@code path} (following symbolic links, as /dev/vg0/lv0 is one) is a block device. */
    public static boolean isBlockDevice(final Path path)
    {
        try
        {
            final int mode = (Integer)Files.getAttribute(path, "unix:mode");
            return (mode & S_IFMT) == S_IFBLK;
        }
        catch (final IOException | UnsupportedOperationException | IllegalArgumentException ex)
        {
            return false;
        }
    }
}
