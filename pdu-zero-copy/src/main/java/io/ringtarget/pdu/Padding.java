package io.ringtarget.pdu;

/**
 * Data segments and AHS are padded to a 4-byte boundary (RFC 7143 section 11.2: "PDU segments ... padded to an
 * integer number of 4-byte words").
 */
public final class Padding
{
    private Padding()
    {
    }

    /**
     * @param length an unpadded length in bytes, non-negative.
     * @return length rounded up to a multiple of 4.
     */
    public static int pad4(final int length)
    {
        return (length + 3) & ~3;
    }

    /**
     * @param length an unpadded length in bytes, non-negative.
     * @return the number of pad bytes (0-3) that follow length bytes.
     */
    public static int padding(final int length)
    {
        return -length & 3;
    }
}
