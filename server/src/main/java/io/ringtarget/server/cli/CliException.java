package io.ringtarget.server.cli;

import java.io.Serial;

/** Ends a command with a message for the administrator (printed without a stack trace) and an exit code. */
public final class CliException extends RuntimeException
{
    @Serial
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(final int exitCode, final String message)
    {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode()
    {
        return exitCode;
    }
}
