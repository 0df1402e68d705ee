package io.ringtarget.server.cli;

import io.ringtarget.server.config.AclConfig;
import io.ringtarget.server.config.ChapConfig;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.DiscoveryAuthConfig;
import io.ringtarget.server.config.ConfigProblem;
import io.ringtarget.server.config.ConfigSchema;
import io.ringtarget.server.config.ConfigValidator;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.Secrets;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ringtarget config validate|show}. */
@Command(name = "config", description = "Checks or shows a configuration file.",
    subcommands = { ConfigCommand.Validate.class, ConfigCommand.Show.class, ConfigCommand.Schema.class })
final class ConfigCommand extends CommandGroup
{
    @Command(name = "validate", description = "Checks a configuration file: JSON, fields, names, references, files " +
        "and devices. Exit code 0 when it can be served, 2 when not.",
        footer = { "", "Example:", "  ringtarget config validate --config /etc/ringtarget/saveconfig.json" })
    static final class Validate implements Callable<Integer>
    {
        @Mixin
        ConfigFileOption config;

        @Option(names = "--no-files", description = "Do not check backstore files and devices (when validating a " +
            "file for another machine).")
        boolean noFiles;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception
        {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            final RingtargetConfig loaded = ConfigFiles.load(config.file());
            final List<ConfigProblem> problems = ConfigValidator.validate(loaded, !noFiles);
            problems.forEach(p -> (p.isError() ? err : out).println(config.file() + ": " + p));
            final int errors = ConfigProblem.errors(problems).size();
            final int warnings = problems.size() - errors;
            if (errors > 0)
            {
                err.println(config.file() + ": invalid (" + errors + " errors, " + warnings + " warnings)");
                return ExitCodes.INVALID;
            }
            out.println(config.file() + ": valid" + (warnings > 0 ? " (" + warnings + " warnings)" : ""));
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", aliases = "ls", description = "Shows the configuration as a tree, like targetcli's ls " +
        "(secrets are not shown).")
    static final class Show implements Callable<Integer>
    {
        @Mixin
        ConfigFileOption config;

        @Option(names = "--json", description = "Print the JSON, with the defaults filled in and the CHAP secrets " +
            "masked, instead of the tree.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception
        {
            final RingtargetConfig loaded = config.loadOrEmpty();
            spec.commandLine().getOut().print(json ? ConfigFiles.toJson(Secrets.masked(loaded)) : ConfigTree.render(loaded));
            return ExitCodes.OK;
        }
    }

    @Command(name = "schema", description = "Prints the JSON Schema of the configuration file (draft 2020-12), for " +
        "editors and JSON Schema tools. It checks the structure; 'config validate' checks everything.",
        footer = { "", "Example:", "  ringtarget config schema > ringtarget-config.schema.json",
            "  check-jsonschema --schemafile ringtarget-config.schema.json /etc/ringtarget/saveconfig.json" })
    static final class Schema implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call()
        {
            spec.commandLine().getOut().print(ConfigSchema.text());
            return ExitCodes.OK;
        }
    }
}
