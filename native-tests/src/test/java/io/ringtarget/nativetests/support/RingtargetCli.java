package io.ringtarget.nativetests.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The ringtarget CLI in a JVM of its own, with the test's class path: as an administrator runs it. */
public final class RingtargetCli
{
    private RingtargetCli()
    {
    }

    private static List<String> command(final String... args)
    {
        final List<String> command = new ArrayList<>(List.of(
            ProcessHandle.current().info().command().orElse("java"), "--enable-native-access=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), "io.ringtarget.server.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs a command to completion (at most a minute). */
    public static ExternalProcess.Result run(final String... args)
    {
        return ExternalProcess.run(Duration.ofSeconds(60), command(args).toArray(String[]::new));
    }

    /** Runs a command to completion within {@code timeout}. */
    public static ExternalProcess.Result run(final Duration timeout, final String... args)
    {
        return ExternalProcess.run(timeout, command(args).toArray(String[]::new));
    }

    /** Starts a long-running command ({@code serve}) with its output in {@code log} and {@code environment} added. */
    public static ExternalProcess start(final Path log, final Map<String, String> environment, final String... args)
    {
        return ExternalProcess.start(log, environment, command(args).toArray(String[]::new));
    }
}
