package io.ringtarget.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BlockDevicesTest
{
    @TempDir
    Path dir;

    @Test
    void filesDirectoriesAndMissingPathsAreNotBlockDevices() throws IOException
    {
        final Path file = Files.write(dir.resolve("disk.img"), new byte[4096]);

        assertFalse(BlockDevices.isBlockDevice(file));
        assertFalse(BlockDevices.isBlockDevice(dir));
        assertFalse(BlockDevices.isBlockDevice(dir.resolve("missing")));
        assertFalse(BlockDevices.isBlockDevice(Path.of("/dev/null")), "a character device");
    }

    @Test
    void aSymbolicLinkToABlockDeviceIsOne() throws IOException
    {
        final Path device = Stream.of("/dev/loop0", "/dev/vda", "/dev/sda", "/dev/nvme0n1", "/dev/zram0")
            .map(Path::of).filter(Files::exists).filter(BlockDevices::isBlockDevice).findFirst().orElse(null);
        assumeTrue(null != device, "no block device on this machine");

        assertTrue(BlockDevices.isBlockDevice(Files.createSymbolicLink(dir.resolve("lv0"), device)));
    }
}
