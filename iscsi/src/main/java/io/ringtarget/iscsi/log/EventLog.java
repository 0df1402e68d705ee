package io.ringtarget.iscsi.log;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The server's log: one line per event, {@code <UTC time> <LEVEL> <subsystem>: <message>}, written by a thread of
 * its own. Event loops hand events over through a lock-free queue and never block on the output; when the queue is
 * full the event is dropped and counted, and the count is logged later. The same event repeated within
 * {@link #REPEAT_WINDOW_MILLIS} (same level, subsystem and text, or the same exception) is written once and then
 * summarised with a count, in the spirit of Agrona's DistinctErrorLog, so a flood of identical errors cannot bury
 * the rest of the log.
 * <p>
 * Under journald ({@code JOURNAL_STREAM} set) each line starts with its syslog priority ({@code <6>}), which
 * journald strips and records.
 */
public final class EventLog implements AutoCloseable
{
    public enum Level
    {
        DEBUG(7), INFO(6), WARN(4), ERROR(3);

        final int syslogPriority;

        Level(final int syslogPriority)
        {
            this.syslogPriority = syslogPriority;
        }

        /** A level as administrators write it (debug, info, warn, error, in any case), or null when it is none. */
        public static Level parse(final String name)
        {
            for (final Level level : values())
            {
                if (level.name().equalsIgnoreCase(name))
                {
                    return level;
                }
            }
            return null;
        }
    }

    public static final int QUEUE_CAPACITY = 8192;
    public static final long REPEAT_WINDOW_MILLIS = 10_000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
        .withZone(ZoneOffset.UTC);
    /** After writing, the writer waits this long for more before it sleeps: a burst of events is written in batches. */
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** The longest sleep of an idle writer: {@link #log} wakes it, and repeats due sooner shorten it. */
    private static final long SLEEP_MAX_NANOS = TimeUnit.SECONDS.toNanos(60);

    private record Event(long epochMillis, Level level, String subsystem, String message, Throwable cause)
    {
    }

    private static final class Repeat
    {
        final Event first;
        final long windowEnd;
        long count;

        Repeat(final Event first, final long windowEnd)
        {
            this.first = first;
            this.windowEnd = windowEnd;
        }
    }

    private final PrintStream out;
    private final boolean syslogPrefix;
    /** Changed while running by an administrator ({@code ringtarget log-level}); read by any thread that logs. */
    private volatile Level threshold;
    private final ManyToOneConcurrentArrayQueue<Event> queue = new ManyToOneConcurrentArrayQueue<>(QUEUE_CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Map<String, Repeat> recent = new HashMap<>();
    private final Thread writer;
    private final java.util.function.Consumer<Event> writeEvent = this::write;
    private volatile boolean running = true;
    /** The writer is (about to be) asleep until unparked: {@link #log} then wakes it. */
    private volatile boolean sleeping;
    private long droppedReported;

    /**
     * @param out          where lines go (stdout for a service).
     * @param syslogPrefix prefix lines with {@code <priority>} for journald.
     * @param threshold    the lowest level written.
     */
    public EventLog(final PrintStream out, final boolean syslogPrefix, final Level threshold)
    {
        this.out = out;
        this.syslogPrefix = syslogPrefix;
        this.threshold = threshold;
        this.writer = new Thread(this::run, "ringtarget-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** INFO and above to {@code out}, with syslog prefixes when running under journald. */
    public static EventLog to(final PrintStream out)
    {
        return to(out, Level.INFO);
    }

    /** {@code threshold} and above to {@code out}, with syslog prefixes when running under journald. */
    public static EventLog to(final PrintStream out, final Level threshold)
    {
        return new EventLog(out, System.getenv("JOURNAL_STREAM") != null, threshold);
    }

    /** The lowest level written. */
    public Level threshold()
    {
        return threshold;
    }

    /** Writes {@code threshold} and above from now on (events already queued are written as they are). */
    public void threshold(final Level threshold)
    {
        this.threshold = Objects.requireNonNull(threshold, "threshold");
    }

    public boolean enabled(final Level level)
    {
        return level.ordinal() >= threshold.ordinal();
    }

    public void debug(final String subsystem, final String message)
    {
        log(Level.DEBUG, subsystem, message, null);
    }

    public void info(final String subsystem, final String message)
    {
        log(Level.INFO, subsystem, message, null);
    }

    public void warn(final String subsystem, final String message)
    {
        log(Level.WARN, subsystem, message, null);
    }

    public void error(final String subsystem, final String message, final Throwable cause)
    {
        log(Level.ERROR, subsystem, message, cause);
    }

    /** Hands an event to the writer; never blocks. Any thread. */
    public void log(final Level level, final String subsystem, final String message, final Throwable cause)
    {
        if (!enabled(level))
        {
            return;
        }
        if (!running || !queue.offer(new Event(System.currentTimeMillis(), level, subsystem, message, cause)))
        {
            dropped.incrementAndGet();
        }
        // The offer's CAS is ordered before this read, the writer's write of sleeping before its emptiness check:
        // either it sees the event or we see it asleep.
        if (sleeping)
        {
            LockSupport.unpark(writer);
        }
    }

    /** Events dropped because the writer could not keep up (or after close). */
    public long droppedCount()
    {
        return dropped.get();
    }

    /** Waits until everything logged so far is written (tests, shutdown). */
    public void flush()
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!queue.isEmpty() && System.nanoTime() < deadline && writer.isAlive())
        {
            LockSupport.parkNanos(1_000_000);
        }
        synchronized (out)
        {
            out.flush();
        }
    }

    /** Writes what is queued, the pending repeat counts, and stops the writer. */
    @Override
    public void close()
    {
        if (!running)
        {
            return;
        }
        flush();
        running = false;
        LockSupport.unpark(writer);
        try
        {
            writer.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Writes what is queued; with nothing queued, waits {@link #IDLE_PARK_NANOS} once for more, then sleeps until an
     * event comes ({@link #log} unparks it) or the first repeat is due: an idle log does not wake the process.
     */
    private void run()
    {
        boolean wrote = false;
        while (running || !queue.isEmpty())
        {
            final int drained = queue.drain(writeEvent);
            final long now = System.currentTimeMillis();
            final long nextRepeatEnd = expireRepeats(now, !running);
            reportDropped(now);
            if (drained > 0)
            {
                synchronized (out)
                {
                    out.flush();
                }
                wrote = true;
            }
            else if (running && wrote)
            {
                wrote = false;
                LockSupport.parkNanos(IDLE_PARK_NANOS);
            }
            else if (running)
            {
                sleeping = true;
                if (queue.isEmpty() && running)
                {
                    LockSupport.parkNanos(nextRepeatEnd == Long.MAX_VALUE ? SLEEP_MAX_NANOS :
                        Math.min(SLEEP_MAX_NANOS, TimeUnit.MILLISECONDS.toNanos(Math.max(1, nextRepeatEnd - now))));
                }
                sleeping = false;
            }
        }
        expireRepeats(Long.MAX_VALUE, true);
        synchronized (out)
        {
            out.flush();
        }
    }

    private void write(final Event e)
    {
        final String key = e.level + "|" + e.subsystem + "|" +
            (e.cause == null ? e.message : e.message + "|" + signature(e.cause));
        final Repeat repeat = recent.get(key);
        if (repeat != null && e.epochMillis < repeat.windowEnd)
        {
            repeat.count++;
            return;
        }
        if (repeat != null)
        {
            summarise(repeat);
        }
        recent.put(key, new Repeat(e, e.epochMillis + REPEAT_WINDOW_MILLIS));
        print(e.epochMillis, e.level, e.subsystem, e.message, e.cause);
    }

    /** Summarises the repeats whose window ended; returns the earliest window end left (Long.MAX_VALUE: none). */
    private long expireRepeats(final long now, final boolean all)
    {
        if (recent.isEmpty())
        {
            return Long.MAX_VALUE;   // nothing to do, and no iterator: an idle log allocates nothing
        }
        long next = Long.MAX_VALUE;
        final Iterator<Repeat> it = recent.values().iterator();
        while (it.hasNext())
        {
            final Repeat r = it.next();
            if (all || now >= r.windowEnd)
            {
                summarise(r);
                it.remove();
            }
            else
            {
                next = Math.min(next, r.windowEnd);
            }
        }
        return next;
    }

    private void summarise(final Repeat r)
    {
        if (r.count > 0)
        {
            final Event e = r.first;
            print(System.currentTimeMillis(), e.level, e.subsystem,
                "(repeated " + r.count + " more time" + (r.count == 1 ? "" : "s") + " in " +
                REPEAT_WINDOW_MILLIS / 1000 + " s) " + e.message, null);
            r.count = 0;
        }
    }

    private void reportDropped(final long now)
    {
        final long d = dropped.get();
        if (d != droppedReported)
        {
            print(now, Level.WARN, "log", (d - droppedReported) + " log events dropped (the log could not keep up)", null);
            droppedReported = d;
        }
    }

    private void print(final long epochMillis, final Level level, final String subsystem, final String message,
        final Throwable cause)
    {
        final StringBuilder sb = new StringBuilder(64 + message.length());
        if (syslogPrefix)
        {
            sb.append('<').append(level.syslogPriority).append('>');
        }
        sb.append(TIME.format(Instant.ofEpochMilli(epochMillis))).append(' ').append(level.name());
        for (int i = level.name().length(); i < 5; i++)
        {
            sb.append(' ');
        }
        sb.append(' ').append(subsystem).append(": ").append(message);
        if (cause != null)
        {
            // One line per event: the exception and its top frames, not a multi-line stack trace.
            sb.append(": ").append(signature(cause));
        }
        synchronized (out)
        {
            out.println(sb);
        }
    }

    /** The exception's class and message and where it was thrown (first frames), for the line and for de-duplication. */
    static String signature(final Throwable t)
    {
        final StringBuilder sb = new StringBuilder(t.toString());
        final StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < Math.min(4, frames.length); i++)
        {
            sb.append(i == 0 ? " at " : " < ").append(frames[i]);
        }
        if (t.getCause() != null && t.getCause() != t)
        {
            sb.append("; caused by ").append(t.getCause());
        }
        return sb.toString();
    }
}
