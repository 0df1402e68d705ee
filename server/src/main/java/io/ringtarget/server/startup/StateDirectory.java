package io.ringtarget.server.startup;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The configuration's {@code stateDirectory}, made ready at start: created with mode 0700 when missing (it holds
 * which initiators may write to which LU), refused with the reason when it cannot be used, so that an APTPL
 * request never fails later for a directory nobody could create.
 */
final class StateDirectory
{
    private StateDirectory()
    {
    }

    /**
     * @param configured the configured path, or null for none.
     * @return the directory, or null when none is configured (APTPL is then refused).
     * @throws IOException naming the directory and the OS error.
     */
    static Path prepare(final String configured) throws IOException
    {
        if (null == configured)
        {
            return null;
        }
        final Path dir = Path.of(configured);
        try
        {
            if (!Files.isDirectory(dir))
            {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.isWritable(dir))
            {
                throw new IOException("not writable by this user");
            }
            return dir;
        }
        catch (final AccessDeniedException ex)
        {
            throw new IOException("cannot use the state directory " + dir + ": permission denied creating " +
                ex.getFile() + " (run as root, or set stateDirectory in the configuration)", ex);
        }
        catch (final FileAlreadyExistsException ex)
        {
            throw new IOException("cannot use the state directory " + dir + ": " + ex.getFile() +
                " exists and is not a directory", ex);
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot use the state directory " + dir + ": " +
                (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()) +
                " (set stateDirectory in the configuration)", ex);
        }
    }
}
