package io.ringtarget.backstore.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The machine's memory a RAM backstore may still take: MemAvailable of /proc/meminfo, read at most every
 * {@link #SAMPLE_INTERVAL_NANOS} by whichever event loop needs it next (no thread of its own: an idle target reads
 * nothing), less what RAM backstores took since that reading, less a reserve kept for everything else on the machine.
 * A write that needs pages the headroom does not have is refused (SPACE ALLOCATION FAILED WRITE PROTECT, as a thin
 * device out of space answers, SBC-4 4.7.3.7) instead of taking the memory and meeting the kernel's OOM killer.
 * <p>
 * Thread-safe and allocation-free: one reader at a time (the others use the last reading), the file read with pread
 * into a buffer made once and parsed in place.
 */
public final class MemoryHeadroom
{
    /** How old a reading may be: other processes' growth within it is not seen. */
    public static final long SAMPLE_INTERVAL_NANOS = 100_000_000L;
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    private static final byte[] KEY = "MemAvailable:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** No reading possible (no /proc): no limit but the size check at creation. */
    private static final long UNKNOWN = Long.MAX_VALUE / 4;

    private volatile long reserveBytes;
    private final FileChannel meminfo;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(16 << 10);
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicLong takenSinceReading = new AtomicLong();
    private volatile long availableAtReading = UNKNOWN;
    private volatile long readingNanos;

    /** The headroom all RAM backstores of the process share, keeping {@link #defaultReserveBytes} free. */
    public static MemoryHeadroom machine()
    {
        return Machine.INSTANCE;
    }

    /** 1/32 of the machine's memory, at least 64 MiB and at most 1 GiB: left to the kernel and other processes. */
    public static long defaultReserveBytes(final long physicalBytes)
    {
        return Math.min(1L << 30, Math.max(64L << 20, physicalBytes / 32));
    }

    /** A headroom of its own that keeps {@code reserveBytes} of the machine's available memory free. */
    public MemoryHeadroom(final long reserveBytes)
    {
        this.reserveBytes = reserveBytes;
        FileChannel channel;
        try
        {
            channel = FileChannel.open(MEMINFO);
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            // No /proc (a container without it): nothing to read, so no limit but the size check at creation;
            // README names it.
            channel = null;
        }
        this.meminfo = channel;
        readingNanos = System.nanoTime() - SAMPLE_INTERVAL_NANOS;
    }

    public long reserveBytes()
    {
        return reserveBytes;
    }

    /** Keeps {@code bytes} free from now on (tests and tools; the machine's headroom keeps its default). */
    public void reserveBytes(final long bytes)
    {
        reserveBytes = bytes;
    }

    /**
     * Takes {@code bytes} of new memory if the headroom has them (reading MemAvailable again when the last reading is
     * old).
     *
     * @return false: not taken; the write that needs them is to be refused.
     */
    public boolean take(final long bytes)
    {
        refreshIfOld();
        if (bytes > headroom())
        {
            return false;
        }
        takenSinceReading.addAndGet(bytes);
        return true;
    }

    /** What may still be taken now, from a fresh reading (LOG SENSE: the Logical Block Provisioning page). */
    public long available()
    {
        refresh(System.nanoTime());
        return Math.max(0, headroom());
    }

    /** MemAvailable read now, in bytes; -1 when it cannot be read. */
    public long memAvailable()
    {
        refresh(System.nanoTime());
        return lastAvailable();
    }

    /** MemAvailable as last read (for the message of a refusal); -1 when it cannot be read. */
    public long lastAvailable()
    {
        final long a = availableAtReading;
        return a == UNKNOWN ? -1 : a;
    }

    private long headroom()
    {
        return availableAtReading - takenSinceReading.get() - reserveBytes;
    }

    private void refreshIfOld()
    {
        final long now = System.nanoTime();
        if (now - readingNanos >= SAMPLE_INTERVAL_NANOS)
        {
            refresh(now);
        }
    }

    private void refresh(final long now)
    {
        if (meminfo == null || !reading.compareAndSet(false, true))
        {
            return;   // another loop reads it now: its reading will do
        }
        try
        {
            final long available = read();
            if (available >= 0)
            {
                takenSinceReading.set(0);   // what was taken so far is in the kernel's figure now
                availableAtReading = available;
            }
            readingNanos = now;
        }
        finally
        {
            reading.set(false);
        }
    }

    /** MemAvailable in bytes, or -1. */
    private long read()
    {
        buffer.clear();
        try
        {
            while (buffer.hasRemaining())
            {
                if (meminfo.read(buffer, buffer.position()) <= 0)
                {
                    break;
                }
            }
        }
        catch (final IOException ex)
        {
            return -1;
        }
        return parse(buffer, buffer.position());
    }

    /** MemAvailable's value of the meminfo text in the first {@code length} bytes, in bytes; -1 when absent. */
    static long parse(final ByteBuffer text, final int length)
    {
        for (int line = 0; line < length; )
        {
            if (startsWith(text, line, length))
            {
                long kib = -1;
                for (int i = line + KEY.length; i < length && text.get(i) != '\n'; i++)
                {
                    final byte b = text.get(i);
                    if (b >= '0' && b <= '9')
                    {
                        kib = (kib < 0 ? 0 : kib * 10) + (b - '0');
                    }
                    else if (kib >= 0)
                    {
                        break;   // " kB" after the number
                    }
                }
                return kib < 0 ? -1 : kib * 1024;
            }
            while (line < length && text.get(line) != '\n')
            {
                line++;
            }
            line++;
        }
        return -1;
    }

    private static boolean startsWith(final ByteBuffer text, final int at, final int length)
    {
        if (at + KEY.length > length)
        {
            return false;
        }
        for (int i = 0; i < KEY.length; i++)
        {
            if (text.get(at + i) != KEY[i])
            {
                return false;
            }
        }
        return true;
    }

    private static final class Machine
    {
        static final MemoryHeadroom INSTANCE = new MemoryHeadroom(defaultReserveBytes(
            ((com.sun.management.OperatingSystemMXBean)ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize()));
    }
}
