package io.ringtarget.iscsi.login;

import io.ringtarget.pdu.TextKeyReader;
import io.ringtarget.pdu.TextKeyWriter;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** Test helper: key=value text in and out of the PDU layer's reader and writer, as the login exchange uses them. */
final class TextPairs
{
    private final MemorySegment out = MemorySegment.ofArray(new byte[8192]);
    final TextKeyWriter writer = new TextKeyWriter();

    /** A reader over {@code pairs}, each NUL-terminated. */
    static TextKeyReader request(final String... pairs)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String kv : pairs)
        {
            sb.append(kv).append('\0');
        }
        final byte[] text = sb.toString().getBytes(StandardCharsets.UTF_8);
        return new TextKeyReader().wrap(MemorySegment.ofArray(text), 0, text.length);
    }

    /** An empty writer for the next response. */
    TextKeyWriter response()
    {
        return writer.wrap(out, 0, (int)out.byteSize());
    }

    /** The value the response gave {@code key}, or null. */
    String value(final String key)
    {
        final TextKeyReader r = new TextKeyReader().wrap(out, 0, writer.length());
        while (r.next())
        {
            if (r.key().equals(key))
            {
                return r.value();
            }
        }
        return null;
    }

    /** How many pairs the response holds. */
    int count()
    {
        final TextKeyReader r = new TextKeyReader().wrap(out, 0, writer.length());
        int n = 0;
        while (r.next())
        {
            n++;
        }
        return n;
    }
}
