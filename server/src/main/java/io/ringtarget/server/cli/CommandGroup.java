package io.ringtarget.server.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands ("backstores", "iscsi tpg"): run alone, it says which ones there are. */
abstract class CommandGroup implements Runnable
{
    @Spec
    CommandSpec spec;

    @Override
    public void run()
    {
        throw new ParameterException(spec.commandLine(), "missing command: one of " +
            String.join(", ", spec.subcommands().keySet()));
    }
}
