package io.ringtarget.scsi;

import java.nio.file.Path;

/**
 * A saved self-test log ({@link LogicalUnit#selfTestLogDirectory}) that cannot be used: unreadable, torn, corrupt, or
 * another logical unit's. Nothing of it was loaded and the file is left as it is; the server refuses to start, as
 * for its other state files, rather than serve the logical unit with a log that silently lost its failures.
 */
public final class SelfTestLogStateException extends StateFileException
{
    private static final long serialVersionUID = 1L;

    public SelfTestLogStateException(final Path file, final String what)
    {
        super(file, what, null);
    }

    public SelfTestLogStateException(final Path file, final String what, final Throwable cause)
    {
        super(file, what, cause);
    }
}
