package io.ringtarget.scsi;

/**
 * Asymmetric access states of a target port group (SPC-4 5.15.2.4, the ASYMMETRIC ACCESS STATE field of REPORT
 * TARGET PORT GROUPS, 6.37): how a logical unit answers through the target ports of that group.
 */
public enum AccessState
{
    /** 0h: every command, the preferred performance (SPC-4 5.15.2.4.2). */
    ACTIVE_OPTIMIZED(0x0, "active/optimized", 0x01),
    /** 1h: every command, possibly slower (SPC-4 5.15.2.4.3). */
    ACTIVE_NON_OPTIMIZED(0x1, "active/non-optimized", 0x02),
    /** 2h: management commands only; the others NOT READY, 04/0B (SPC-4 5.15.2.4.4). */
    STANDBY(0x2, "standby", 0x04),
    /** 3h: fewer still; the others NOT READY, 04/0C (SPC-4 5.15.2.4.5). */
    UNAVAILABLE(0x3, "unavailable", 0x08),
    /** Fh: between two states; the others NOT READY, 04/0A (SPC-4 5.15.2.4.6). Never set by SET TARGET PORT
     * GROUPS (SPC-4 6.45). */
    TRANSITIONING(0xF, "transitioning", 0x80);

    /** The supported-states bits of every state above: T_SUP, U_SUP, S_SUP, AN_SUP, AO_SUP (SPC-4 6.37 table 282). */
    public static final int ALL_SUPPORTED = 0x80 | 0x08 | 0x04 | 0x02 | 0x01;

    private static final AccessState[] BY_CODE = new AccessState[16];

    static
    {
        for (final AccessState s : values())
        {
            BY_CODE[s.code] = s;
        }
    }

    private final int code;
    private final String label;
    private final int supportedBit;

    AccessState(final int code, final String label, final int supportedBit)
    {
        this.code = code;
        this.label = label;
        this.supportedBit = supportedBit;
    }

    /** The 4-bit ASYMMETRIC ACCESS STATE code. */
    public int code()
    {
        return code;
    }

    /** Its bit in the supported-states byte of a target port group descriptor (T_SUP ... AO_SUP). */
    public int supportedBit()
    {
        return supportedBit;
    }

    /** "active/optimized", "standby", ... as SPC-4 and the configuration spell them. */
    public String label()
    {
        return label;
    }

    /** @return the state with this code, or null (offline, logical block dependent and the reserved codes). */
    public static AccessState ofCode(final int code)
    {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** @return the state a configuration names ("active/optimized", "active-non-optimized", "standby", ...), or
     * null. */
    public static AccessState ofLabel(final String label)
    {
        if (label == null)
        {
            return null;
        }
        final String l = squeeze(label);
        for (final AccessState s : values())
        {
            if (squeeze(s.label).equals(l))
            {
                return s;
            }
        }
        return null;
    }

    /** Lower case without '/', '-', '_' and blanks: "Active-Non-Optimized" and "active/non-optimized" meet. */
    private static String squeeze(final String s)
    {
        final StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c != '/' && c != '-' && c != '_' && !Character.isWhitespace(c))
            {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString();
    }

    public String toString()
    {
        return label;
    }
}
