package io.ringtarget.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the command tree: whole (help, the manual page, completion, tests), or only the root and the branch a
 * command line names ({@code ringtarget iscsi ...} gets the iscsi commands and no others).
 * <p>
 * picocli builds its model of every command eagerly, by reflection over each command class and its annotations;
 * for the whole tree that is most of the CPU time of a command that only lists a file (measured in
 * docs/cli-start.md). The branch alone behaves the same: options, help and errors of a command are its own and its
 * parents'.
 */
final class CommandTree
{
    /** The top-level commands, in the order the root's help lists them. */
    private static final Map<String, Class<?>> TOP_LEVEL = topLevel();

    private CommandTree()
    {
    }

    /** The whole tree. */
    static CommandLine whole()
    {
        return root(List.copyOf(TOP_LEVEL.keySet()));
    }

    /**
     * The root with only the top-level command {@code args} name, or the whole tree when they name none (or
     * {@code help}, or give a root option such as --help first).
     *
     * @param args the command line.
     * @return the tree to execute it with.
     */
    static CommandLine forArgs(final String[] args)
    {
        final String command = topLevelCommand(args);
        return null == command || "help".equals(command) ? whole() : root(List.of(command));
    }

    /**
     * The first argument that is not {@code -c FILE} or {@code --admin-socket PATH} (in any spelling), if it names a
     * top-level command.
     */
    static String topLevelCommand(final String[] args)
    {
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if ("-c".equals(arg) || "--config".equals(arg) || "--admin-socket".equals(arg))
            {
                i++; // its value
            }
            else if (!arg.startsWith("--config=") && !arg.startsWith("--admin-socket=") &&
                !(arg.startsWith("-c") && arg.length() > 2 && !arg.startsWith("--")))
            {
                return TOP_LEVEL.containsKey(arg) ? arg : null;
            }
        }
        return null;
    }

    private static CommandLine root(final List<String> commands)
    {
        final CommandLine root = new CommandLine(new RingtargetCommand());
        for (final String name : commands)
        {
            root.addSubcommand(name, TOP_LEVEL.get(name));
        }
        return root;
    }

    private static Map<String, Class<?>> topLevel()
    {
        final Map<String, Class<?>> commands = new LinkedHashMap<>();
        commands.put("demo", DemoCommand.class);
        commands.put("serve", ServeCommand.class);
        commands.put("ls", LsCommand.class);
        commands.put("sessions", SessionsCommand.class);
        commands.put("reload", ReloadCommand.class);
        commands.put("log-level", LogLevelCommand.class);
        commands.put("config", ConfigCommand.class);
        commands.put("backstores", BackstoresCommand.class);
        commands.put("iscsi", IscsiCommand.class);
        commands.put("discovery-auth", DiscoveryAuthCommand.class);
        commands.put("engine", EngineCommand.class);
        commands.put("metrics", MetricsCommand.class);
        commands.put("batch", BatchCommand.class);
        commands.put("saveconfig", SaveconfigCommand.class);
        commands.put("help", HelpCommand.class);
        return commands;
    }
}
