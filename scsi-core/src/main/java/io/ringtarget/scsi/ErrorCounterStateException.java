package io.ringtarget.scsi;

import java.nio.file.Path;

/**
 * Saved error counters ({@link LogicalUnit#errorCounterDirectory}) that cannot be used: unreadable, torn, corrupt, or
 * another logical unit's. Nothing of them was loaded and the file is left as it is; the server refuses to start, as
 * for its other state files, rather than serve the logical unit as healthy when its counters said it was failing.
 */
public final class ErrorCounterStateException extends StateFileException
{
    private static final long serialVersionUID = 1L;

    public ErrorCounterStateException(final Path file, final String what)
    {
        super(file, what, null);
    }

    public ErrorCounterStateException(final Path file, final String what, final Throwable cause)
    {
        super(file, what, cause);
    }
}
