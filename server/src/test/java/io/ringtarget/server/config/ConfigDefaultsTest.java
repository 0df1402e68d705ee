package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ConfigDefaultsTest
{
    @TempDir
    Path dir;

    @Test
    void demoServesOneGibibyteOfRamOnLoopback()
    {
        final RingtargetConfig demo = ConfigDefaults.demo(null, 0, null);

        final BackstoreConfig backstore = demo.backstores().getFirst();
        assertEquals("demo", backstore.name());
        assertEquals("ram", backstore.type());
        assertEquals(1L << 30, backstore.sizeBytes());
        assertEquals(512, backstore.blockSize());
        final TargetConfig target = demo.targets().getFirst();
        assertEquals("iqn.2026-11.io.ringtarget:demo", target.iqn());
        assertEquals(List.of(new TpgConfig(1, true, List.of(new PortalConfig("127.0.0.1", 3260)),
            List.of(new LunConfig(0, "demo", false)), List.of(), true, "none")), target.tpgs());
        assertEquals(ConfigDefaults.discoveryAuth(), demo.discoveryAuth());
        assertEquals(ConfigDefaults.engine(), demo.engine());
    }

    @Test
    void demoKeepsTheSameDeviceIdentityAcrossRuns()
    {
        assertEquals(ConfigDefaults.demo(null, 0, null), ConfigDefaults.demo(null, 0, null));
    }

    @Test
    void demoWithAFilePathIsFileio() throws IOException
    {
        final Path file = dir.resolve("demo.img");
        final RingtargetConfig fresh = ConfigDefaults.demo("127.0.0.1:3261", 0, file.toString());
        assertEquals("fileio", fresh.backstores().getFirst().type());
        assertEquals(file.toString(), fresh.backstores().getFirst().path());
        assertEquals(1L << 30, fresh.backstores().getFirst().sizeBytes(), "a new file gets the default size");
        assertEquals(new PortalConfig("127.0.0.1", 3261), fresh.targets().getFirst().tpgs().getFirst().portals().getFirst());

        Files.write(file, new byte[4096]);
        final RingtargetConfig existing = ConfigDefaults.demo(null, 0, file.toString());
        assertEquals(0, existing.backstores().getFirst().sizeBytes(), "an existing file keeps its own size");
        assertEquals(List.of(), ConfigValidator.validate(existing, true));
        assertEquals(64L << 20, ConfigDefaults.demo(null, 64L << 20, file.toString()).backstores().getFirst().sizeBytes());
    }

    @Test
    void demoWithABlockDeviceIsBlock()
    {
        final Path device = Stream.of("/dev/loop0", "/dev/vda", "/dev/sda", "/dev/nvme0n1")
            .map(Path::of).filter(ConfigDefaults::isBlockDevice).findFirst().orElse(null);
        assumeTrue(null != device, "no block device on this machine");

        final BackstoreConfig backstore = ConfigDefaults.demo(null, 0, device.toString()).backstores().getFirst();
        assertEquals("block", backstore.type());
        assertEquals(0, backstore.blockSize());
    }

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
        assertEquals(new PortalConfig(ip, port), ConfigDefaults.parsePortal(text));
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "localhost:3260", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", "[::1", "[::1]3260", "1.2.3:3260" })
    void refusesBadPortals(final String text)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> ConfigDefaults.parsePortal(text));
        assertTrue(!ex.getMessage().isEmpty());
    }

    @Test
    void generatedIdentifiersAreValidAndRandom()
    {
        final String wwn = ConfigDefaults.generateWwn();
        assertTrue(wwn.matches("3[0-9a-f]{15}"), wwn);
        assertNotEquals(wwn, ConfigDefaults.generateWwn());
        final String serial = ConfigDefaults.generateSerial();
        assertTrue(serial.matches("[0-9a-f]{32}"), serial);
        final RingtargetConfig config = new RingtargetConfig(
            List.of(new BackstoreConfig("r", "ram", null, 1 << 20, 512, true, false, serial, wwn)), List.of(),
            ConfigDefaults.discoveryAuth(), ConfigDefaults.engine());
        assertEquals(List.of(), ConfigValidator.validate(config));
    }
}
