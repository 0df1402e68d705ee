package io.ringtarget.target.engine;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.backstore.RamBackstore;
import io.ringtarget.target.config.BackstoreConfig;

import java.io.IOException;

/** Opens the backstore a configuration entry describes. */
final class BackstoreFactory
{
    private BackstoreFactory()
    {
    }

    static Backstore open(final BackstoreConfig config) throws IOException
    {
        final int blockSize = config.blockSize() > 0 ? config.blockSize() : 512;
        return switch (config.type())
        {
            case "ram" -> new RamBackstore(config.name(), config.sizeBytes(), blockSize);
            default -> throw new IOException("backstore " + config.name() + ": type " + config.type() + " is not available yet");
        };
    }
}
