package io.ringtarget.server.config;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * iSCSI names (RFC 7143 section 4.2.7, formats from RFC 3720 section 3.2.6.3): {@code iqn.yyyy-mm.reversed.domain[:unique]},
 * {@code eui.} followed by 16 hex digits (EUI-64), and {@code naa.} followed by 16 or 32 hex digits (RFC 3980).
 * <p>
 * Names are checked in their normalized (RFC 3722 stringprep) ASCII form: lowercase letters, digits, '-', '.' and
 * ':' only. Non-ASCII names are refused because this target does not implement stringprep.
 */
public final class IscsiNames
{
    /** RFC 7143 section 4.2.7.1: an iSCSI name is at most 223 bytes. */
    public static final int MAX_NAME_BYTES = 223;

    /** The naming authority of generated target names: {@code iqn.2026-11.io.ringtarget}. */
    public static final String RINGTARGET_IQN_PREFIX = "iqn.2026-11.io.ringtarget";

    private static final Pattern IQN = Pattern.compile(
        "iqn\\.[0-9]{4}-(0[1-9]|1[0-2])\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[a-z0-9.:-]+)?");
    private static final Pattern EUI = Pattern.compile("eui\\.[0-9A-Fa-f]{16}");
    private static final Pattern NAA = Pattern.compile("naa\\.([0-9A-Fa-f]{16}|[0-9A-Fa-f]{32})");
    private static final Pattern ALLOWED_CHARS = Pattern.compile("[a-z0-9.:-]+");

    private static final SecureRandom RANDOM = new SecureRandom();

    private IscsiNames()
    {
    }

    /** True when {@code name} is a valid iSCSI name. */
    public static boolean isValid(final String name)
    {
        return null == problem(name);
    }

    /**
     * Why {@code name} is not a valid iSCSI name, or null when it is valid.
     *
     * @param name the name to check.
     * @return a message fit for an administrator, or null.
     */
    public static String problem(final String name)
    {
        if (null == name || name.isEmpty())
        {
            return "an iSCSI name is required (iqn.yyyy-mm.reversed.domain[:unique], eui.<16 hex> or naa.<16|32 hex>)";
        }
        if (name.length() > MAX_NAME_BYTES)
        {
            return "\"" + name + "\" is longer than " + MAX_NAME_BYTES + " bytes (RFC 7143 4.2.7.1)";
        }
        if (name.startsWith("eui."))
        {
            return EUI.matcher(name).matches() ? null : "\"" + name + "\": an eui. name is \"eui.\" and 16 hex digits";
        }
        if (name.startsWith("naa."))
        {
            return NAA.matcher(name).matches() ? null :
                "\"" + name + "\": a naa. name is \"naa.\" and 16 or 32 hex digits (RFC 3980)";
        }
        if (name.toLowerCase(java.util.Locale.ROOT).startsWith("iqn."))
        {
            if (!name.equals(name.toLowerCase(java.util.Locale.ROOT)))
            {
                return "\"" + name + "\": iSCSI names are lowercase (RFC 3722 normalization); write \"" +
                    name.toLowerCase(java.util.Locale.ROOT) + "\"";
            }
            if (!ALLOWED_CHARS.matcher(name).matches())
            {
                return "\"" + name + "\": only a-z, 0-9, '-', '.' and ':' are allowed in an iSCSI name";
            }
            if (!IQN.matcher(name).matches())
            {
                return "\"" + name + "\" is not iqn.yyyy-mm.reversed.domain[:unique] (e.g. iqn.2026-04.com.example:target1)";
            }
            return null;
        }
        return "\"" + name + "\" is not an iSCSI name: it must start with iqn., eui. or naa. " +
            "(e.g. iqn.2026-04.com.example:target1)";
    }

    /** A new random target name, {@code iqn.2026-11.io.ringtarget:<12 hex digits>}, like targetcli's default. */
    public static String generateTargetIqn()
    {
        final byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return RINGTARGET_IQN_PREFIX + ":" + HexFormat.of().formatHex(bytes);
    }
}
