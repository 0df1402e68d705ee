package io.ringtarget.server.config;

import java.io.IOException;
import java.io.Serial;
import java.util.List;

/**
 * A configuration that cannot be read or used: malformed JSON, a field of the wrong type, an unknown field, or a
 * validation error. Carries every problem found, each with the JSON path of the field at fault. Extends
 * {@link IOException} because it is, to a caller, a bad input file.
 */
public final class ConfigException extends IOException
{
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    public ConfigException(final String sourceName, final List<ConfigProblem> problems)
    {
        super(describe(sourceName, problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(final String sourceName, final ConfigProblem problem)
    {
        this(sourceName, List.of(problem));
    }

    /** Every problem found, errors and warnings, in document order. */
    public List<ConfigProblem> problems()
    {
        return problems;
    }

    private static String describe(final String sourceName, final List<ConfigProblem> problems)
    {
        final StringBuilder sb = new StringBuilder();
        if (null != sourceName && !sourceName.isEmpty())
        {
            sb.append(sourceName).append(": ");
        }
        final List<ConfigProblem> errors = ConfigProblem.errors(problems);
        if (errors.size() == 1)
        {
            return sb.append(errors.getFirst()).toString();
        }
        sb.append(errors.size()).append(" errors");
        for (final ConfigProblem problem : errors)
        {
            sb.append(System.lineSeparator()).append("  ").append(problem);
        }
        return sb.toString();
    }
}
