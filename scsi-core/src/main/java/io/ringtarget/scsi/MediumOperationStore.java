package io.ringtarget.scsi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Where a sanitize or format operation of one logical unit ({@link Sanitize}) survives a restart:
 * {@code <state directory>/medium-operations/<serial>.op}, written when the operation begins, rewritten when it fails
 * and removed when it completes or its failure mode is left. SBC-4 4.11.2 has an interrupted sanitize operation
 * resumed after a power on, and a logical unit whose format failed stays MEDIUM FORMAT CORRUPTED (5.3); without the
 * file a restart would serve a partly sanitized or formatted medium as if nothing had happened.
 * <p>
 * Text, one field per line, sealed with a CRC-32C line ({@link DurableFile}), version 2:
 * <pre>
 *   ringtarget medium operation 2
 *   serial SERIAL0001          the serial as the PR state file writes it (%XX outside '!'..'~')
 *   operation sanitize         or format
 *   state running              or failed
 *   erase 0                    1: deallocate every block (BLOCK ERASE, or a format of a thin unit)
 *   unrestricted 0             AUSE (SBC-4 4.11.3): EXIT FAILURE MODE may leave the failure mode
 *   invert 0                   INVERT: the pattern alternates between passes
 *   passes 1                   1 to 31
 *   pattern 52                 the initialization pattern, hex ('-' for none: zeros)
 *   capacity 8388608           the logical unit's bytes when saved: the progress below holds only at this size
 *   done 3145728               bytes of the operation (of passes x capacity) on the medium and flushed: it resumes
 *                              from there
 *   crc32c 1a2b3c4d
 * </pre>
 * Version 1 (the first release that kept operations) has neither of the last two: it resumes from the first block.
 * Reading checks every field and returns the whole record or throws {@link MediumOperationStateException}.
 */
final class MediumOperationStore
{
    static final String DIRECTORY = "medium-operations";
    static final String HEADER = "ringtarget medium operation 2";
    static final String HEADER_VERSION_1 = "ringtarget medium operation 1";

    /**
     * What one file holds.
     *
     * @param capacity the logical unit's size in bytes when saved (0 in a version 1 file: unknown).
     * @param done     bytes of the operation known to be on the medium: where it resumes, when the size is the same.
     */
    record Operation(boolean format, boolean running, boolean erase, boolean unrestricted, boolean invert,
        int passes, byte[] pattern, long capacity, long done)
    {
        /** The bytes the whole operation writes or deallocates: every pass of an overwrite. */
        long total()
        {
            return erase ? capacity : capacity * passes;
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    private final DurableFile durable;
    private final String serial;

    MediumOperationStore(final Path stateDirectory, final String serial)
    {
        this.durable = new DurableFile(stateDirectory.resolve(DIRECTORY),
            PersistentReservationStore.fileName(serial) + ".op");
        this.serial = serial;
    }

    Path file()
    {
        return durable.file();
    }

    /** The saved operation, or null when there is none. */
    Operation load() throws MediumOperationStateException
    {
        final byte[] bytes;
        try
        {
            bytes = durable.read();
        }
        catch (final IOException ex)
        {
            throw new MediumOperationStateException(file(), "cannot be read: " + ex, ex);
        }
        return bytes == null ? null : decode(bytes);
    }

    void save(final Operation operation) throws IOException
    {
        durable.replace(encode(operation, serial));
    }

    void delete() throws IOException
    {
        durable.delete();
    }

    static byte[] encode(final Operation o, final String serial)
    {
        return DurableFile.seal(HEADER + "\n" +
            "serial " + PersistentReservationStore.escape(serial) + "\n" +
            "operation " + (o.format() ? "format" : "sanitize") + "\n" +
            "state " + (o.running() ? "running" : "failed") + "\n" +
            "erase " + (o.erase() ? 1 : 0) + "\n" +
            "unrestricted " + (o.unrestricted() ? 1 : 0) + "\n" +
            "invert " + (o.invert() ? 1 : 0) + "\n" +
            "passes " + o.passes() + "\n" +
            "pattern " + (o.pattern().length == 0 ? "-" : HEX.formatHex(o.pattern())) + "\n" +
            "capacity " + o.capacity() + "\n" +
            "done " + o.done() + "\n");
    }

    Operation decode(final byte[] bytes) throws MediumOperationStateException
    {
        final StateFileLines<MediumOperationStateException> lines =
            new StateFileLines<>(file(), bytes, MediumOperationStateException::new);
        final boolean version1 = lines.header(HEADER, HEADER_VERSION_1) == 1;
        lines.lineCount(version1 ? 9 : 11);
        lines.serial(1, serial, "operation");
        final boolean format = lines.choice(2, "operation", "format", "sanitize");
        final boolean running = lines.choice(3, "state", "running", "failed");
        final boolean erase = lines.choice(4, "erase", "1", "0");
        final boolean unrestricted = lines.choice(5, "unrestricted", "1", "0");
        final boolean invert = lines.choice(6, "invert", "1", "0");
        final int count = (int)lines.number(7, "passes", 1, 31);
        final String hex = lines.field(8, "pattern");
        final byte[] pattern;
        try
        {
            pattern = "-".equals(hex) ? new byte[0] : HEX.parseHex(hex);
        }
        catch (final IllegalArgumentException ex)
        {
            throw lines.fail("line 9: '" + hex + "' is not hex");
        }
        if (!"-".equals(hex) && pattern.length == 0)
        {
            throw lines.fail("line 9: an empty pattern is written '-'");
        }
        if (version1)
        {
            return new Operation(format, running, erase, unrestricted, invert, count, pattern, 0, 0);
        }
        final long capacity = lines.number(9, "capacity", 0, Long.MAX_VALUE);
        final long done = lines.number(10, "done", 0, Long.MAX_VALUE);
        final Operation operation = new Operation(format, running, erase, unrestricted, invert, count, pattern,
            capacity, done);
        if (done > operation.total())
        {
            throw lines.fail("line 11: " + done + " bytes done of an operation of " + operation.total());
        }
        return operation;
    }
}
