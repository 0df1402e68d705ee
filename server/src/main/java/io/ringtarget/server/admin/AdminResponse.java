package io.ringtarget.server.admin;

import io.ringtarget.server.edit.EditResult;

/**
 * The answer to one {@link AdminRequest} (a JSON line). {@code error} and {@code exitCode} say why a request as a whole
 * was refused (exit code 2) or failed (1); an edit's own failures are in {@code edit}.
 *
 * @param pid      the target's process.
 * @param config   the configuration file it serves.
 * @param logLevel its log level (debug, info, warn or error), after the request.
 */
public record AdminResponse(
    long pid,
    String config,
    String version,
    int exitCode,
    String error,
    EditResult edit,
    LiveView view,
    String logLevel)
{
    public boolean ok()
    {
        return null == error;
    }
}
