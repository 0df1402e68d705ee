package io.ringtarget.scsi;

import java.nio.file.Path;

/**
 * A persistent reservation state file (APTPL, SPC-4 5.12.5) that cannot be used: unreadable, torn, corrupt, or
 * another logical unit's. Nothing of it was loaded. The server should refuse to serve the logical unit rather
 * than start it without the reservations a cluster relies on.
 */
public final class PersistentReservationStateException extends StateFileException
{
    private static final long serialVersionUID = 1L;

    public PersistentReservationStateException(final Path file, final String what)
    {
        super(file, what, null);
    }

    public PersistentReservationStateException(final Path file, final String what, final Throwable cause)
    {
        super(file, what, cause);
    }
}
