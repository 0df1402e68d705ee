package io.ringtarget.pdu;

/**
 * RFC 1982 serial number arithmetic with SERIAL_BITS = 32, as RFC 7143 section 4.2.2.1 requires for CmdSN, StatSN,
 * DataSN and R2TSN. Values are Java ints holding the unsigned 32-bit number; addition is plain int addition, which
 * wraps modulo 2^32. Two numbers exactly 2^31 apart are undefined (RFC 1982 3.2): neither is less than the other.
 */
public final class SerialNumber
{
    private SerialNumber()
    {
    }

    /**
     * @param a serial number.
     * @param b serial number.
     * @return true when a precedes b (RFC 1982 3.2).
     */
    public static boolean lessThan(final int a, final int b)
    {
        // b - a in (0, 2^31) as an unsigned difference is exactly "positive as a signed int".
        return b - a > 0;
    }

    public static boolean lessThanOrEqual(final int a, final int b)
    {
        return a == b || b - a > 0;
    }

    public static boolean greaterThan(final int a, final int b)
    {
        return a - b > 0;
    }

    public static boolean greaterThanOrEqual(final int a, final int b)
    {
        return a == b || a - b > 0;
    }

    /**
     * Is sn inside the window [low, high], e.g. ExpCmdSN <= CmdSN <= MaxCmdSN (RFC 7143 4.2.2.1)?
     *
     * @param sn   the number to test.
     * @param low  the first number of the window.
     * @param high the last number of the window.
     * @return true when low <= sn <= high in serial arithmetic.
     */
    public static boolean inWindow(final int sn, final int low, final int high)
    {
        return lessThanOrEqual(low, sn) && lessThanOrEqual(sn, high);
    }

    /**
     * @param a serial number.
     * @param n increment in [0, 2^31 - 1] (RFC 1982 3.1).
     * @return a + n modulo 2^32.
     */
    public static int add(final int a, final int n)
    {
        return a + n;
    }

    /**
     * @param from serial number.
     * @param to   serial number.
     * @return the signed distance to - from; positive when from precedes to.
     */
    public static int distance(final int from, final int to)
    {
        return to - from;
    }
}
