package io.ringtarget.server.startup;

import io.ringtarget.server.config.RingtargetConfig;

import java.io.IOException;

/**
 * Keeps a configuration that a live change is about to apply ({@code ConfigFiles.save}: write, fsync, rename). Called
 * by {@link TargetServer#apply} once everything that can fail is prepared and before anything is applied: when it
 * throws, the change is taken back and nothing changed, in memory or on disk.
 */
@FunctionalInterface
public interface ConfigSaver
{
    void save(RingtargetConfig config) throws IOException;
}
