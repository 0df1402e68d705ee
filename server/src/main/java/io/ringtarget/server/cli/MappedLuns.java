package io.ringtarget.server.cli;

import io.ringtarget.server.config.MappedLunConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An ACL's mapped LUNs on the command line: {@code all} (every LUN of the TPG under its own number, also those added
 * later), {@code none}, or mappings separated by commas, each {@code LUN[=TPG_LUN][:ro]}: {@code 0,2} shows LUNs 0
 * and 2 of the TPG under their numbers ({@code lun0,lun2} too), {@code 0=3} shows the TPG's LUN 3 as LUN 0 (targetcli's
 * mapped_lun0 -> lun3), {@code 1:ro} lets the initiator only read LUN 1 (targetcli's write_protect).
 */
final class MappedLuns
{
    static final String ALL = "all";
    static final String NONE = "none";
    static final String READ_ONLY = ":ro";

    private MappedLuns()
    {
    }

    /** The mappings, or null for {@link #ALL}. */
    static List<MappedLunConfig> parse(final String text)
    {
        final String trimmed = text.trim();
        if (ALL.equalsIgnoreCase(trimmed))
        {
            return null;
        }
        final List<MappedLunConfig> mappings = new ArrayList<>();
        if (NONE.equalsIgnoreCase(trimmed))
        {
            return mappings;
        }
        for (final String part : trimmed.split(",", -1))
        {
            String p = part.trim();
            final boolean readOnly = p.endsWith(READ_ONLY);
            if (readOnly)
            {
                p = p.substring(0, p.length() - READ_ONLY.length());
            }
            final int equals = p.indexOf('=');
            final int lun = number(part, equals < 0 ? p : p.substring(0, equals));
            final Integer tpgLun = equals < 0 ? null : number(part, p.substring(equals + 1));
            mappings.add(new MappedLunConfig(lun, tpgLun, readOnly ? Boolean.TRUE : null));
        }
        return mappings;
    }

    private static int number(final String part, final String text)
    {
        final String t = text.trim();
        try
        {
            return Integer.parseInt(t.startsWith("lun") ? t.substring(3) : t);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("\"" + part.trim() + "\" is not a LUN number (mapped LUNs are " +
                "separated by commas, each LUN[=TPG_LUN][:ro], or \"" + ALL + "\" or \"" + NONE + "\")");
        }
    }

    /** How an ACL's mapped LUNs are shown: "all LUNs", "no LUN", "LUNs 0, 2", "LUNs 0 (TPG LUN 3), 1 (read-only)". */
    static String describe(final List<MappedLunConfig> mappedLuns)
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
            mappedLuns.stream().map(MappedLuns::describe).collect(Collectors.joining(", "));
    }

    private static String describe(final MappedLunConfig m)
    {
        final List<String> notes = new ArrayList<>(2);
        if (null != m.tpgLun())
        {
            notes.add("TPG LUN " + m.tpgLun());
        }
        if (m.readOnlyOrDefault())
        {
            notes.add("read-only");
        }
        return m.lun() + (notes.isEmpty() ? "" : " (" + String.join(", ", notes) + ")");
    }
}
