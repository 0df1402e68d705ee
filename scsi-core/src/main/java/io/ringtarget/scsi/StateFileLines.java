package io.ringtarget.scsi;

import java.nio.file.Path;

/**
 * The lines of one sealed state file ({@link DurableFile#unseal}) read field by field ({@code name value}, one per
 * line), so that every store checks its file the same way: a failure names the line and what was found, and comes as
 * the store's own {@link StateFileException}.
 *
 * @param <E> the store's exception.
 */
final class StateFileLines<E extends StateFileException>
{
    /** Makes a store's exception for its file. */
    interface Failure<E extends StateFileException>
    {
        E of(Path file, String what);
    }

    private final Path file;
    private final Failure<E> failure;
    private final String[] lines;

    /** Checks the seal; a torn or corrupt file fails here. */
    StateFileLines(final Path file, final byte[] bytes, final Failure<E> failure) throws E
    {
        this.file = file;
        this.failure = failure;
        try
        {
            this.lines = DurableFile.unseal(bytes);
        }
        catch (final IllegalArgumentException ex)
        {
            throw failure.of(file, ex.getMessage());
        }
    }

    /** The lines before the checksum line. */
    int count()
    {
        return lines.length - 1;
    }

    /** Line {@code index + 1} as it is. */
    String line(final int index)
    {
        return lines[index];
    }

    /**
     * Line 1 must be one of {@code headers} (a format and version this build reads).
     *
     * @return which of them.
     */
    int header(final String... headers) throws E
    {
        for (int i = 0; i < headers.length; i++)
        {
            if (headers[i].equals(lines[0]))
            {
                return i;
            }
        }
        throw fail("line 1: expected '" + headers[0] + "', found '" + lines[0] + "' (unknown format or version)");
    }

    /** Exactly {@code expected} lines before the checksum. */
    void lineCount(final int expected) throws E
    {
        if (count() != expected)
        {
            throw fail(count() + " lines before the checksum, expected " + expected);
        }
    }

    /** Line {@code index + 1} is {@code serial SERIAL} with this logical unit's serial: a file is never another's. */
    void serial(final int index, final String serial, final String whose) throws E
    {
        final String fileSerial = field(index, "serial");
        if (!fileSerial.equals(PersistentReservationStore.escape(serial)))
        {
            throw fail("line " + (index + 1) + ": the " + whose + " of serial '" + fileSerial + "', not of '" + serial +
                "'");
        }
    }

    /** The value of line {@code index + 1}, which must be {@code name value}. */
    String field(final int index, final String name) throws E
    {
        if (!lines[index].startsWith(name + " "))
        {
            throw fail("line " + (index + 1) + ": expected '" + name + " ...', found '" + lines[index] + "'");
        }
        return lines[index].substring(name.length() + 1);
    }

    /** Line {@code index + 1}'s value, which must be {@code yes} or {@code no}. */
    boolean choice(final int index, final String name, final String yes, final String no) throws E
    {
        final String value = field(index, name);
        if (!yes.equals(value) && !no.equals(value))
        {
            throw fail("line " + (index + 1) + ": " + name + " '" + value + "', expected " + yes + " or " + no);
        }
        return yes.equals(value);
    }

    /** Line {@code index + 1}'s value as a decimal number from {@code min} to {@code max}. */
    long number(final int index, final String name, final long min, final long max) throws E
    {
        return number(field(index, name), index + 1, min, max);
    }

    /** {@code text}, found on line {@code line}, as a decimal number from {@code min} to {@code max}. */
    long number(final String text, final int line, final long min, final long max) throws E
    {
        final long n;
        try
        {
            n = Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw fail("line " + line + ": '" + text + "' is not a number");
        }
        if (n < min || n > max)
        {
            throw fail("line " + line + ": " + n + " is outside " + min + " to " + max);
        }
        return n;
    }

    E fail(final String what)
    {
        return failure.of(file, what);
    }
}
