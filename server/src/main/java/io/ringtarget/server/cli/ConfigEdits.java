package io.ringtarget.server.cli;

import io.ringtarget.server.admin.AdminRequest;
import io.ringtarget.server.admin.AdminResponse;
import io.ringtarget.server.config.ConfigFileLock;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.edit.EditLine;
import io.ringtarget.server.edit.EditOutcome;
import io.ringtarget.server.edit.EditResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where an edit goes: to the running target that serves the configuration file, which applies it without a restart
 * and saves it; or, when none serves the file, into the file, under its lock ({@link ConfigFileLock}), so that two edits
 * never lose each other. Either way the same commands run with the same rules ({@link EditBatch}), and the command
 * says which it did.
 */
final class ConfigEdits
{
    private ConfigEdits()
    {
    }

    /**
     * Runs {@code lines} (a single command's own line, or a batch) and prints what they did.
     *
     * @param single the command already parsed when {@code lines} is its own line (the file is edited with it), or
     *               null.
     * @return the exit code.
     */
    static int run(
        final ConfigFileOption config, final List<EditLine> lines, final EditCommand single, final PrintWriter out,
        final PrintWriter err) throws IOException
    {
        final Path file = config.file();
        final EditReport report = new EditReport(file, lines.size() > 1 || null == single, out, err);
        if (null != config.adminSocket())
        {
            return online(RunningTargets.explicit(config.adminSocket()), file, lines, report);
        }
        final long deadline = System.nanoTime() + RunningTargets.LOCK_WAIT_MILLIS * 1_000_000L;
        while (true)
        {
            final ConfigFileLock lock;
            try
            {
                lock = ConfigFileLock.tryAcquire(directoryMade(file));
            }
            catch (final IOException ex)
            {
                // No lock file here (a directory this user may not write): no target can have advertised itself in
                // it either. The edit goes to the file, whose save reports what is wrong with the directory.
                return offline(config, lines, single, report);
            }
            if (null != lock)
            {
                try (lock)
                {
                    return offline(config, lines, single, report);
                }
            }
            final RunningTargets.Found target = RunningTargets.advertised(file);
            if (null != target)
            {
                return online(target, file, lines, report);
            }
            RunningTargets.waitOrGiveUp(file, deadline);
        }
    }

    private static Path directoryMade(final Path file) throws IOException
    {
        final Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir))
        {
            Files.createDirectories(dir);
        }
        return file;
    }

    /** No target serves the file: the edit is the file's, saved once for all the lines. */
    private static int offline(
        final ConfigFileOption config, final List<EditLine> lines, final EditCommand single, final EditReport report)
        throws IOException
    {
        final Path file = config.file();
        final RingtargetConfig before = config.loadOrEmpty();
        final EditOutcome outcome = new EditBatch().run(before, lines, single);
        final boolean existed = Files.exists(file);
        if (outcome.applied() > 0)
        {
            ConfigFiles.save(outcome.config(), file);
        }
        final String created = existed || outcome.applied() == 0 ? null :
            ConfigFileOption.createdNotice(file, config.origin());
        return report.print(EditResult.of(outcome, lines.size()), null, created);
    }

    /** A target serves the file: it runs the lines, applies and saves the result. */
    private static int online(
        final RunningTargets.Found target, final Path file, final List<EditLine> lines, final EditReport report)
    {
        final AdminResponse response = RunningTargets.answered(RunningTargets.request(target,
            new AdminRequest(AdminRequest.EDIT, file.toAbsolutePath().toString(), lines)));
        return report.print(response.edit(), response.pid(), null);
    }
}
