package io.ringtarget.server.cli;

import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.edit.EditLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A command that changes the configuration: the edit of the configuration served (or in the file), validated, then
 * applied by the running target that serves the file and saved, or saved in the file when none does
 * ({@link ConfigEdits}). An edit that would add an error is refused and nothing changes; errors the configuration had
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
     * @param current the configuration served, or in the file.
     * @return the new configuration.
     * @throws IllegalArgumentException when the edit cannot be made; its message is shown.
     */
    abstract RingtargetConfig edit(RingtargetConfig current);

    /** What was done, printed once the change is saved (e.g. "Created LUN 0."). */
    abstract String done(RingtargetConfig before, RingtargetConfig after);

    @Override
    public final Integer call() throws Exception
    {
        return ConfigEdits.run(config, List.of(new EditLine(1, ownArgs())), this, spec.commandLine().getOut(),
            spec.commandLine().getErr());
    }

    /** This command's arguments as given, without the options of the whole run (-c, --admin-socket). */
    private List<String> ownArgs()
    {
        final List<String> given = spec.root().commandLine().getParseResult().originalArgs();
        final List<String> own = new ArrayList<>();
        for (int i = 0; i < given.size(); i++)
        {
            final String arg = given.get(i);
            if ("-c".equals(arg) || "--config".equals(arg) || "--admin-socket".equals(arg))
            {
                i++;
            }
            else if (!arg.startsWith("--config=") && !arg.startsWith("--admin-socket=") &&
                !(arg.startsWith("-c") && arg.length() > 2 && !arg.startsWith("--")))
            {
                own.add(arg);
            }
        }
        return own;
    }
}
