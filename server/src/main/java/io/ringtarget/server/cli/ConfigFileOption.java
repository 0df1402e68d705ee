package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigDefaults;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.RingtargetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration file of the commands that read or edit it. {@code -c FILE} is a global option of the root
 * command ({@link RingtargetCommand#configFile}, inherited by every subcommand, so it may stand before or after the
 * subcommand); this mixin gives a command the file it names, else {@code RINGTARGET_CONFIG}, else
 * {@value ConfigFiles#DEFAULT_PATH}.
 */
@Command // picocli takes a class as a mixin only when it carries one of its annotations; it adds nothing here
public final class ConfigFileOption
{
    /** The environment variable (or system property) that changes the default file. */
    public static final String ENVIRONMENT = "RINGTARGET_CONFIG";

    /** Where the file came from, for the notice printed when it is created. */
    enum Origin
    {
        OPTION, ENVIRONMENT, DEFAULT
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    public Path file()
    {
        return Path.of(chosen());
    }

    Origin origin()
    {
        if (null != explicit())
        {
            return Origin.OPTION;
        }
        return null == fromEnvironment() ? Origin.DEFAULT : Origin.ENVIRONMENT;
    }

    /** The configuration in the file, or an empty one when the file does not exist yet (created on first save). */
    public RingtargetConfig loadOrEmpty() throws IOException
    {
        return Files.exists(file()) ? ConfigFiles.load(file()) : ConfigDefaults.empty();
    }

    /**
     * What to tell the administrator once a command has created the file, or null when they named it: without
     * {@code -c}, the README's commands would otherwise write /etc/ringtarget/saveconfig.json without a word.
     */
    static String createdNotice(final Path file, final Origin origin)
    {
        return switch (origin)
        {
            case OPTION -> null;
            case ENVIRONMENT -> "created " + file + " (from " + ENVIRONMENT + "; -c FILE for another)";
            case DEFAULT -> "created " + file + " (the default; -c FILE for another)";
        };
    }

    private String chosen()
    {
        final Path explicit = explicit();
        if (null != explicit)
        {
            return explicit.toString();
        }
        final String environment = fromEnvironment();
        return null == environment ? ConfigFiles.DEFAULT_PATH : environment;
    }

    private Path explicit()
    {
        return ((RingtargetCommand)mixee.root().userObject()).configFile;
    }

    /** The admin socket given with {@code --admin-socket}, or null (find the target serving the file). */
    public Path adminSocket()
    {
        return ((RingtargetCommand)mixee.root().userObject()).adminSocket;
    }

    private static String fromEnvironment()
    {
        // A system property first, as picocli's ${VAR} lookups do, then the environment.
        final String property = System.getProperty(ENVIRONMENT);
        final String value = null == property ? System.getenv(ENVIRONMENT) : property;
        return null == value || value.isBlank() ? null : value;
    }
}
