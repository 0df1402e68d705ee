package io.ringtarget.server.startup;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.server.config.BackstoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the engine is asked to open when a configuration is started without being validated first. */
class BackstoreFactoryTest
{
    @TempDir
    Path dir;

    @Test
    void aRegularFileIsNotServedAsABlockBackstore() throws IOException
    {
        final Path file = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);

        final IOException refused = assertThrows(IOException.class, () -> BackstoreFactory.open(
            new BackstoreConfig("b", "block", file.toString(), 0, 0, true, false, null, null)));

        assertEquals("backstore b (block " + file + "): " + file + " is a regular file: use type \"fileio\"",
            refused.getMessage());
    }

    @Test
    void anExistingFileIsGrownOnlyWithGrow() throws IOException
    {
        final Path file = Files.write(dir.resolve("disk.img"), new byte[1 << 20]);

        final IOException refused = assertThrows(IOException.class, () -> BackstoreFactory.open(
            new BackstoreConfig("f", "fileio", file.toString(), 8 << 20, 512, true, false, null, null)));
        assertEquals(1 << 20, Files.size(file), refused.getMessage());

        try (Backstore grown = BackstoreFactory.open(
            new BackstoreConfig("f", "fileio", file.toString(), 8 << 20, 512, true, false, null, null, true)))
        {
            assertEquals((8 << 20) / 512, grown.blockCount());
        }
        assertEquals(8 << 20, Files.size(file));
    }

    @Test
    void aRamBackstoreIsInHugePagesUnlessItsConfigurationSaysFalse() throws IOException
    {
        final BackstoreConfig config = new BackstoreConfig("r", "ram", null, 8 << 20, 512, true, false, null, null);
        try (Backstore huge = BackstoreFactory.open(config);
             Backstore implied = BackstoreFactory.open(config.withHugePages(null));
             Backstore small = BackstoreFactory.open(config.withHugePages(false)))
        {
            assertEquals(true, ((RamBackstore)implied).hugePages());
            assertEquals(false, ((RamBackstore)small).hugePages());
            assertEquals(true, ((RamBackstore)huge).hugePages());
        }
    }

    @Test
    void ramBackstoresThatCouldNotAllBeWrittenInFullAreWarnedOf() throws IOException
    {
        final long available = RamBackstore.machineMemoryAvailableBytes();
        assertTrue(available > 0 && available % 1024 == 0, "MemAvailable in kB: " + available);
        // The size of the machine's memory: allowed (it is taken as written), more than is available.
        final long total = ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize() & -4096L;
        try (RamBackstore small = new RamBackstore("small", 1 << 20, 512);
            RamBackstore large = new RamBackstore("large", total, 4096))
        {
            assertNull(BackstoreFactory.ramCommitment(List.of(small)));
            final String warning = BackstoreFactory.ramCommitment(List.of(small, large));
            assertEquals(true, warning != null && warning.startsWith("the 2 ram backstores (") &&
                warning.contains("more memory once written in full, and ") &&
                warning.endsWith("(DATA PROTECT, SPACE ALLOCATION FAILED WRITE PROTECT)"), warning);
        }
    }
}
