package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceIdentifiersTest
{
    @Test
    void randomIdentifiersAreValidAndRandom()
    {
        final String wwn = DeviceIdentifiers.randomWwn();
        assertTrue(wwn.matches("3[0-9a-f]{15}"), wwn);
        assertNotEquals(wwn, DeviceIdentifiers.randomWwn());
        final String serial = DeviceIdentifiers.randomSerial();
        assertTrue(serial.matches("[0-9a-f]{32}"), serial);
        assertNotEquals(serial, DeviceIdentifiers.randomSerial());
        assertEquals(List.of(), ConfigValidator.validate(withIdentifiers(serial, wwn)));
    }

    @Test
    void stableIdentifiersDependOnlyOnTheirKey()
    {
        assertEquals(DeviceIdentifiers.stableSerial("/srv/a.img"), DeviceIdentifiers.stableSerial("/srv/a.img"));
        assertEquals(DeviceIdentifiers.stableWwn("/srv/a.img"), DeviceIdentifiers.stableWwn("/srv/a.img"));
        assertNotEquals(DeviceIdentifiers.stableWwn("/srv/a.img"), DeviceIdentifiers.stableWwn("/srv/b.img"));
        // What demos before this class wrote: a restarted demo must stay the same device to its initiators.
        assertEquals("3", DeviceIdentifiers.stableWwn("ram").substring(0, 1));
        assertEquals(List.of(), ConfigValidator.validate(
            withIdentifiers(DeviceIdentifiers.stableSerial("ram"), DeviceIdentifiers.stableWwn("ram"))));
    }

    private static RingtargetConfig withIdentifiers(final String serial, final String wwn)
    {
        return new RingtargetConfig(
            List.of(new BackstoreConfig("r", "ram", null, 1 << 20, 512, true, false, serial, wwn)), List.of(),
            ConfigDefaults.discoveryAuth(), ConfigDefaults.engine());
    }
}
