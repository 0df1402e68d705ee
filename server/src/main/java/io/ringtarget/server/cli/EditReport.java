package io.ringtarget.server.cli;

import io.ringtarget.server.edit.EditFailure;
import io.ringtarget.server.edit.EditResult;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * Prints what editing commands did: each applied line's message on stdout ("Created LUN 1 (disk2)."), and on stderr
 * whether a running target applied the change or only the file was saved, what the change did to the target, the
 * warnings, and why a command was refused (with the line of a batch). The exit code is the failure's, or 0.
 */
final class EditReport
{
    private final Path file;
    private final boolean batch;
    private final PrintWriter out;
    private final PrintWriter err;
    private boolean reload;

    EditReport(final Path file, final boolean batch, final PrintWriter out, final PrintWriter err)
    {
        this.file = file;
        this.batch = batch;
        this.out = out;
        this.err = err;
    }

    /** The result is a reload's: the target read the file, it saved nothing. */
    EditReport reload()
    {
        reload = true;
        return this;
    }

    /**
     * @param pid     the running target that applied it, or null when the file was edited.
     * @param created the notice that the file was created, or null.
     * @return the exit code.
     */
    int print(final EditResult result, final Long pid, final String created)
    {
        result.output().forEach(out::println);
        out.flush();
        if (null != created)
        {
            err.println("ringtarget: " + created);
        }
        result.warnings().forEach(w -> err.println("  " + w));
        result.stillToFix().forEach(p -> err.println("  warning: still to fix in " + file + ": " + p));
        if (result.applied() > 0)
        {
            if (null == pid)
            {
                err.println("ringtarget: saved in " + file + " (no running target serves it: it applies when one " +
                    "starts)");
            }
            else if (reload)
            {
                err.println("ringtarget: the running target (pid " + pid + ") applied " + file);
            }
            else
            {
                err.println("ringtarget: applied to the running target (pid " + pid + ") and saved in " + file);
            }
            result.changes().forEach(c -> err.println("  " + c));
            result.changeWarnings().forEach(w -> err.println("  warning: " + w));
        }
        final EditFailure failure = result.failure();
        if (null != failure)
        {
            final String where = batch ? "line " + failure.line() + ": " : "";
            final String unchanged = result.applied() == 0 ? " (" + (null == pid ? file + " unchanged" :
                "nothing changed") + ")" : "";
            err.println("ringtarget: " + where + failure.message() + (failure.details().isEmpty() ? "" : unchanged + ":"));
            failure.details().forEach(d -> err.println("  " + d));
            if (batch)
            {
                err.println("ringtarget: stopped at line " + failure.line() + ": " + result.applied() + " of " +
                    result.total() + " commands applied");
            }
        }
        else if (batch)
        {
            err.println("ringtarget: " + result.applied() + " of " + result.total() + " commands applied");
        }
        err.flush();
        return result.exitCode();
    }
}
