package io.ringtarget.server.config;

import java.io.IOException;
import java.io.Serial;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The configuration file could not be read or written. The message names the configuration file, what was being
 * done, and the operating system's error ({@code cannot save /etc/ringtarget/saveconfig.json: cannot create a
 * temporary file in /etc/ringtarget: Permission denied}), because the exceptions of java.nio name whichever file
 * the failing call touched (a temporary file, the directory) or none at all ({@code Is a directory}).
 */
public final class ConfigFileError extends IOException
{
    @Serial
    private static final long serialVersionUID = 1L;

    private final Path file;

    private ConfigFileError(final Path file, final String message, final IOException cause)
    {
        super(message, cause);
        this.file = file;
    }

    /**
     * @param action what failed, naming the configuration file: {@code "cannot read /etc/ringtarget/saveconfig.json"}.
     * @param step   the step that failed, or null when it is the action itself: {@code "cannot create a
     *               temporary file in /etc/ringtarget"}.
     * @param file   the configuration file.
     * @param cause  the operating system's error.
     * @return the error to throw.
     */
    static ConfigFileError of(final String action, final String step, final Path file, final IOException cause)
    {
        return new ConfigFileError(file, action + ": " + (null == step ? "" : step + ": ") + reason(cause), cause);
    }

    /** The configuration file the error is about. */
    public Path file()
    {
        return file;
    }

    /**
     * The operating system's words for an I/O error, without the Java class name or the file name:
     * {@code Permission denied}, {@code Is a directory}, {@code No space left on device}.
     *
     * @param error the error.
     * @return its reason.
     */
    public static String reason(final IOException error)
    {
        // java.nio maps a few errno values to exception classes and drops strerror's text for them.
        return switch (error)
        {
            case AccessDeniedException ignored -> "Permission denied";
            case NoSuchFileException ignored -> "No such file or directory";
            case FileAlreadyExistsException ignored -> "File exists";
            case DirectoryNotEmptyException ignored -> "Directory not empty";
            case NotDirectoryException ignored -> "Not a directory";
            case FileSystemException fs -> null == fs.getReason() ? fs.getClass().getSimpleName() : fs.getReason();
            default -> null == error.getMessage() ? error.getClass().getSimpleName() : error.getMessage();
        };
    }
}
