package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DemoConfigTest
{
    @TempDir
    Path dir;

    @Test
    void demoServesOneGibibyteOfRamOnLoopback()
    {
        final RingtargetConfig demo = DemoConfig.create(null, 0, null);

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
        assertEquals(DemoConfig.create(null, 0, null), DemoConfig.create(null, 0, null));
    }

    @Test
    void demoWithAFilePathIsFileio() throws IOException
    {
        final Path file = dir.resolve("demo.img");
        final RingtargetConfig fresh = DemoConfig.create("127.0.0.1:3261", 0, file.toString());
        assertEquals("fileio", fresh.backstores().getFirst().type());
        assertEquals(file.toString(), fresh.backstores().getFirst().path());
        assertEquals(1L << 30, fresh.backstores().getFirst().sizeBytes(), "a new file gets the default size");
        assertEquals(new PortalConfig("127.0.0.1", 3261), fresh.targets().getFirst().tpgs().getFirst().portals().getFirst());

        Files.write(file, new byte[4096]);
        final RingtargetConfig existing = DemoConfig.create(null, 0, file.toString());
        assertEquals(0, existing.backstores().getFirst().sizeBytes(), "an existing file keeps its own size");
        assertEquals(List.of(), ConfigValidator.validate(existing, true));
        assertEquals(64L << 20, DemoConfig.create(null, 64L << 20, file.toString()).backstores().getFirst().sizeBytes());
    }

    @Test
    void demoWithABlockDeviceIsBlock()
    {
        final Path device = Stream.of("/dev/loop0", "/dev/vda", "/dev/sda", "/dev/nvme0n1")
            .map(Path::of).filter(BlockDevices::isBlockDevice).findFirst().orElse(null);
        assumeTrue(null != device, "no block device on this machine");

        final BackstoreConfig backstore = DemoConfig.create(null, 0, device.toString()).backstores().getFirst();
        assertEquals("block", backstore.type());
        assertEquals(0, backstore.blockSize());
    }
}
