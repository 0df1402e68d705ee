package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.ConfigProblem;
import io.ringtarget.server.config.ConfigValidator;
import io.ringtarget.server.config.RingtargetConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * A command that changes the configuration file: load it (or start empty), apply the edit, validate the result,
 * save it atomically. An edit that would add an error is refused and nothing is written; errors the file had
 * already do not block edits (so that a broken file can be repaired), they are shown as warnings.
 */
abstract class EditCommand implements Callable<Integer>
{
    @Mixin
    ConfigFileOption config;

    @Spec
    CommandSpec spec;

    /**
     * The edited configuration.
     *
     * @param current the configuration in the file.
     * @return the new configuration.
     * @throws IllegalArgumentException when the edit cannot be made; its message is shown.
     */
    abstract RingtargetConfig edit(RingtargetConfig current);

    /** What was done, printed once the file is saved (e.g. "Created LUN 0."). */
    abstract String done(RingtargetConfig before, RingtargetConfig after);

    @Override
    public final Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final RingtargetConfig before = config.loadOrEmpty();
        final RingtargetConfig after;
        try
        {
            after = edit(before);
        }
        catch (final NullPointerException ex)
        {
            throw new CliException(ExitCodes.INVALID, config.file() + " is incomplete (run \"ringtarget config " +
                "validate\" and fix it by hand): " + ex.getMessage());
        }
        final List<ConfigProblem> oldProblems = ConfigValidator.validate(before, true);
        final List<ConfigProblem> newProblems = ConfigValidator.validate(after, true);
        final Set<String> old = new HashSet<>();
        oldProblems.forEach(p -> old.add(p.toString()));
        final List<ConfigProblem> added = newProblems.stream().filter(p -> !old.contains(p.toString())).toList();
        if (ConfigProblem.hasErrors(added))
        {
            err.println("ringtarget: refused, the configuration would not be valid (" + config.file() + " unchanged):");
            ConfigProblem.errors(added).forEach(p -> err.println("  " + p));
            return ExitCodes.INVALID;
        }
        final boolean existed = Files.exists(config.file());
        ConfigFiles.save(after, config.file());
        out.println(done(before, after));
        final String created = existed ? null : ConfigFileOption.createdNotice(config.file(), config.origin());
        if (null != created)
        {
            err.println("ringtarget: " + created);
        }
        for (final ConfigProblem problem : added)
        {
            err.println("  " + problem);
        }
        for (final ConfigProblem problem : ConfigProblem.errors(newProblems))
        {
            if (old.contains(problem.toString()))
            {
                err.println("  warning: still to fix in " + config.file() + ": " + problem);
            }
        }
        return ExitCodes.OK;
    }
}
