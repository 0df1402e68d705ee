package io.ringtarget.server.startup;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.backstore.FileBackstore;
import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.server.config.BackstoreConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Opens the backstore a configuration entry describes. */
final class BackstoreFactory
{
    private BackstoreFactory()
    {
    }

    static Backstore open(final BackstoreConfig config) throws IOException
    {
        try
        {
            return create(config);
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        catch (final RuntimeException ex)
        {
            throw new IOException("backstore " + config.name() + " (" + config.type() + " " +
                (config.path() == null ? "" : config.path()) + "): " + ex.getMessage(), ex);
        }
    }

    private static Backstore create(final BackstoreConfig config) throws IOException
    {
        final int blockSize = config.blockSize() > 0 ? config.blockSize() : 512;
        return switch (config.type())
        {
            case "ram" -> new RamBackstore(config.name(), config.sizeBytes(), blockSize);
            case "fileio" -> FileBackstore.fileio(config.name(), Path.of(config.path()), config.sizeBytes(), blockSize,
                config.directIo(), false);
            // A raw disk, an LVM logical volume (/dev/vg/lv) or a ZVOL (/dev/zvol/pool/vol): one code path.
            case "block" -> FileBackstore.block(config.name(), Path.of(config.path()), config.blockSize(), false);
            default -> throw new IOException("backstore " + config.name() + ": unknown type " + config.type());
        };
    }
}
