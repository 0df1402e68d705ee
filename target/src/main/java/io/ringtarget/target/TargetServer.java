package io.ringtarget.target;

import io.ringtarget.target.config.RingtargetConfig;
import io.ringtarget.target.engine.Engine;

import java.io.IOException;
import java.io.PrintStream;

/**
 * A running target: the event loops, their portals and the configured targets. {@link #start} returns once every
 * portal is listening; {@link #close} shuts down cleanly (in-flight I/O completes, sessions end).
 */
public final class TargetServer implements AutoCloseable
{
    private final Engine engine;

    private TargetServer(final Engine engine)
    {
        this.engine = engine;
    }

    public static TargetServer start(final RingtargetConfig config, final PrintStream log) throws IOException
    {
        return new TargetServer(Engine.start(config, log));
    }

    /** Blocks until {@link #close} has finished (from another thread or a shutdown hook). */
    public void awaitTermination() throws InterruptedException
    {
        engine.awaitTermination();
    }

    /** The portals actually listening, as ip:port (useful when a config asks for port 0). */
    public java.util.List<String> portals()
    {
        return engine.portals();
    }

    @Override
    public void close()
    {
        engine.close();
    }
}
