package io.ringtarget.pdu;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import org.agrona.UnsafeApi;

/**
 * Iterates the key=value pairs of a Login or Text data segment in place (RFC 7143 section 6, "Text Mode
 * Negotiation"): each pair is {@code key=value} followed by a NUL byte. Keys are ASCII, at most 63 bytes (RFC 7143
 * 6.1); a simple value (each comma-separated element of a list) is at most 255 bytes (RFC 7143 6.1); hex (0x) and
 * base64 (0b) encoded binary values may be longer, up to {@link #MAX_ENCODED_BINARY_LENGTH} (CHAP challenges reach
 * 1024 bytes, RFC 7143 12.1.3). Stray NUL bytes between pairs are skipped, as some initiators pad with them.
 * <p>
 * {@link #next()} stops at the first malformed pair and sets {@link #error()}; it never throws and always advances,
 * so a loop over next() ends. The position of the current key and value is exposed as absolute offsets.
 */
public final class TextKeyReader
{
    public static final int NONE = 0;
    /** A pair without '='. */
    public static final int MISSING_EQUALS = 1;
    /** A key longer than 63 bytes (RFC 7143 6.1). */
    public static final int KEY_TOO_LONG = 2;
    /** A value (or list element) longer than its limit. */
    public static final int VALUE_TOO_LONG = 3;
    /** The last pair has no terminating NUL. */
    public static final int NOT_NUL_TERMINATED = 4;
    /** '=' with no key before it. */
    public static final int EMPTY_KEY = 5;
    /** A key byte outside the RFC 7143 6.1 key alphabet (letters, digits, '.', '-', '+', '@', '_', '#'). */
    public static final int INVALID_KEY_CHARACTER = 6;

    public static final int MAX_KEY_LENGTH = 63;
    public static final int MAX_SIMPLE_VALUE_LENGTH = 255;
    /** Encoded binary values: the whole 8192-byte negotiation minimum (RFC 7143 6.1) may be one value. */
    public static final int MAX_ENCODED_BINARY_LENGTH = 8192;

    /** Returned by the decoders on malformed input. */
    public static final int BAD_ENCODING = -1;
    /** Returned by {@link #valueAsBinary} when the destination array is too small. */
    public static final int DESTINATION_TOO_SMALL = -2;

    /** {@link #valueAsYesNo()} results. */
    public static final int NO = 0;
    public static final int YES = 1;
    public static final int NOT_BOOLEAN = -1;

    private static final boolean[] KEY_CHARS = new boolean[128];
    private static final byte[] BASE64 = new byte[128];

    static
    {
        for (int c = 'a'; c <= 'z'; c++)
        {
            KEY_CHARS[c] = true;
        }
        for (int c = 'A'; c <= 'Z'; c++)
        {
            KEY_CHARS[c] = true;
        }
        for (int c = '0'; c <= '9'; c++)
        {
            KEY_CHARS[c] = true;
        }
        for (final char c : new char[]{ '.', '-', '+', '@', '_', '#' })
        {
            KEY_CHARS[c] = true;
        }

        java.util.Arrays.fill(BASE64, (byte)-1);
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++)
        {
            BASE64[alphabet.charAt(i)] = (byte)i;
        }
    }

    private MemorySegment segment;
    /** Unsafe base (null for native memory) and the Unsafe address of segment offset 0: see {@link PduHeader}. */
    private Object base;
    private long baseAddress;
    private long position;
    private long end;
    private int error;
    private long keyOffset;
    private int keyLength;
    private long valueOffset;
    private int valueLength;

    /**
     * @param segment memory holding the text.
     * @param offset  first byte of the data segment.
     * @param length  DataSegmentLength (without padding).
     * @return this, positioned before the first pair.
     */
    public TextKeyReader wrap(final MemorySegment segment, final long offset, final int length)
    {
        // One bounds check here; the scan then reads bytes through UnsafeApi (like the flyweights).
        Objects.checkFromIndexSize(offset, length, segment.byteSize());
        this.segment = segment;
        this.base = Wire.unsafeBase(segment);
        this.baseAddress = Wire.unsafeAddress(segment, base);
        this.position = offset;
        this.end = offset + length;
        this.error = NONE;
        this.keyOffset = offset;
        this.keyLength = 0;
        this.valueOffset = offset;
        this.valueLength = 0;
        return this;
    }

    /**
     * Move to the next pair.
     *
     * @return true when a well-formed pair is current; false at the end or on error ({@link #error()}).
     */
    public boolean next()
    {
        if (error != NONE)
        {
            return false;
        }
        long p = position;
        while (p < end && byteAt(p) == 0)
        {
            p++;
        }
        if (p >= end)
        {
            position = end;
            return false;
        }

        final long keyStart = p;
        while (p < end)
        {
            final byte b = byteAt(p);
            if (b == '=')
            {
                break;
            }
            if (b == 0)
            {
                return fail(MISSING_EQUALS);
            }
            if (b < 0 || !KEY_CHARS[b])
            {
                return fail(INVALID_KEY_CHARACTER);
            }
            if (p - keyStart >= MAX_KEY_LENGTH)
            {
                return fail(KEY_TOO_LONG);
            }
            p++;
        }
        if (p >= end)
        {
            return fail(MISSING_EQUALS);
        }
        if (p == keyStart)
        {
            return fail(EMPTY_KEY);
        }
        final int kLength = (int)(p - keyStart);

        final long valueStart = ++p;
        final boolean binary = isBinaryPrefix(valueStart, end);
        final int limit = binary ? MAX_ENCODED_BINARY_LENGTH : MAX_SIMPLE_VALUE_LENGTH;
        long elementStart = valueStart;
        while (p < end)
        {
            final byte b = byteAt(p);
            if (b == 0)
            {
                break;
            }
            if (b == ',' && !binary)
            {
                elementStart = p + 1;
            }
            else if (p - elementStart >= limit)
            {
                return fail(VALUE_TOO_LONG);
            }
            p++;
        }
        if (p >= end)
        {
            return fail(NOT_NUL_TERMINATED);
        }

        keyOffset = keyStart;
        keyLength = kLength;
        valueOffset = valueStart;
        valueLength = (int)(p - valueStart);
        position = p + 1;
        return true;
    }

    private boolean fail(final int code)
    {
        error = code;
        position = end;
        return false;
    }

    private boolean isBinaryPrefix(final long at, final long end)
    {
        if (at + 2 > end || byteAt(at) != '0')
        {
            return false;
        }
        final int c = byteAt(at + 1) | 0x20;
        return c == 'x' || c == 'b';
    }

    /** @return NONE, or the code of the malformation that stopped {@link #next()}. */
    public int error()
    {
        return error;
    }

    /** @return the name of an error code, for logs. */
    public static String errorName(final int error)
    {
        return switch (error)
        {
            case NONE -> "NONE";
            case MISSING_EQUALS -> "MISSING_EQUALS";
            case KEY_TOO_LONG -> "KEY_TOO_LONG";
            case VALUE_TOO_LONG -> "VALUE_TOO_LONG";
            case NOT_NUL_TERMINATED -> "NOT_NUL_TERMINATED";
            case EMPTY_KEY -> "EMPTY_KEY";
            case INVALID_KEY_CHARACTER -> "INVALID_KEY_CHARACTER";
            default -> "UNKNOWN";
        };
    }

    /** @return absolute offset of the current key in the segment. */
    public long keyOffset()
    {
        return keyOffset;
    }

    public int keyLength()
    {
        return keyLength;
    }

    /** @return absolute offset of the current value in the segment. */
    public long valueOffset()
    {
        return valueOffset;
    }

    public int valueLength()
    {
        return valueLength;
    }

    /**
     * @param asciiKey key name bytes, e.g. a static final {@code "MaxBurstLength".getBytes(US_ASCII)}.
     * @return true when the current key is exactly that.
     */
    public boolean keyEquals(final byte[] asciiKey)
    {
        return rangeEquals(keyOffset, keyLength, asciiKey);
    }

    /**
     * @param asciiValue value bytes.
     * @return true when the current value is exactly that.
     */
    public boolean valueEquals(final byte[] asciiValue)
    {
        return rangeEquals(valueOffset, valueLength, asciiValue);
    }

    private boolean rangeEquals(final long at, final int length, final byte[] expected)
    {
        if (length != expected.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (byteAt(at + i) != expected[i])
            {
                return false;
            }
        }
        return true;
    }

    /** @return the current key (ASCII). Allocates; login is not the hot path. */
    public String key()
    {
        return string(keyOffset, keyLength);
    }

    /** @return the current value, decoded as UTF-8 (RFC 7143 6.1 text values are UTF-8). Allocates. */
    public String value()
    {
        return string(valueOffset, valueLength);
    }

    private String string(final long at, final int length)
    {
        final byte[] bytes = new byte[length];
        MemorySegment.copy(segment, Wire.BYTE, at, bytes, 0, length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Parse a numerical value: decimal, or hex with a 0x/0X prefix (RFC 7143 6.1 decimal-constant, hex-constant).
     *
     * @return the value, or -1 when empty, malformed or larger than Long.MAX_VALUE.
     */
    public long valueAsLong()
    {
        final long at = valueOffset;
        final int length = valueLength;
        if (length == 0)
        {
            return -1;
        }
        long result = 0;
        if (length > 2 && byteAt(at) == '0' && (byteAt(at + 1) | 0x20) == 'x')
        {
            if (length - 2 > 16)
            {
                return -1;
            }
            for (int i = 2; i < length; i++)
            {
                final int d = hexDigit(byteAt(at + i));
                if (d < 0)
                {
                    return -1;
                }
                result = (result << 4) | d;
            }
            return result < 0 ? -1 : result;
        }
        for (int i = 0; i < length; i++)
        {
            final int d = byteAt(at + i) - '0';
            if (d < 0 || d > 9 || result > (Long.MAX_VALUE - d) / 10)
            {
                return -1;
            }
            result = result * 10 + d;
        }
        return result;
    }

    /** @return YES for "Yes", NO for "No", NOT_BOOLEAN otherwise (RFC 7143 6.1 boolean-value). */
    public int valueAsYesNo()
    {
        if (valueLength == 3 && byteAt(0) == 'Y' && byteAt(1) == 'e' && byteAt(2) == 's')
        {
            return YES;
        }
        if (valueLength == 2 && byteAt(0) == 'N' && byteAt(1) == 'o')
        {
            return NO;
        }
        return NOT_BOOLEAN;
    }

    /** @return true only for "Yes"; check {@link #valueAsYesNo()} to tell "No" from malformed. */
    public boolean valueAsBoolean()
    {
        return valueAsYesNo() == YES;
    }

    /** @return value byte i. */
    private byte byteAt(final int i)
    {
        return byteAt(valueOffset + i);
    }

    /** @return the byte at a segment offset inside the wrapped range. */
    private byte byteAt(final long segmentOffset)
    {
        return UnsafeApi.getByte(base, baseAddress + segmentOffset);
    }

    /** @return true when the value is a comma-separated list (RFC 7143 6.1 list-of-values). */
    public boolean valueIsList()
    {
        for (int i = 0; i < valueLength; i++)
        {
            if (byteAt(i) == ',')
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Position of an element in a list value, e.g. which of "CRC32C,None" an offer lists first.
     *
     * @param element ASCII bytes of the element.
     * @return 0-based index of the first element equal to it, or -1.
     */
    public int valueListIndexOf(final byte[] element)
    {
        int index = 0;
        int start = 0;
        for (int i = 0; i <= valueLength; i++)
        {
            if (i == valueLength || byteAt(i) == ',')
            {
                if (rangeEquals(valueOffset + start, i - start, element))
                {
                    return index;
                }
                index++;
                start = i + 1;
            }
        }
        return -1;
    }

    public boolean valueListContains(final byte[] element)
    {
        return valueListIndexOf(element) >= 0;
    }

    /** @return true when the value has a 0x/0X or 0b/0B prefix (RFC 7143 6.1 hex-constant, base64-constant). */
    public boolean valueIsBinary()
    {
        return isBinaryPrefix(valueOffset, valueOffset + valueLength);
    }

    /**
     * Decode a binary value, hex (0x) or base64 (0b), into dst (e.g. CHAP_C, CHAP_R, RFC 7143 12.1.3). A hex value
     * with an odd digit count has an implied leading zero.
     *
     * @param dst destination.
     * @return decoded length, or BAD_ENCODING, or DESTINATION_TOO_SMALL.
     */
    public int valueAsBinary(final byte[] dst)
    {
        if (!valueIsBinary())
        {
            return BAD_ENCODING;
        }
        final boolean hex = (byteAt(1) | 0x20) == 'x';
        return hex ? decodeHex(dst) : decodeBase64(dst);
    }

    private int decodeHex(final byte[] dst)
    {
        final int digits = valueLength - 2;
        if (digits == 0)
        {
            return BAD_ENCODING;
        }
        final int length = (digits + 1) >> 1;
        if (length > dst.length)
        {
            return DESTINATION_TOO_SMALL;
        }
        int i = 2;
        int o = 0;
        if ((digits & 1) != 0)
        {
            final int d = hexDigit(byteAt(i++));
            if (d < 0)
            {
                return BAD_ENCODING;
            }
            dst[o++] = (byte)d;
        }
        while (i < valueLength)
        {
            final int hi = hexDigit(byteAt(i));
            final int lo = hexDigit(byteAt(i + 1));
            if (hi < 0 || lo < 0)
            {
                return BAD_ENCODING;
            }
            dst[o++] = (byte)((hi << 4) | lo);
            i += 2;
        }
        return o;
    }

    private int decodeBase64(final byte[] dst)
    {
        final int chars = valueLength - 2;
        if (chars == 0 || (chars & 3) != 0)
        {
            return BAD_ENCODING;
        }
        int pad = 0;
        if (byteAt(valueLength - 1) == '=')
        {
            pad++;
            if (byteAt(valueLength - 2) == '=')
            {
                pad++;
            }
        }
        final int length = chars / 4 * 3 - pad;
        if (length > dst.length)
        {
            return DESTINATION_TOO_SMALL;
        }
        int o = 0;
        for (int i = 2; i < valueLength; i += 4)
        {
            final boolean last = i + 4 == valueLength;
            int quad = 0;
            for (int j = 0; j < 4; j++)
            {
                final byte c = byteAt(i + j);
                final int v;
                if (c == '=' && last && j >= 4 - pad)
                {
                    v = 0;
                }
                else if (c < 0 || (v = BASE64[c]) < 0)
                {
                    return BAD_ENCODING;
                }
                quad = (quad << 6) | v;
            }
            dst[o++] = (byte)(quad >>> 16);
            if (o < length)
            {
                dst[o++] = (byte)(quad >>> 8);
            }
            if (o < length)
            {
                dst[o++] = (byte)quad;
            }
        }
        return o;
    }

    private static int hexDigit(final byte c)
    {
        if (c >= '0' && c <= '9')
        {
            return c - '0';
        }
        final int l = c | 0x20;
        if (l >= 'a' && l <= 'f')
        {
            return l - 'a' + 10;
        }
        return -1;
    }
}
