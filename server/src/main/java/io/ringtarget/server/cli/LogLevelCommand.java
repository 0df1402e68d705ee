package io.ringtarget.server.cli;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.server.admin.AdminRequest;
import io.ringtarget.server.admin.AdminResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ringtarget log-level [LEVEL]}: the running target's log level, or a new one until it stops, to look closer
 * at a problem (debug) or quieten a busy target (warn) without a restart; {@code serve --log-level} sets the level it
 * starts with.
 */
@Command(name = "log-level", description = "Shows the log level of the running target, or sets it (debug, info, warn " +
    "or error) until the target stops: serve --log-level is the level it starts with.",
    footer = { "", "Examples:", "  ringtarget log-level",
        "  ringtarget log-level debug      # then: ringtarget log-level info" })
final class LogLevelCommand implements Callable<Integer>
{
    private static final String WHY = " (the log level is a running target's; serve --log-level sets it at start)";

    @Mixin
    ConfigFileOption config;

    @Parameters(index = "0", arity = "0..1", paramLabel = "debug|info|warn|error",
        converter = LogLevelOption.LevelConverter.class, description = "The lowest level of event logged from now on.")
    EventLog.Level level;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final String to = null == level ? null : level.name().toLowerCase(Locale.ROOT);
        final AdminResponse before = null == to ? null : RunningTargets.ask(config,
            new AdminRequest(AdminRequest.HELLO, null, List.of()), WHY);
        final AdminResponse response = RunningTargets.ask(config, new AdminRequest(AdminRequest.LOG_LEVEL, null,
            List.of(), to), WHY);
        if (null == before || before.logLevel().equals(response.logLevel()))
        {
            spec.commandLine().getOut().println("Log level " + response.logLevel() + " (pid " + response.pid() + ").");
        }
        else
        {
            spec.commandLine().getOut().println("Log level " + before.logLevel() + " -> " + response.logLevel() +
                " (pid " + response.pid() + ", until it stops).");
        }
        return ExitCodes.OK;
    }
}
