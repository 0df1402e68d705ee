package io.ringtarget.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The problems the validator's rules find ({@link ConfigValidator}), less those at a field the schema already found
 * wrong: one problem per field is enough.
 */
final class ConfigProblems
{
    /** Paths of the fields the schema found wrong. */
    private final Set<String> schemaPaths;
    private final List<ConfigProblem> found = new ArrayList<>();

    ConfigProblems(final Set<String> schemaPaths)
    {
        this.schemaPaths = schemaPaths;
    }

    void error(final String path, final String message)
    {
        add(ConfigProblem.error(path, message));
    }

    void warning(final String path, final String message)
    {
        add(ConfigProblem.warning(path, message));
    }

    void addAll(final List<ConfigProblem> problems)
    {
        problems.forEach(this::add);
    }

    /** Whether the schema found the field at {@code path} wrong (the rules that read it leave it alone). */
    boolean schemaFound(final String path)
    {
        return schemaPaths.contains(path);
    }

    List<ConfigProblem> found()
    {
        return found;
    }

    private void add(final ConfigProblem problem)
    {
        if (!schemaPaths.contains(problem.path()))
        {
            found.add(problem);
        }
    }
}
