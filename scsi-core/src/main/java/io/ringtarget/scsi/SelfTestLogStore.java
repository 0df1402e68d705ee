package io.ringtarget.scsi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the self-test log of one logical unit ({@link SelfTestResults}) survives a restart:
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
        final StateFileLines<SelfTestLogStateException> lines =
            new StateFileLines<>(file(), bytes, SelfTestLogStateException::new);
        if (lines.count() < 3)
        {
            throw lines.fail(lines.count() + " lines before the checksum, expected at least 3");
        }
        lines.header(HEADER);
        lines.serial(1, serial, "log");
        final long rate = lines.number(2, "rate", 0, Long.MAX_VALUE);
        final int count = lines.count() - 3;
        if (count > SelfTestResults.ENTRIES)
        {
            throw lines.fail(count + " entries, at most " + SelfTestResults.ENTRIES);
        }
        final List<Entry> entries = new ArrayList<>(count);
        for (int i = 3; i < lines.count(); i++)
        {
            final String[] f = lines.field(i, "entry").split(" ", -1);
            if (f.length != 5)
            {
                throw lines.fail("line " + (i + 1) + ": expected 'entry CODE RESULT HOURS LBA SENSE', found '" +
                    lines.line(i) + "'");
            }
            int sense = -1;
            if (f[4].length() == 6)
            {
                try
                {
                    sense = Integer.parseInt(f[4], 16);
                }
                catch (final NumberFormatException ex)
                {
                    sense = -1;   // a sign or a non-hex digit: said below
                }
            }
            if (sense < 0)
            {
                throw lines.fail("line " + (i + 1) + ": sense '" + f[4] + "' is not 6 hex digits");
            }
            final int code = (int)lines.number(f[0], i + 1, 1, 7);
            if (code != SelfTest.BACKGROUND_SHORT && code != SelfTest.BACKGROUND_EXTENDED &&
                code != SelfTest.FOREGROUND_SHORT && code != SelfTest.FOREGROUND_EXTENDED)
            {
                throw lines.fail("line " + (i + 1) + ": self-test code " + code + ", expected 1, 2, 5 or 6");
            }
            entries.add(new Entry(code, (int)lines.number(f[1], i + 1, 0, 0xF),
                (int)lines.number(f[2], i + 1, 0, 0xFFFF), lines.number(f[3], i + 1, -1, Long.MAX_VALUE), sense));
        }
        return new Log(rate, List.copyOf(entries));
    }
}
