package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigException;
import io.ringtarget.server.config.ConfigFileError;
import io.ringtarget.server.config.ConfigProblem;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Entry point of the {@code ringtarget} command (the shaded jar's Main-Class).
 * <p>
 * Failures an administrator can act on (bad configuration, bad request, missing file) are printed as one clear
 * message, without a stack trace; see {@link ExitCodes} for the exit codes.
 */
public final class Main
{
    private Main()
    {
    }

    public static void main(final String[] args)
    {
        // Only the branch the arguments name: building picocli's model of every command costs more CPU than most
        // commands' own work (docs/cli-start.md).
        final CommandLine commandLine = commandLine(args);
        final int exitCode = commandLine.execute(args);
        commandLine.getOut().flush();
        commandLine.getErr().flush();
        System.exit(exitCode);
    }

    /** The command tree, with ringtarget's error handling; tests call {@code execute} on it. */
    public static CommandLine commandLine()
    {
        return configure(CommandTree.whole());
    }

    /** The tree {@link #main} executes {@code args} with: the root and the branch they name ({@link CommandTree}). */
    static CommandLine commandLine(final String[] args)
    {
        return configure(CommandTree.forArgs(args));
    }

    private static CommandLine configure(final CommandLine commandLine)
    {
        commandLine.setExecutionExceptionHandler(new ErrorHandler());
        commandLine.setUsageHelpAutoWidth(true);
        commandLine.setUsageHelpLongOptionsMaxWidth(30);
        addHelpOptions(commandLine);
        return commandLine;
    }

    /** --help and --version on every command, so that "ringtarget iscsi tpg luns create --help" works. */
    private static void addHelpOptions(final CommandLine commandLine)
    {
        commandLine.getCommandSpec().mixinStandardHelpOptions(true);
        for (final CommandLine sub : commandLine.getSubcommands().values())
        {
            addHelpOptions(sub);
        }
    }

    /** Prints what went wrong as the administrator needs it, and picks the exit code. */
    private static final class ErrorHandler implements IExecutionExceptionHandler
    {
        @Override
        public int handleExecutionException(
            final Exception ex, final CommandLine commandLine, final ParseResult parseResult)
        {
            final PrintWriter err = commandLine.getErr();
            switch (ex)
            {
                case CliException cli ->
                {
                    err.println("ringtarget: " + cli.getMessage());
                    return cli.exitCode();
                }
                case ConfigException config ->
                {
                    err.println("ringtarget: " + config.getMessage());
                    for (final ConfigProblem problem : config.problems())
                    {
                        if (!problem.isError())
                        {
                            err.println("  " + problem);
                        }
                    }
                    return ExitCodes.INVALID;
                }
                case IllegalArgumentException invalid ->
                {
                    err.println("ringtarget: " + invalid.getMessage());
                    return ExitCodes.INVALID;
                }
                case NoSuchFileException missing ->
                {
                    err.println("ringtarget: " + missing.getFile() + ": no such file");
                    return ExitCodes.FAILURE;
                }
                case AccessDeniedException denied ->
                {
                    err.println("ringtarget: " + denied.getFile() + ": permission denied");
                    return ExitCodes.FAILURE;
                }
                case ConfigFileError file ->
                {
                    err.println("ringtarget: " + file.getMessage());
                    return ExitCodes.FAILURE;
                }
                case FileSystemException fs ->
                {
                    err.println("ringtarget: " + fs.getFile() + ": " + ConfigFileError.reason(fs));
                    return ExitCodes.FAILURE;
                }
                case IOException io ->
                {
                    err.println("ringtarget: " + ConfigFileError.reason(io));
                    return ExitCodes.FAILURE;
                }
                default ->
                {
                    // A bug of ours: the stack trace is what the report needs.
                    err.println("ringtarget: internal error:");
                    ex.printStackTrace(err);
                    return ExitCodes.FAILURE;
                }
            }
        }
    }
}
