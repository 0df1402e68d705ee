package io.ringtarget.server.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON paths as problems show them: {@code targets[0].tpgs[0].luns[2].backstore}, and the same with the names of
 * the array entries it passes through, {@code backstores[2] (disk1).path}, so that a reader need not count entries.
 */
final class JsonPaths
{
    /** The field that names an entry of each named array. */
    private static final Map<String, String> NAME_FIELDS = Map.of(
        "backstores", "name",
        "targets", "iqn",
        "acls", "initiatorIqn");
    /** One step of a path: {@code .field} (the dot left out at the start) or {@code [index]}. */
    private static final Pattern STEP = Pattern.compile("\\.?([^.\\[]+)|\\[(\\d+)]");
    /** A path into the named arrays, as messages quote other entries: {@code targets[0].tpgs[0].luns[1]}. */
    private static final Pattern REFERENCE = Pattern.compile("\\b(?:backstores|targets)\\[\\d+](?:\\.[A-Za-z]+|\\[\\d+])*");

    private JsonPaths()
    {
    }

    /**
     * The path of a list of steps.
     *
     * @param steps field names (String) and array indices (Integer), from the root.
     * @return {@code a.b[0].c}; empty for the root.
     */
    static String path(final List<Object> steps)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Object step : steps)
        {
            if (step instanceof Integer index)
            {
                sb.append('[').append(index).append(']');
            }
            else
            {
                sb.append(sb.isEmpty() ? "" : ".").append(step);
            }
        }
        return sb.toString();
    }

    /**
     * The problems, each shown at its path with the names of the entries on the way ({@link #named}); the paths a
     * message refers to ({@code duplicate LUN 0 (also targets[0].tpgs[0].luns[0])}) are named too.
     */
    static List<ConfigProblem> named(final JsonNode root, final List<ConfigProblem> problems)
    {
        return problems.stream().map(p -> new ConfigProblem(p.severity(), p.path(), named(root, p.path()),
            namedReferences(root, p.message()))).toList();
    }

    /**
     * The text with every path of a named array in it ({@code backstores[1]}, {@code targets[0].tpgs[0].acls[2]...})
     * shown with the names of its entries.
     */
    static String namedReferences(final JsonNode root, final String text)
    {
        final Matcher reference = REFERENCE.matcher(text);
        final StringBuilder sb = new StringBuilder();
        while (reference.find())
        {
            reference.appendReplacement(sb, Matcher.quoteReplacement(named(root, reference.group())));
        }
        return reference.appendTail(sb).toString();
    }

    /**
     * The path with the name of each named entry on the way, read from the document.
     *
     * @param root the document.
     * @param path a path of {@link #path}'s form.
     * @return {@code backstores[2] (disk1).path}; the path as it is where an entry has no name (or not a string).
     */
    static String named(final JsonNode root, final String path)
    {
        final StringBuilder sb = new StringBuilder();
        final Matcher step = STEP.matcher(path);
        JsonNode node = root;
        String field = null;
        int end = 0;
        while (step.find() && step.start() == end)
        {
            sb.append(step.group());
            end = step.end();
            if (null != step.group(1))
            {
                field = step.group(1);
                node = null == node ? null : node.get(field);
                continue;
            }
            node = null == node ? null : node.get(Integer.parseInt(step.group(2)));
            final JsonNode name = null == node || !NAME_FIELDS.containsKey(field) ? null : node.get(NAME_FIELDS.get(field));
            if (null != name && name.isTextual() && isPrintable(name.asText()))
            {
                sb.append(" (").append(name.asText()).append(')');
            }
            field = null;
        }
        return sb.append(path, end, path.length()).toString();
    }

    private static boolean isPrintable(final String name)
    {
        // A name is shown as written; one that is empty or would garble the terminal is left out.
        return !name.isEmpty() && name.chars().noneMatch(Character::isISOControl);
    }
}
