package io.ringtarget.server.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpLiteralsTest
{
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1 | 127.0.0.1 | false",
        "0.0.0.0 | 0.0.0.0 | false",
        "::1 | ::1 | true",
        "0:0:0:0:0:0:0:0 | :: | true",
        "fe80:0:0:0:1:0:0:2 | fe80::1:0:0:2 | true",
        "2001:db8:1:2:3:4:5:6 | 2001:db8:1:2:3:4:5:6 | true",
    })
    void acceptsLiteralsAndSpellsThemCanonically(final String ip, final String canonical, final boolean ipv6)
    {
        assertNull(IpLiterals.problem(ip));
        assertEquals(canonical, IpLiterals.canonical(ip));
        assertEquals(ipv6, IpLiterals.isIpv6(ip));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "localhost", "storage.example.com", "1.2.3", "256.1.1.1", "01.2.3.4", ":::1" })
    void refusesWhatIsNotALiteral(final String ip)
    {
        assertNotNull(IpLiterals.problem(ip));
        assertFalse(IpLiterals.isIpv6(ip));
        assertEquals(ip, IpLiterals.canonical(ip), "left as written, for the message that quotes it");
    }

    @ParameterizedTest
    @ValueSource(strings = { "0.0.0.0", "::" })
    void knowsTheWildcards(final String ip)
    {
        assertTrue(IpLiterals.isWildcard(ip));
    }
}
