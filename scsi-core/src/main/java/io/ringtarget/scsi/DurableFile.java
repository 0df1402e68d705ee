package io.ringtarget.scsi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * One small state file of a logical unit under the server's state directory, replaced whole so that a crash leaves
 * the old content or the new: written to {@code NAME.tmp}, fsynced, renamed over the file, the directory fsynced (and
 * its parent when the directory was made). Its text is sealed with a last line {@code crc32c XXXXXXXX} (CRC-32C of
 * every byte before it), so a torn or corrupt file is told from a valid one ({@link #unseal}).
 */
final class DurableFile
{
    private static final String CRC_PREFIX = "crc32c ";

    private final Path directory;
    private final Path file;
    private final Path temporary;

    DurableFile(final Path directory, final String name)
    {
        this.directory = directory;
        this.file = directory.resolve(name);
        this.temporary = directory.resolve(name + ".tmp");
    }

    Path file()
    {
        return file;
    }

    /** The file's bytes, or null when there is none. */
    byte[] read() throws IOException
    {
        try
        {
            return Files.readAllBytes(file);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
    }

    /** Replaces the file with these bytes, durably. On the caller's thread. */
    void replace(final byte[] bytes) throws IOException
    {
        final boolean created = !Files.isDirectory(directory);
        Files.createDirectories(directory);
        if (created)
        {
            fsyncDirectory(directory.getParent());
        }
        try (FileChannel ch = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining())
            {
                ch.write(b);
            }
            ch.force(true);
        }
        try
        {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.deleteIfExists(temporary);
            throw ex;
        }
        fsyncDirectory(directory);
    }

    /** The file goes, durably (a leftover temporary file too). */
    void delete() throws IOException
    {
        if (Files.deleteIfExists(file))
        {
            fsyncDirectory(directory);
        }
        Files.deleteIfExists(temporary);
    }

    private static void fsyncDirectory(final Path dir) throws IOException
    {
        if (dir == null)
        {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ))
        {
            ch.force(true);
        }
    }

    /** ASCII text lines ending in '\n', and the checksum line after them. */
    static byte[] seal(final String body)
    {
        final byte[] text = body.getBytes(StandardCharsets.US_ASCII);
        final CRC32C crc = new CRC32C();
        crc.update(text);
        final String sum = Long.toHexString(crc.getValue());
        final byte[] trailer = (CRC_PREFIX + "00000000".substring(sum.length()) + sum + "\n")
            .getBytes(StandardCharsets.US_ASCII);
        final byte[] sealed = new byte[text.length + trailer.length];
        System.arraycopy(text, 0, sealed, 0, text.length);
        System.arraycopy(trailer, 0, sealed, text.length, trailer.length);
        return sealed;
    }

    /**
     * The lines before the checksum line, the checksum checked first (a torn or flipped file is reported as such, not
     * as whatever field it broke); the last element is the empty string after the final '\n'.
     *
     * @throws IllegalArgumentException saying what is wrong.
     */
    static String[] unseal(final byte[] bytes)
    {
        final int end = bytes.length;
        if (end == 0)
        {
            throw new IllegalArgumentException("empty (torn write?)");
        }
        if (bytes[end - 1] != '\n')
        {
            throw new IllegalArgumentException("does not end with a complete line (torn write?)");
        }
        int lastLine = end - 1;
        while (lastLine > 0 && bytes[lastLine - 1] != '\n')
        {
            lastLine--;
        }
        final String trailer = new String(bytes, lastLine, end - 1 - lastLine, StandardCharsets.US_ASCII);
        if (!trailer.startsWith(CRC_PREFIX) || trailer.length() != CRC_PREFIX.length() + 8)
        {
            throw new IllegalArgumentException("no crc32c line at the end (torn write?)");
        }
        final long expected;
        try
        {
            expected = Long.parseLong(trailer.substring(CRC_PREFIX.length()), 16);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("bad crc32c line '" + trailer + "'");
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, lastLine);
        if (crc.getValue() != expected)
        {
            throw new IllegalArgumentException("checksum mismatch (crc32c " + Long.toHexString(crc.getValue()) +
                ", file says " + Long.toHexString(expected) + "): corrupt");
        }
        for (int i = 0; i < lastLine; i++)
        {
            if (bytes[i] < 0)
            {
                throw new IllegalArgumentException("not ASCII at byte " + i);
            }
        }
        return new String(bytes, 0, lastLine, StandardCharsets.US_ASCII).split("\n", -1);
    }
}
