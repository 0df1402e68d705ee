package io.ringtarget.server.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the ringtarget command tree in-process, as Main does, capturing its output. */
final class CliRunner
{
    record Result(int exitCode, String out, String err)
    {
        @Override
        public String toString()
        {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private CliRunner()
    {
    }

    /** Runs {@code args} as given, with the tree Main builds for them (the branch they name). */
    static Result run(final String... args)
    {
        return run(Main.commandLine(args), args);
    }

    /** Runs {@code args} with the whole command tree. */
    static Result runWhole(final String... args)
    {
        return run(Main.commandLine(), args);
    }

    private static Result run(final CommandLine commandLine, final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        final int exitCode = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        return new Result(exitCode, out.toString(), err.toString());
    }

    /** Runs {@code args} with {@code --config FILE} appended. */
    static Result run(final Path config, final String... args)
    {
        final List<String> all = new ArrayList<>(Arrays.asList(args));
        all.add("--config");
        all.add(config.toString());
        return run(all.toArray(String[]::new));
    }
}
