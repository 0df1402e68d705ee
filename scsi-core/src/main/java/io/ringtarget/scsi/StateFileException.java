package io.ringtarget.scsi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A logical unit's state file under the server's state directory that cannot be used: unreadable, torn, corrupt, of
 * another version or of another logical unit. Nothing of it was loaded and the file is left as it is.
 */
public abstract class StateFileException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    protected StateFileException(final Path file, final String what, final Throwable cause)
    {
        super(file + ": " + what, cause);
        this.file = file;
    }

    /** The state file. */
    public Path file()
    {
        return file;
    }
}
