package io.ringtarget.scsi;

import java.nio.file.Path;

/**
 * A saved sanitize or format operation ({@link LogicalUnit#mediumOperationDirectory}) that cannot be used: unreadable,
 * torn, corrupt, or another logical unit's. Nothing of it was loaded. The server should refuse to serve the logical
 * unit rather than serve a medium that may be partly sanitized as if it were whole.
 */
public final class MediumOperationStateException extends StateFileException
{
    private static final long serialVersionUID = 1L;

    public MediumOperationStateException(final Path file, final String what)
    {
        super(file, what, null);
    }

    public MediumOperationStateException(final Path file, final String what, final Throwable cause)
    {
        super(file, what, cause);
    }
}
