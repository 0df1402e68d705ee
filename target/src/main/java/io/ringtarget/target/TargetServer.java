package io.ringtarget.target;

import io.ringtarget.target.config.RingtargetConfig;

import java.io.IOException;
import java.io.PrintStream;

/**
 * A running target: the event loops, their portals and the configured targets. {@link #start} returns once every
 * portal is listening; {@link #close} shuts down cleanly (in-flight I/O completes, sessions end).
 */
public final class TargetServer implements AutoCloseable
{
    private TargetServer()
    {
    }

    public static TargetServer start(final RingtargetConfig config, final PrintStream log) throws IOException
    {
        throw new IOException("the iSCSI engine is not built yet");
    }

    /** Blocks until {@link #close} has finished (from another thread or a shutdown hook). */
    public void awaitTermination() throws InterruptedException
    {
    }

    @Override
    public void close()
    {
    }
}
