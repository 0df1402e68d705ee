package io.ringtarget.scsi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the error counters of one logical unit ({@link LogPages}: the Read and Write Error Counter pages' TOTAL
 * UNCORRECTED ERRORS) survive a restart: {@code <state directory>/error-counters/<serial>.counters}. A disk keeps its
 * error counters across power cycles; smartctl's error counter log and its health verdict (the Informational
 * Exceptions page predicts a failure while they are not zero) would otherwise call a failing LU healthy after a
 * restart.
 * <p>
 * Text, one field per line, sealed with a CRC-32C line ({@link DurableFile}), version 1:
 * <pre>
 *   ringtarget error counters 1
 *   serial SERIAL0001          the serial as the PR state file writes it (%XX outside '!'..'~')
 *   read 3                     reads answered MEDIUM ERROR since the counters' last reset (LOG SELECT)
 *   write 0                    writes answered MEDIUM ERROR since then
 *   crc32c 1a2b3c4d
 * </pre>
 * Reading checks every field and returns the whole record or throws {@link ErrorCounterStateException}.
 */
final class ErrorCounterStore
{
    static final String DIRECTORY = "error-counters";
    static final String HEADER = "ringtarget error counters 1";
    private static final int LINES = 4;

    /** The counts as the pages show them. */
    record Counts(long readErrors, long writeErrors)
    {
    }

    private final DurableFile durable;
    private final String serial;

    ErrorCounterStore(final Path stateDirectory, final String serial)
    {
        this.durable = new DurableFile(stateDirectory.resolve(DIRECTORY),
            PersistentReservationStore.fileName(serial) + ".counters");
        this.serial = serial;
    }

    Path file()
    {
        return durable.file();
    }

    /** The saved counts, or null when none were saved. */
    Counts load() throws ErrorCounterStateException
    {
        final byte[] bytes;
        try
        {
            bytes = durable.read();
        }
        catch (final IOException ex)
        {
            throw new ErrorCounterStateException(file(), "cannot be read: " + ex, ex);
        }
        return bytes == null ? null : decode(bytes);
    }

    /** Replaces the file durably (fsync), on the caller's thread. */
    void save(final Counts counts) throws IOException
    {
        durable.replace(encode(counts, serial));
    }

    static byte[] encode(final Counts c, final String serial)
    {
        return DurableFile.seal(HEADER + '\n' +
            "serial " + PersistentReservationStore.escape(serial) + '\n' +
            "read " + c.readErrors() + '\n' +
            "write " + c.writeErrors() + '\n');
    }

    Counts decode(final byte[] bytes) throws ErrorCounterStateException
    {
        final StateFileLines<ErrorCounterStateException> lines =
            new StateFileLines<>(file(), bytes, ErrorCounterStateException::new);
        lines.header(HEADER);
        lines.lineCount(LINES);
        lines.serial(1, serial, "error counters");
        return new Counts(lines.number(2, "read", 0, Long.MAX_VALUE), lines.number(3, "write", 0, Long.MAX_VALUE));
    }
}
