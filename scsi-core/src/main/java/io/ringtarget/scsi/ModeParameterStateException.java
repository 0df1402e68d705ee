package io.ringtarget.scsi;

import java.nio.file.Path;

/**
 * Saved mode parameters ({@link LogicalUnit#modeParameterDirectory}) that cannot be used: unreadable, torn, corrupt,
 * or another logical unit's. Nothing of them was loaded and the file is left as it is; the server refuses to start, as
 * for its other state files, rather than serve the logical unit with a write cache or write protection an initiator
 * did not choose.
 */
public final class ModeParameterStateException extends StateFileException
{
    private static final long serialVersionUID = 1L;

    public ModeParameterStateException(final Path file, final String what)
    {
        super(file, what, null);
    }

    public ModeParameterStateException(final Path file, final String what, final Throwable cause)
    {
        super(file, what, cause);
    }
}
