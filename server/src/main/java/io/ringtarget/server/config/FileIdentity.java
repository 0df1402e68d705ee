package io.ringtarget.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What makes two backstore paths the same storage on this machine, however they are spelt: a block device is its
 * device number (st_rdev: /dev/vg0/lv0, /dev/mapper/vg0-lv0 and /dev/dm-3 are one device), an existing file its
 * device and inode (symbolic links, hard links, {@code ..}), a file still to be created the real path of its
 * directory and its name. Paths that cannot be looked at compare as written (normalized).
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
}
