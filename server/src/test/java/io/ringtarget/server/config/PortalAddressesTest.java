package io.ringtarget.server.config;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PortalAddressesTest
{
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:3260 | 127.0.0.1 | 3260",
        "127.0.0.1 | 127.0.0.1 | 3260",
        "0.0.0.0:13260 | 0.0.0.0 | 13260",
        "[::1]:3261 | ::1 | 3261",
        "[::] | :: | 3260",
        "::1 | ::1 | 3260",
        "[0:0:0:0:0:0:0:1]:3260 | ::1 | 3260",
        "[fe80:0:0:0:1:0:0:2]:3260 | fe80::1:0:0:2 | 3260",
    })
    void parsesPortals(final String text, final String ip, final int port)
    {
        assertEquals(new PortalConfig(ip, port), PortalAddresses.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "localhost:3260", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "[::1", "[::1]3260", "1.2.3:3260" })
    void refusesBadPortals(final String text)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> PortalAddresses.parse(text));
        assertTrue(!ex.getMessage().isEmpty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "10.0.1.10 | 3260 | 10.0.1.10:3260",
        "::1 | 3261 | [::1]:3261",
    })
    void printsHostAndPortWithBracketsAroundIpv6(final String ip, final int port, final String text)
    {
        assertEquals(text, PortalAddresses.hostPort(ip, port));
    }
}
