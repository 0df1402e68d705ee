package io.ringtarget.scsi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the saved mode parameters of one logical unit ({@link ModePages}) are kept:
 * {@code <state directory>/mode-parameters/<serial>.mode}, written by a MODE SELECT with the SP bit (SPC-4 6.9: save
 * every saveable page), read at start, when the saved values become the current ones (SPC-4 7.5.1). What an
 * initiator saves there (sdparm --save, or Linux's cache_type, which sends SP when the page says it is saveable)
 * is what a disk would keep in its own non-volatile store.
 * <p>
 * Text, one field per line, sealed with a CRC-32C line ({@link DurableFile}), version 1:
 * <pre>
 *   ringtarget mode parameters 1
 *   serial SERIAL0001          the serial as the PR state file writes it (%XX outside '!'..'~')
 *   wce 1                      caching page: write cache enabled
 *   configured-wce 0           the configuration's writeCache when that was saved: a later change of it wins
 *   d_sense 0                  control page: descriptor format sense data
 *   swp 0                      control page: software write protect
 *   crc32c 1a2b3c4d
 * </pre>
 * Reading checks every field and returns the whole record or throws {@link ModeParameterStateException}.
 */
final class ModeParameterStore
{
    static final String DIRECTORY = "mode-parameters";
    static final String HEADER = "ringtarget mode parameters 1";
    private static final int LINES = 6;

    /** The saved values of the changeable fields, and the configuration's default WCE when they were saved. */
    record Saved(boolean writeCacheEnabled, boolean configuredWriteCache, boolean descriptorSense,
        boolean softwareWriteProtect)
    {
    }

    private final DurableFile durable;
    private final String serial;

    ModeParameterStore(final Path stateDirectory, final String serial)
    {
        this.durable = new DurableFile(stateDirectory.resolve(DIRECTORY),
            PersistentReservationStore.fileName(serial) + ".mode");
        this.serial = serial;
    }

    Path file()
    {
        return durable.file();
    }

    /** The saved parameters, or null when none were saved. */
    Saved load() throws ModeParameterStateException
    {
        final byte[] bytes;
        try
        {
            bytes = durable.read();
        }
        catch (final IOException ex)
        {
            throw new ModeParameterStateException(file(), "cannot be read: " + ex, ex);
        }
        return bytes == null ? null : decode(bytes);
    }

    /** Replaces the file durably (fsync), on the caller's thread. */
    void save(final Saved saved) throws IOException
    {
        durable.replace(encode(saved, serial));
    }

    static byte[] encode(final Saved s, final String serial)
    {
        return DurableFile.seal(HEADER + '\n' +
            "serial " + PersistentReservationStore.escape(serial) + '\n' +
            "wce " + bit(s.writeCacheEnabled()) + '\n' +
            "configured-wce " + bit(s.configuredWriteCache()) + '\n' +
            "d_sense " + bit(s.descriptorSense()) + '\n' +
            "swp " + bit(s.softwareWriteProtect()) + '\n');
    }

    Saved decode(final byte[] bytes) throws ModeParameterStateException
    {
        final StateFileLines<ModeParameterStateException> lines =
            new StateFileLines<>(file(), bytes, ModeParameterStateException::new);
        lines.header(HEADER);
        lines.lineCount(LINES);
        lines.serial(1, serial, "mode parameters");
        return new Saved(lines.choice(2, "wce", "1", "0"), lines.choice(3, "configured-wce", "1", "0"),
            lines.choice(4, "d_sense", "1", "0"), lines.choice(5, "swp", "1", "0"));
    }

    private static char bit(final boolean b)
    {
        return b ? '1' : '0';
    }
}
