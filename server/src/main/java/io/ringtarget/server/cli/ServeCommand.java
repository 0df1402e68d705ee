package io.ringtarget.server.cli;

import io.ringtarget.server.admin.AdminServer;
import io.ringtarget.server.config.ConfigFileLock;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.ConfigProblem;
import io.ringtarget.server.config.ConfigValidator;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.RingtargetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ringtarget serve --config FILE}: the target as a service. */
@Command(name = "serve", description = "Serves the configuration file until SIGTERM or Ctrl-C. A configuration " +
    "with errors is refused (exit code 2), with the path of each bad field. While it runs, the editing commands, ls, " +
    "sessions and batch reach it on its admin socket and change it without a restart; SIGHUP (systemctl reload) " +
    "applies the file again. Under systemd (Type=notify) it says READY=1 once the portals listen.",
    footer = { "", "Examples:", "  ringtarget serve --config /etc/ringtarget/saveconfig.json",
        "  ringtarget serve -c /srv/t.json --admin-socket /run/ringtarget/t.sock    # a second target",
        "The systemd unit: dist/systemd/ringtarget.service (docs/admin-guide.md)." })
final class ServeCommand implements Callable<Integer>
{
    @Mixin
    ConfigFileOption config;

    @Mixin
    LogLevelOption logLevel;

    @Option(names = "--metrics", paramLabel = "HOST:PORT|off",
        description = "Serve Prometheus metrics on http://HOST:PORT/metrics, or not (off); overrides the file's " +
            "metrics.listen (the file keeps its own).")
    String metrics;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Path file = config.file();
        final Path socket = null == config.adminSocket() ? Path.of(AdminServer.DEFAULT_PATH) : config.adminSocket();
        // The lock first: no edit between reading the file and serving it, and no second target on the same file.
        final ConfigFileLock lock = RunningTargets.lockForServing(file, err);
        final RingtargetConfig fromFile;
        final byte[] bytes;
        try
        {
            fromFile = ConfigFiles.load(file);
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException | RuntimeException ex)
        {
            closeLock(lock);
            throw ex;
        }
        // --metrics moves the file's endpoint: its TLS and basic authentication, if any, stay.
        final MetricsConfig metricsOverride = null == metrics ? null : null == fromFile.metrics() ?
            new MetricsConfig(metrics) : fromFile.metrics().withListen(metrics);
        final RingtargetConfig loaded = null == metricsOverride ? fromFile : fromFile.withMetrics(metricsOverride);
        final List<ConfigProblem> problems = ConfigValidator.validate(loaded, true);
        if (ConfigProblem.hasErrors(problems))
        {
            closeLock(lock);
            err.println("ringtarget: " + file + " is not valid, not started:");
            problems.forEach(p -> err.println("  " + p));
            return ExitCodes.INVALID;
        }
        problems.forEach(p -> err.println(file + ": " + p));
        err.flush();
        return ServerRunner.run(fromFile, metricsOverride, logLevel.level, err,
            new LiveService.ServedFile(file, bytes, lock, socket),
            () ->
            {
                out.print(ServeSummary.of(file, loaded));
                out.println("  admin socket: " + socket.toAbsolutePath() + " (ringtarget ls, sessions, batch, the " +
                    "editing commands; SIGHUP reloads " + file + ")");
                out.flush();
            });
    }

    private static void closeLock(final ConfigFileLock lock)
    {
        if (null != lock)
        {
            lock.close();
        }
    }
}
