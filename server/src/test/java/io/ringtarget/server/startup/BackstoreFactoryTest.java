package io.ringtarget.server.startup;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.server.config.BackstoreConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
