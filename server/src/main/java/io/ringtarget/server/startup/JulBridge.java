package io.ringtarget.server.startup;

import io.ringtarget.iscsi.log.EventLog;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends what the lower layers log through {@code System.Logger} (java.util.logging by default: the ring's set-up,
 * loop errors) to the server's {@link EventLog}, so every line has the same one-line format instead of JUL's
 * two-line records.
 */
public final class JulBridge extends Handler
{
    /** Held: JUL keeps loggers weakly, and a collected one forgets its level. */
    private static final Logger OWN = Logger.getLogger("io.ringtarget");

    private final EventLog log;

    private JulBridge(final EventLog log)
    {
        this.log = log;
    }

    /** Replaces the root logger's handlers with one writing to {@code log}. */
    public static void install(final EventLog log)
    {
        LogManager.getLogManager().reset();
        levels(log.threshold());
        Logger.getLogger("").addHandler(new JulBridge(log));
    }

    /** JUL's levels for an {@link EventLog} threshold: at start, and when an administrator changes it. */
    public static void levels(final EventLog.Level threshold)
    {
        Logger.getLogger("").setLevel(switch (threshold)
        {
            case DEBUG, INFO -> Level.INFO;
            case WARN -> Level.WARNING;
            case ERROR -> Level.SEVERE;
        });
        // Debug for our own code only: the JDK's loggers (the metrics endpoint's HTTP server) say much at FINE.
        OWN.setLevel(threshold == EventLog.Level.DEBUG ? Level.FINE : null);
    }

    @Override
    public void publish(final LogRecord record)
    {
        if (record == null || !isLoggable(record))
        {
            return;
        }
        final int level = record.getLevel().intValue();
        final EventLog.Level to = level >= Level.SEVERE.intValue() ? EventLog.Level.ERROR :
            level >= Level.WARNING.intValue() ? EventLog.Level.WARN :
            level >= Level.INFO.intValue() ? EventLog.Level.INFO : EventLog.Level.DEBUG;
        final String name = record.getLoggerName() == null ? "jdk" : record.getLoggerName();
        final String subsystem = name.substring(name.lastIndexOf('.') + 1);
        log.log(to, subsystem, new java.util.logging.SimpleFormatter().formatMessage(record), record.getThrown());
    }

    @Override
    public void flush()
    {
        log.flush();
    }

    @Override
    public void close()
    {
    }
}
