package io.ringtarget.server.cli;

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

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ringtarget serve --config FILE}: the target as a service. */
@Command(name = "serve", description = "Serves the configuration file until SIGTERM or Ctrl-C. A configuration " +
    "with errors is refused (exit code 2), with the path of each bad field.",
    footer = { "", "Example (as a systemd service: ExecStart=/path/to/ringtarget serve --config ...):",
        "  ringtarget serve --config /etc/ringtarget/saveconfig.json" })
final class ServeCommand implements Callable<Integer>
{
    @Mixin
    ConfigFileOption config;

    @Option(names = "--metrics", paramLabel = "HOST:PORT|off",
        description = "Serve Prometheus metrics on http://HOST:PORT/metrics, or not (off); overrides the file's " +
            "metrics.listen.")
    String metrics;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final RingtargetConfig file = ConfigFiles.load(config.file());
        final RingtargetConfig loaded = null == metrics ? file : file.withMetrics(new MetricsConfig(metrics));
        final List<ConfigProblem> problems = ConfigValidator.validate(loaded, true);
        if (ConfigProblem.hasErrors(problems))
        {
            err.println("ringtarget: " + config.file() + " is not valid, not started:");
            problems.forEach(p -> err.println("  " + p));
            return ExitCodes.INVALID;
        }
        problems.forEach(p -> err.println(config.file() + ": " + p));
        err.flush();
        return ServerRunner.run(loaded, err, () ->
        {
            out.print(ServeSummary.of(config.file(), loaded));
            out.flush();
        });
    }
}
