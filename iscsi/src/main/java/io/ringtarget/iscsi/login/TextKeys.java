package io.ringtarget.iscsi.login;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * key=value lists of Login and Text PDUs as Java strings (RFC 7143 section 6.1). Login and text negotiation
 * are off the I/O path, so plain strings keep this code obvious; the in-place parser of pdu-zero-copy validates
 * framing first.
 */
public final class TextKeys
{
    /** Longest key name (RFC 7143 section 6.1: 63 bytes). */
    public static final int MAX_KEY_LENGTH = 63;

    private TextKeys()
    {
    }

    /** Parses NUL-terminated pairs; returns null when malformed (missing '=', empty or over-long key). */
    public static List<String[]> parse(final byte[] data, final int length)
    {
        final List<String[]> pairs = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < length; i++)
        {
            if (data[i] == 0)
            {
                if (i > start && !add(pairs, data, start, i))
                {
                    return null;
                }
                start = i + 1;
            }
        }
        // Trailing bytes without a NUL are tolerated (some initiators omit the last one) but must parse.
        if (start < length && !add(pairs, data, start, length))
        {
            return null;
        }
        return pairs;
    }

    private static boolean add(final List<String[]> pairs, final byte[] data, final int from, final int to)
    {
        final String pair = new String(data, from, to - from, StandardCharsets.UTF_8);
        final int eq = pair.indexOf('=');
        if (eq <= 0 || eq > MAX_KEY_LENGTH)
        {
            return false;
        }
        pairs.add(new String[]{pair.substring(0, eq), pair.substring(eq + 1)});
        return true;
    }

    public static byte[] encode(final List<String[]> pairs)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String[] p : pairs)
        {
            sb.append(p[0]).append('=').append(p[1]).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
