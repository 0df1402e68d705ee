package io.ringtarget.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Makes a directory one that cannot be written to, for the duration of a test: mode 0555 for an ordinary user; for
 * root, who ignores modes (the tests run as root in CI), the immutable attribute ({@code chattr +i}).
 */
public final class ReadOnlyDirectory implements AutoCloseable
{
    private final Path dir;
    private final boolean immutable;

    private ReadOnlyDirectory(final Path dir, final boolean immutable)
    {
        this.dir = dir;
        this.immutable = immutable;
    }

    /** Makes {@code dir} read-only; skips the test when that cannot be done here (no chattr, a file system without it). */
    public static ReadOnlyDirectory of(final Path dir) throws IOException, InterruptedException
    {
        if (!"root".equals(System.getProperty("user.name")))
        {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
            return new ReadOnlyDirectory(dir, false);
        }
        assumeTrue(chattr("+i", dir) == 0, "chattr +i does not work on " + dir);
        return new ReadOnlyDirectory(dir, true);
    }

    @Override
    public void close() throws IOException, InterruptedException
    {
        if (immutable)
        {
            chattr("-i", dir);
        }
        else
        {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static int chattr(final String flag, final Path dir) throws InterruptedException
    {
        try
        {
            return new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }
}
