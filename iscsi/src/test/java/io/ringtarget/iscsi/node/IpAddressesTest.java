package io.ringtarget.iscsi.node;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpAddressesTest
{
    private static String text(final String literal)
    {
        return IpAddresses.format(InetAddress.ofLiteral(literal).getAddress());
    }

    @Test
    void ipv6IsWrittenAsRfc5952Says()
    {
        assertEquals("::1", text("0:0:0:0:0:0:0:1"));
        assertEquals("::", text("0::0"));
        assertEquals("2001:db8::1", text("2001:0DB8:0:0:0:0:0:1"));
        // The longest run is compressed, the first of equal runs, and a single zero group never.
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1"));
        assertEquals("2001:0:0:1::1", text("2001:0:0:1:0:0:0:1"));
        assertEquals("2001:db8::1:0:0:1", text("2001:db8:0:0:1:0:0:1"));
        assertEquals("fe80::", text("fe80::"));
    }

    @Test
    void ipv4AndIpv4MappedAreDottedQuads()
    {
        assertEquals("127.0.0.1", IpAddresses.format(new byte[]{127, 0, 0, 1}));
        final byte[] mapped = new byte[16];
        mapped[10] = (byte)0xff;
        mapped[11] = (byte)0xff;
        mapped[12] = (byte)192;
        mapped[15] = 7;
        assertEquals("192.0.0.7", IpAddresses.format(mapped));
    }

    @Test
    void linkLocalIsTold()
    {
        assertTrue(IpAddresses.isLinkLocal("fe80::1"));
        assertTrue(IpAddresses.isLinkLocal("FEBF::1"));
        assertFalse(IpAddresses.isLinkLocal("fec0::1"));
        assertFalse(IpAddresses.isLinkLocal("::1"));
        assertFalse(IpAddresses.isLinkLocal("10.0.0.1"));
    }

    @Test
    void wildcardPortalsAreReachedByTheirFamilies()
    {
        assertTrue(new Portal("::", 3260).reachedBy("127.0.0.1", 3260));
        assertTrue(new Portal("::", 3260).reachedBy("::1", 3260));
        assertTrue(new Portal("0.0.0.0", 3260).reachedBy("127.0.0.1", 3260));
        assertFalse(new Portal("0.0.0.0", 3260).reachedBy("::1", 3260));
        assertFalse(new Portal("::1", 3260).reachedBy("::1", 3261));
        assertEquals("[::1]:3260", new Portal("::1", 3260).toString());
    }
}
