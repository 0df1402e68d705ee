package io.ringtarget.pdu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SerialNumberTest
{
    @Test
    void ordinaryOrder()
    {
        assertTrue(SerialNumber.lessThan(1, 2));
        assertFalse(SerialNumber.lessThan(2, 1));
        assertFalse(SerialNumber.lessThan(2, 2));
        assertTrue(SerialNumber.lessThanOrEqual(2, 2));
        assertTrue(SerialNumber.greaterThan(2, 1));
        assertTrue(SerialNumber.greaterThanOrEqual(2, 2));
        assertFalse(SerialNumber.greaterThanOrEqual(1, 2));
    }

    @Test
    void wrapAround()
    {
        // RFC 1982 3.2: 0xffffffff precedes 0 and 0x7ffffffe; 0x80000000 is "after" 0x7fffffff.
        assertTrue(SerialNumber.lessThan(0xffffffff, 0));
        assertTrue(SerialNumber.greaterThan(0, 0xffffffff));
        assertTrue(SerialNumber.lessThan(0xffffffff, 0x7ffffffe));
        assertTrue(SerialNumber.lessThan(0x7fffffff, 0x80000000));
        assertTrue(SerialNumber.lessThan(0x80000000, 0xffffffff));
        assertEquals(0, SerialNumber.add(0xffffffff, 1));
        assertEquals(5, SerialNumber.distance(0xfffffffe, 3));
    }

    @Test
    void halfwayApartIsUndefinedAndNeitherOrder()
    {
        assertFalse(SerialNumber.lessThan(0, 0x80000000));
        assertFalse(SerialNumber.greaterThan(0, 0x80000000));
        assertFalse(SerialNumber.lessThan(0x80000000, 0));
        assertFalse(SerialNumber.greaterThan(0x80000000, 0));
        assertFalse(SerialNumber.lessThanOrEqual(0, 0x80000000));
    }

    @Test
    void window()
    {
        assertTrue(SerialNumber.inWindow(5, 5, 10));
        assertTrue(SerialNumber.inWindow(10, 5, 10));
        assertFalse(SerialNumber.inWindow(11, 5, 10));
        assertFalse(SerialNumber.inWindow(4, 5, 10));
        // window straddling 2^32: ExpCmdSN 0xfffffff0, MaxCmdSN 0x0000000f
        assertTrue(SerialNumber.inWindow(0xffffffff, 0xfffffff0, 0x0f));
        assertTrue(SerialNumber.inWindow(0, 0xfffffff0, 0x0f));
        assertTrue(SerialNumber.inWindow(0x0f, 0xfffffff0, 0x0f));
        assertFalse(SerialNumber.inWindow(0x10, 0xfffffff0, 0x0f));
        assertFalse(SerialNumber.inWindow(0xffffffef, 0xfffffff0, 0x0f));
        // RFC 7143 4.2.2.1: MaxCmdSN = ExpCmdSN - 1 means an empty window.
        assertFalse(SerialNumber.inWindow(7, 7, 6));
    }

    @Test
    void agreesWithLongArithmeticOnRandomPairs()
    {
        final java.util.SplittableRandom random = new java.util.SplittableRandom(1982);
        for (int i = 0; i < 100_000; i++)
        {
            final int a = random.nextInt();
            final int b = random.nextInt();
            final long ua = a & 0xffffffffL;
            final long ub = b & 0xffffffffL;
            final long half = 1L << 31;
            final boolean expectedLess = (ua < ub && ub - ua < half) || (ua > ub && ua - ub > half);
            assertEquals(expectedLess, SerialNumber.lessThan(a, b), () -> a + " < " + b);
            assertEquals(expectedLess, SerialNumber.greaterThan(b, a), () -> b + " > " + a);
        }
    }
}
