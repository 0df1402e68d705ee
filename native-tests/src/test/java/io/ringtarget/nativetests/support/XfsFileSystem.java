package io.ringtarget.nativetests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An XFS file system made for a test: a sparse image in a directory of the test's, a loop device over it, mkfs.xfs and
 * a mount under the same directory. On this kernel (6.16+) an XFS file takes atomic writes (RWF_ATOMIC, 4 KiB to
 * 1 MiB), which ext4 and tmpfs do not. {@link #close()} unmounts, detaches and deletes the directory. Needs root,
 * losetup and mkfs.xfs (xfsprogs); use {@link Tools#requireRoot()} first.
 */
public final class XfsFileSystem implements AutoCloseable
{
    /** mkfs.xfs refuses file systems under 300 MB. */
    private static final long SIZE = 512L << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final Path mountPoint;
    private LoopDevice loop;
    private boolean mounted;

    private XfsFileSystem(final Path dir)
    {
        this.dir = dir;
        this.mountPoint = dir.resolve("mnt");
    }

    /**
     * @param prefix the name of the directory made in /var/tmp (a random suffix follows).
     * @return the mounted file system.
     */
    public static XfsFileSystem create(final String prefix) throws IOException
    {
        final String mkfs = Tools.require("mkfs.xfs").toString();
        final XfsFileSystem fs = new XfsFileSystem(Files.createTempDirectory(Path.of("/var/tmp"), prefix));
        try
        {
            fs.loop = LoopDevice.create(fs.dir.resolve("xfs.img"), SIZE);
            Files.createDirectory(fs.mountPoint);
            run(mkfs, "-q", fs.loop.path().toString());
            run("mount", fs.loop.path().toString(), fs.mountPoint.toString());
            fs.mounted = true;
            return fs;
        }
        catch (final IOException | RuntimeException ex)
        {
            fs.close();
            throw ex;
        }
    }

    /** @return where it is mounted. */
    public Path mountPoint()
    {
        return mountPoint;
    }

    /** @return the loop device it is on. */
    public Path device()
    {
        return loop.path();
    }

    private static void run(final String... command)
    {
        final ExternalProcess.Result r = ExternalProcess.run(TIMEOUT, command);
        if (!r.ok())
        {
            throw new IllegalStateException(String.join(" ", command) + ": " + r.output());
        }
    }

    /** Unmounts, detaches the loop device and deletes the directory. Idempotent. */
    @Override
    public void close() throws IOException
    {
        if (mounted)
        {
            mounted = false;
            run("umount", mountPoint.toString());
        }
        if (null != loop)
        {
            loop.close();
            loop = null;
        }
        if (Files.exists(dir))
        {
            Tools.deleteTree(dir);
        }
    }
}
