package io.ringtarget.server.startup;

import java.io.IOException;
import java.io.Serial;

/**
 * A live change was prepared and saved, but the event loops did not take it in time (the engine stopped, or a loop
 * is stuck): the file holds the change, the running target may serve part of it. Restarting the target serves the
 * file as it is.
 */
public final class ChangeNotTakenException extends IOException
{
    @Serial
    private static final long serialVersionUID = 1L;

    public ChangeNotTakenException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
