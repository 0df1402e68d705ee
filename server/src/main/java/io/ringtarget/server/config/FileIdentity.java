package io.ringtarget.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What makes two backstore paths the same storage on this machine, however they are spelt: a block device is its
 * device number (st_rdev: /dev/vg0/lv0, /dev/mapper/vg0-lv0 and /dev/dm-3 are one device), an existing file its
 * device and inode (symbolic links, hard links, {@code ..}), a file still to be created the real path of its
 * directory and its name. Paths that cannot be looked at compare as written (normalized). A loop device's backing file
 * ({@link #loopBackingFile}) is compared with the other backstores' files too.
 */
final class FileIdentity
{
    private FileIdentity()
    {
    }

    /**
     * @param path an absolute path.
     * @return a key equal to another path's key when both name the same storage here.
     */
    static Object of(final Path path)
    {
        try
        {
            if (Files.exists(path))
            {
                if (BlockDevices.isBlockDevice(path))
                {
                    return "rdev " + Files.getAttribute(path, "unix:rdev");
                }
                final Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
                return null == key ? path.toRealPath().toString() : key;
            }
            final Path parent = path.getParent();
            if (null != parent && Files.isDirectory(parent))
            {
                return parent.toRealPath().resolve(path.getFileName()).toString();
            }
        }
        catch (final IOException ex)
        {
            // it vanished or cannot be read between the checks: compare the spelling, below (the open that follows
            // reports what is wrong with the file)
        }
        return path.normalize().toString();
    }

    /**
     * The file behind a loop device, or behind the loop device a partition is of, as {@link #of} keys it: a backstore
     * on the device serves that file's data. Null for any other path, a deleted backing file, or what cannot be read.
     */
    static Object loopBackingFile(final Path device)
    {
        try
        {
            if (!BlockDevices.isBlockDevice(device))
            {
                return null;
            }
            final long rdev = (Long)Files.getAttribute(device, "unix:rdev");
            Path sys = Path.of("/sys/dev/block/" + major(rdev) + ":" + minor(rdev)).toRealPath();
            if (Files.exists(sys.resolve("partition")))
            {
                sys = sys.getParent();
            }
            final Path backing = sys.resolve("loop/backing_file");
            if (!Files.isRegularFile(backing))
            {
                return null;
            }
            final String file = Files.readString(backing).strip();
            return file.isEmpty() || file.endsWith(" (deleted)") ? null : of(Path.of(file));
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;   // not a loop device we can read about: nothing more to compare
        }
    }

    /** glibc's dev_t encoding (gnu_dev_major). */
    private static long major(final long rdev)
    {
        return ((rdev >>> 8) & 0xFFF) | ((rdev >>> 32) & ~0xFFFL);
    }

    private static long minor(final long rdev)
    {
        return (rdev & 0xFF) | ((rdev >>> 12) & ~0xFFL);
    }
}
