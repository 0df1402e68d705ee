package io.ringtarget.server.config;

import java.util.List;

/**
 * One thing wrong with a configuration, located by the JSON path of the field at fault, in the form
 * {@code targets[0].tpgs[0].luns[2].backstore} (empty for the document as a whole).
 * <p>
 * An {@link Severity#ERROR} makes the configuration unusable: the CLI refuses to save or serve it. A
 * {@link Severity#WARNING} is served and saved, but is most likely not what the administrator meant.
 *
 * @param severity error or warning.
 * @param path     JSON path of the field at fault, empty for the whole document.
 * @param where    the path as people read it: with the names of the array entries it passes through
 *                 ({@code backstores[2] (disk1).path}) where they are known, else the path itself.
 * @param message  what is wrong and, where it helps, how to fix it.
 */
public record ConfigProblem(Severity severity, String path, String where, String message)
{
    /** How bad a problem is. */
    public enum Severity
    {
        /** The configuration cannot be used. */
        ERROR,
        /** The configuration can be used but probably does not do what was meant. */
        WARNING
    }

    /** A problem shown at its plain path. */
    public ConfigProblem(final Severity severity, final String path, final String message)
    {
        this(severity, path, path, message);
    }

    public static ConfigProblem error(final String path, final String message)
    {
        return new ConfigProblem(Severity.ERROR, path, message);
    }

    public static ConfigProblem warning(final String path, final String message)
    {
        return new ConfigProblem(Severity.WARNING, path, message);
    }

    public boolean isError()
    {
        return severity == Severity.ERROR;
    }

    /** True when at least one of {@code problems} is an error. */
    public static boolean hasErrors(final List<ConfigProblem> problems)
    {
        for (final ConfigProblem problem : problems)
        {
            if (problem.isError())
            {
                return true;
            }
        }
        return false;
    }

    /** Only the errors of {@code problems}, in order. */
    public static List<ConfigProblem> errors(final List<ConfigProblem> problems)
    {
        return problems.stream().filter(ConfigProblem::isError).toList();
    }

    /** {@code where: message}, prefixed with {@code warning: } for warnings; what the CLI prints. */
    @Override
    public String toString()
    {
        final String location = where.isEmpty() ? "" : where + ": ";
        return (isError() ? "" : "warning: ") + location + message;
    }
}
