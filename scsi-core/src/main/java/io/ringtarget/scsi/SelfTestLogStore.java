package io.ringtarget.scsi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the self-test log of one logical unit ({@link SelfTest}) survives a restart:
 * {@code <state directory>/self-tests/<serial>.log}, rewritten when a short or extended self-test starts and when it
 * ends. The Self-Test Results log page (SPC-4 7.3.16) is the drive's history that smartctl and smartd read, and a
 * failure in it must not vanish because the target restarted; the read rate the last completed test measured (behind
 * EXTENDED SELF-TEST COMPLETION TIME) is kept with it.
 * <p>
 * Text, one field per line, sealed with a CRC-32C line ({@link DurableFile}), version 1:
 * <pre>
 *   ringtarget self-test log 1
 *   serial SERIAL0001               the serial as the PR state file writes it (%XX outside '!'..'~')
 *   rate 209715200                  bytes per second the last completed test read (0: none measured yet)
 *   entry 2 0 17 -1 000000          newest first, at most 20: code, result, power-on hours, first failed LBA (-1:
 *   entry 1 5 3 4096 030000         none) and sense key, ASC, ASCQ of a failure (hex); results as the log page's
 *   crc32c 1a2b3c4d
 * </pre>
 * Reading checks every field and returns the whole record or throws {@link SelfTestLogStateException}.
 */
final class SelfTestLogStore
{
    static final String DIRECTORY = "self-tests";
    static final String HEADER = "ringtarget self-test log 1";

    /** One entry of the log, as the log page shows it. */
    record Entry(int code, int result, int hours, long failedLba, int sense)
    {
    }

    /** What one file holds: the rate and the entries, newest first. */
    record Log(long bytesPerSecond, List<Entry> entries)
    {
    }

    private final DurableFile durable;
    private final String serial;

    SelfTestLogStore(final Path stateDirectory, final String serial)
    {
        this.durable = new DurableFile(stateDirectory.resolve(DIRECTORY),
            PersistentReservationStore.fileName(serial) + ".log");
        this.serial = serial;
    }

    Path file()
    {
        return durable.file();
    }

    /** The saved log, or null when there is none. */
    Log load() throws SelfTestLogStateException
    {
        final byte[] bytes;
        try
        {
            bytes = durable.read();
        }
        catch (final IOException ex)
        {
            throw new SelfTestLogStateException(file(), "cannot be read: " + ex, ex);
        }
        return bytes == null ? null : decode(bytes);
    }

    void save(final Log log) throws IOException
    {
        durable.replace(encode(log, serial));
    }

    static byte[] encode(final Log log, final String serial)
    {
        final StringBuilder body = new StringBuilder(HEADER).append('\n')
            .append("serial ").append(PersistentReservationStore.escape(serial)).append('\n')
            .append("rate ").append(log.bytesPerSecond()).append('\n');
        for (final Entry e : log.entries())
        {
            body.append("entry ").append(e.code()).append(' ').append(e.result()).append(' ').append(e.hours())
                .append(' ').append(e.failedLba()).append(' ').append(String.format("%06x", e.sense())).append('\n');
        }
        return DurableFile.seal(body.toString());
    }

    Log decode(final byte[] bytes) throws SelfTestLogStateException
    {
        final String[] lines;
        try
        {
            lines = DurableFile.unseal(bytes);
        }
        catch (final IllegalArgumentException ex)
        {
            throw fail(ex.getMessage());
        }
        if (lines.length < 4 || !lines[lines.length - 1].isEmpty())
        {
            throw fail(lines.length - 1 + " lines before the checksum, expected at least 3");
        }
        if (!HEADER.equals(lines[0]))
        {
            throw fail("line 1: expected '" + HEADER + "', found '" + lines[0] + "' (unknown format or version)");
        }
        final String fileSerial = field(lines, 1, "serial");
        if (!fileSerial.equals(PersistentReservationStore.escape(serial)))
        {
            throw fail("line 2: the log of serial '" + fileSerial + "', not of '" + serial + "'");
        }
        final long rate = number(field(lines, 2, "rate"), 3, 0, Long.MAX_VALUE);
        final int count = lines.length - 4;
        if (count > SelfTest.LOG_ENTRIES)
        {
            throw fail(count + " entries, at most " + SelfTest.LOG_ENTRIES);
        }
        final List<Entry> entries = new ArrayList<>(count);
        for (int i = 3; i < lines.length - 1; i++)
        {
            final String[] f = field(lines, i, "entry").split(" ", -1);
            if (f.length != 5)
            {
                throw fail("line " + (i + 1) + ": expected 'entry CODE RESULT HOURS LBA SENSE', found '" + lines[i] +
                    "'");
            }
            final int sense;
            try
            {
                sense = f[4].length() == 6 ? Integer.parseInt(f[4], 16) : -1;
            }
            catch (final NumberFormatException ex)
            {
                throw fail("line " + (i + 1) + ": sense '" + f[4] + "' is not 6 hex digits");
            }
            if (sense < 0)
            {
                throw fail("line " + (i + 1) + ": sense '" + f[4] + "' is not 6 hex digits");
            }
            final int code = (int)number(f[0], i + 1, 1, 7);
            if (code != SelfTest.BACKGROUND_SHORT && code != SelfTest.BACKGROUND_EXTENDED &&
                code != SelfTest.FOREGROUND_SHORT && code != SelfTest.FOREGROUND_EXTENDED)
            {
                throw fail("line " + (i + 1) + ": self-test code " + code + ", expected 1, 2, 5 or 6");
            }
            entries.add(new Entry(code, (int)number(f[1], i + 1, 0, 0xF),
                (int)number(f[2], i + 1, 0, 0xFFFF), number(f[3], i + 1, -1, Long.MAX_VALUE), sense));
        }
        return new Log(rate, List.copyOf(entries));
    }

    private long number(final String value, final int line, final long min, final long max)
        throws SelfTestLogStateException
    {
        final long n;
        try
        {
            n = Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw fail("line " + line + ": '" + value + "' is not a number");
        }
        if (n < min || n > max)
        {
            throw fail("line " + line + ": " + n + " is outside " + min + " to " + max);
        }
        return n;
    }

    private String field(final String[] lines, final int index, final String name) throws SelfTestLogStateException
    {
        if (!lines[index].startsWith(name + " "))
        {
            throw fail("line " + (index + 1) + ": expected '" + name + " ...', found '" + lines[index] + "'");
        }
        return lines[index].substring(name.length() + 1);
    }

    private SelfTestLogStateException fail(final String what)
    {
        return new SelfTestLogStateException(file(), what);
    }
}
