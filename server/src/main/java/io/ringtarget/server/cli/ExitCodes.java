package io.ringtarget.server.cli;

/** Exit codes of the {@code ringtarget} command. */
public final class ExitCodes
{
    /** Done. */
    public static final int OK = 0;
    /** Could not do it: an I/O error, the engine failed to start. */
    public static final int FAILURE = 1;
    /** Refused: a bad command line, a bad configuration, an edit that cannot be made. Nothing was changed. */
    public static final int INVALID = 2;

    private ExitCodes()
    {
    }
}
