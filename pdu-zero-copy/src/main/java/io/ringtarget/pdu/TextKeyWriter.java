package io.ringtarget.pdu;

import java.lang.foreign.MemorySegment;

/**
 * Appends key=value pairs, each NUL-terminated (RFC 7143 section 6), into a data segment in place. A pair that does
 * not fit is not written at all and sets {@link #overflow()}; every later append is refused too, so the text written
 * is exactly the pairs appended before the overflow. The caller then sends what fits and continues in the next PDU
 * (C bit) or fails the negotiation. A pair that would corrupt the text (NUL in a value, '=' or NUL in a key) is
 * refused the same way and sets {@link #invalid()}. Strings are written as UTF-8 without intermediate arrays.
 */
public final class TextKeyWriter
{
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private MemorySegment segment;
    private long offset;
    private int capacity;
    private int length;
    private boolean overflow;
    private boolean invalid;

    /**
     * @param segment  destination memory.
     * @param offset   first byte of the data segment.
     * @param capacity bytes available, e.g. the peer's MaxRecvDataSegmentLength.
     * @return this, empty.
     */
    public TextKeyWriter wrap(final MemorySegment segment, final long offset, final int capacity)
    {
        this.segment = segment;
        this.offset = offset;
        this.capacity = capacity;
        this.length = 0;
        this.overflow = false;
        this.invalid = false;
        return this;
    }

    /** @return bytes written so far: the DataSegmentLength to put in the BHS. */
    public int length()
    {
        return length;
    }

    /** @return true once a pair did not fit (and was dropped). */
    public boolean overflow()
    {
        return overflow;
    }

    /**
     * @return true once a key was empty or held '=' or NUL, or a value held NUL: such a pair would change the
     * meaning of the text (a NUL in a value starts a new pair), so it was refused, as is every later pair.
     */
    public boolean invalid()
    {
        return invalid;
    }

    public int capacity()
    {
        return capacity;
    }

    private boolean valid(final String key, final String value)
    {
        if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0)
        {
            invalid = true;
        }
        return !invalid;
    }

    private boolean valid(final byte[] key, final byte[] value)
    {
        boolean ok = key.length > 0;
        for (final byte b : key)
        {
            ok &= b != '=' && b != 0;
        }
        for (final byte b : value)
        {
            ok &= b != 0;
        }
        if (!ok)
        {
            invalid = true;
        }
        return !invalid;
    }

    public TextKeyWriter append(final String key, final String value)
    {
        if (!valid(key, value))
        {
            return this;
        }
        final int need = utf8Length(key) + 1 + utf8Length(value) + 1;
        if (!fits(need))
        {
            return this;
        }
        long at = offset + length;
        at = putString(at, key);
        segment.set(Wire.BYTE, at++, (byte)'=');
        at = putString(at, value);
        segment.set(Wire.BYTE, at, (byte)0);
        length += need;
        return this;
    }

    /**
     * Append with pre-encoded ASCII key and value, for the steady set of negotiation keys.
     *
     * @param key   key bytes.
     * @param value value bytes.
     * @return this.
     */
    public TextKeyWriter append(final byte[] key, final byte[] value)
    {
        if (!valid(key, value))
        {
            return this;
        }
        final int need = key.length + 1 + value.length + 1;
        if (!fits(need))
        {
            return this;
        }
        long at = offset + length;
        MemorySegment.copy(key, 0, segment, Wire.BYTE, at, key.length);
        at += key.length;
        segment.set(Wire.BYTE, at++, (byte)'=');
        MemorySegment.copy(value, 0, segment, Wire.BYTE, at, value.length);
        at += value.length;
        segment.set(Wire.BYTE, at, (byte)0);
        length += need;
        return this;
    }

    /** Append a decimal numerical value (RFC 7143 6.1 decimal-constant); value must be non-negative. */
    public TextKeyWriter appendLong(final String key, final long value)
    {
        if (!valid(key, ""))
        {
            return this;
        }
        final int digits = decimalDigits(value);
        final int need = utf8Length(key) + 1 + digits + 1;
        if (!fits(need))
        {
            return this;
        }
        long at = putString(offset + length, key);
        segment.set(Wire.BYTE, at++, (byte)'=');
        long v = value;
        for (long p = at + digits - 1; p >= at; p--)
        {
            segment.set(Wire.BYTE, p, (byte)('0' + (v % 10)));
            v /= 10;
        }
        segment.set(Wire.BYTE, at + digits, (byte)0);
        length += need;
        return this;
    }

    /** Append "Yes" or "No" (RFC 7143 6.1 boolean-value). */
    public TextKeyWriter appendYesNo(final String key, final boolean value)
    {
        return append(key, value ? "Yes" : "No");
    }

    /**
     * Append a binary value as a 0x hex-constant (RFC 7143 6.1), e.g. CHAP_C or CHAP_R.
     *
     * @param key    key.
     * @param bytes  source.
     * @param from   first byte.
     * @param count  byte count.
     * @return this.
     */
    public TextKeyWriter appendHex(final String key, final byte[] bytes, final int from, final int count)
    {
        if (!valid(key, ""))
        {
            return this;
        }
        final int need = utf8Length(key) + 1 + 2 + 2 * count + 1;
        if (!fits(need))
        {
            return this;
        }
        long at = putString(offset + length, key);
        segment.set(Wire.BYTE, at++, (byte)'=');
        segment.set(Wire.BYTE, at++, (byte)'0');
        segment.set(Wire.BYTE, at++, (byte)'x');
        for (int i = from; i < from + count; i++)
        {
            segment.set(Wire.BYTE, at++, HEX[(bytes[i] >>> 4) & 0xf]);
            segment.set(Wire.BYTE, at++, HEX[bytes[i] & 0xf]);
        }
        segment.set(Wire.BYTE, at, (byte)0);
        length += need;
        return this;
    }

    private boolean fits(final int need)
    {
        // Sticky: once a pair is refused, later (maybe shorter) pairs are refused too, so what was written is
        // exactly a prefix of what was appended and the caller can continue from there in the next PDU.
        if (overflow || invalid || length + need > capacity)
        {
            overflow = true;
            return false;
        }
        return true;
    }

    private long putString(final long start, final String s)
    {
        long at = start;
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c < 0x80)
            {
                segment.set(Wire.BYTE, at++, (byte)c);
            }
            else if (c < 0x800)
            {
                segment.set(Wire.BYTE, at++, (byte)(0xc0 | (c >> 6)));
                segment.set(Wire.BYTE, at++, (byte)(0x80 | (c & 0x3f)));
            }
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
            {
                final int cp = Character.toCodePoint(c, s.charAt(++i));
                segment.set(Wire.BYTE, at++, (byte)(0xf0 | (cp >> 18)));
                segment.set(Wire.BYTE, at++, (byte)(0x80 | ((cp >> 12) & 0x3f)));
                segment.set(Wire.BYTE, at++, (byte)(0x80 | ((cp >> 6) & 0x3f)));
                segment.set(Wire.BYTE, at++, (byte)(0x80 | (cp & 0x3f)));
            }
            else
            {
                // A lone surrogate is written as U+FFFD like String.getBytes(UTF_8) writes '?'-free replacement.
                final char w = Character.isSurrogate(c) ? '\ufffd' : c;
                segment.set(Wire.BYTE, at++, (byte)(0xe0 | (w >> 12)));
                segment.set(Wire.BYTE, at++, (byte)(0x80 | ((w >> 6) & 0x3f)));
                segment.set(Wire.BYTE, at++, (byte)(0x80 | (w & 0x3f)));
            }
        }
        return at;
    }

    static int utf8Length(final String s)
    {
        int n = 0;
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c < 0x80)
            {
                n += 1;
            }
            else if (c < 0x800)
            {
                n += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
            {
                n += 4;
                i++;
            }
            else
            {
                n += 3;
            }
        }
        return n;
    }

    private static int decimalDigits(final long value)
    {
        int digits = 1;
        long v = value;
        while (v >= 10)
        {
            v /= 10;
            digits++;
        }
        return digits;
    }
}
