package io.ringtarget.server.edit;

import java.util.List;

/**
 * Why a batch stopped: at which line, the exit code the command would have had (2 refused, 1 failed), the message, and
 * the problems behind it (each validation error with its JSON path).
 */
public record EditFailure(int line, int exitCode, String message, List<String> details)
{
    public EditFailure
    {
        details = List.copyOf(details);
    }
}
