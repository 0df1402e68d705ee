package io.ringtarget.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An ACL's mapped LUNs on the command line: {@code all} (every LUN of the TPG, also those added later), {@code none},
 * or LUN numbers separated by commas ({@code 0,2} or {@code lun0,lun2}).
 */
final class MappedLuns
{
    static final String ALL = "all";
    static final String NONE = "none";

    private MappedLuns()
    {
    }

    /** The LUN numbers, or null for {@link #ALL}. */
    static List<Integer> parse(final String text)
    {
        final String trimmed = text.trim();
        if (ALL.equalsIgnoreCase(trimmed))
        {
            return null;
        }
        final List<Integer> numbers = new ArrayList<>();
        if (NONE.equalsIgnoreCase(trimmed))
        {
            return numbers;
        }
        for (final String part : trimmed.split(",", -1))
        {
            final String p = part.trim();
            final String digits = p.startsWith("lun") ? p.substring(3) : p;
            try
            {
                numbers.add(Integer.parseInt(digits));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("\"" + p + "\" is not a LUN number (mapped LUNs are LUN numbers " +
                    "separated by commas, \"" + ALL + "\" or \"" + NONE + "\")");
            }
        }
        return numbers;
    }

    /** How an ACL's mapped LUNs are shown: "all LUNs", "no LUN", "LUNs 0, 2". */
    static String describe(final List<Integer> mappedLuns)
    {
        if (null == mappedLuns)
        {
            return "all LUNs";
        }
        if (mappedLuns.isEmpty())
        {
            return "no LUN";
        }
        return (mappedLuns.size() == 1 ? "LUN " : "LUNs ") +
            mappedLuns.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
