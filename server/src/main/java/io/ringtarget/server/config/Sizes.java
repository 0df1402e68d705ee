package io.ringtarget.server.config;

import java.util.Locale;

/**
 * Sizes as administrators write them: {@code 4096} (bytes), {@code 512K}, {@code 512M}, {@code 10G},
 * {@code 10GiB}, {@code 2T}. Units are binary (1K = 1024), as in targetcli and dd; {@code B}, {@code iB} and the
 * case of the unit are accepted and mean the same.
 */
public final class Sizes
{
    private static final String UNITS = "KMGTPE";

    private Sizes()
    {
    }

    /**
     * Parses a size.
     *
     * @param text a whole number followed by an optional unit.
     * @return the size in bytes.
     * @throws IllegalArgumentException with a message fit for an administrator when the text is not a size.
     */
    public static long parse(final String text)
    {
        if (null == text || text.isBlank())
        {
            throw new IllegalArgumentException("empty size (write e.g. 4096, 512M, 10G)");
        }
        final String s = text.strip();
        int digitsEnd = 0;
        while (digitsEnd < s.length() && Character.isDigit(s.charAt(digitsEnd)))
        {
            digitsEnd++;
        }
        if (digitsEnd == 0)
        {
            throw new IllegalArgumentException("\"" + text + "\" is not a size (write e.g. 4096, 512M, 10G)");
        }
        String unit = s.substring(digitsEnd).strip().toUpperCase(Locale.ROOT);
        if (unit.endsWith("IB"))
        {
            unit = unit.substring(0, unit.length() - 2);
        }
        else if (unit.endsWith("B"))
        {
            unit = unit.substring(0, unit.length() - 1);
        }
        final int shift;
        if (unit.isEmpty())
        {
            shift = 0;
        }
        else if (unit.length() == 1 && UNITS.indexOf(unit.charAt(0)) >= 0)
        {
            shift = 10 * (UNITS.indexOf(unit.charAt(0)) + 1);
        }
        else
        {
            throw new IllegalArgumentException(
                "\"" + text + "\": unknown unit (use K, M, G, T, P or E, binary: 1K = 1024 bytes)");
        }
        final long value;
        try
        {
            value = Long.parseLong(s.substring(0, digitsEnd));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("\"" + text + "\" is too large", ex);
        }
        if (shift > 0 && value > (Long.MAX_VALUE >> shift))
        {
            throw new IllegalArgumentException("\"" + text + "\" is too large");
        }
        return value << shift;
    }

    /** A short human form: exact when the size is a whole number of a unit ({@code 10GiB}), else one decimal. */
    public static String format(final long bytes)
    {
        if (bytes < 1024)
        {
            return bytes + "B";
        }
        int unit = -1;
        long whole = bytes;
        while (whole >= 1024 && unit < UNITS.length() - 1)
        {
            whole >>= 10;
            unit++;
        }
        final long unitBytes = 1L << (10 * (unit + 1));
        if (bytes % unitBytes == 0)
        {
            return (bytes / unitBytes) + String.valueOf(UNITS.charAt(unit)) + "iB";
        }
        return String.format(Locale.ROOT, "%.1f%ciB", (double)bytes / unitBytes, UNITS.charAt(unit));
    }
}
