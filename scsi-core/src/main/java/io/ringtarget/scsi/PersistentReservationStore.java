package io.ringtarget.scsi;

import java.io.ByteArrayOutputStream;
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
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Where the persistent reservations of one logical unit survive a restart when an initiator asked for it with
 * APTPL=1 (SPC-4 5.12.5): {@code <state directory>/persistent-reservations/<serial>.pr}, the serial made safe for a
 * file name ({@link #fileName}).
 * <p>
 * The format is text, one record per line, version 1:
 * <pre>
 *   ringtarget persistent reservations 1
 *   serial SERIAL0001
 *   generation 7                                  PRgeneration, decimal
 *   reservation 5 0                               type (hex, 0 = none) and the holder's registration index (-1)
 *   registration 00000000000000aa 1 - iqn.1994-05.com.redhat:node1,i,0x00023d000001
 *   registration 00000000000000bb 2 a iqn.1994-05.com.redhat:node2      key (hex), relative target port,
 *   count 2                                          "a" = made with ALL_TG_PT (or "-"), initiator port or device
 *   crc32c 1a2b3c4d                               CRC-32C of every byte before this line
 * </pre>
 * Names and the serial are written with bytes outside '!'..'~' and '%' as %XX. A file is written whole to a
 * temporary file, fsynced, renamed over the old one and the directory fsynced, so a crash leaves the old state or the
 * new one. Reading checks everything (the version, each field, the count, the checksum, the serial) and either
 * returns the whole state or throws {@link PersistentReservationStateException} saying what is wrong: never half.
 */
final class PersistentReservationStore
{
    static final String DIRECTORY = "persistent-reservations";
    static final String HEADER = "ringtarget persistent reservations 1";

    /** The state one file holds. */
    static final class State
    {
        int generation;
        int type;
        int holder = -1;
        int count;
        String[] port;
        int[] rtpi;
        long[] key;
        boolean[] allTargetPorts;

        State(final int capacity)
        {
            port = new String[capacity];
            rtpi = new int[capacity];
            key = new long[capacity];
            allTargetPorts = new boolean[capacity];
        }
    }

    private final Path directory;
    private final Path file;
    private final Path temporary;
    private final String serial;

    PersistentReservationStore(final Path stateDirectory, final String serial)
    {
        this.directory = stateDirectory.resolve(DIRECTORY);
        this.serial = serial;
        final String name = fileName(serial);
        this.file = directory.resolve(name + ".pr");
        this.temporary = directory.resolve(name + ".pr.tmp");
    }

    Path file()
    {
        return file;
    }

    /**
     * The unit serial as a file name: letters, digits, '.', '-' kept; every other byte (and '_') as _XX; a leading
     * '.' escaped too, so no serial names a hidden file or leaves the directory.
     */
    static String fileName(final String serial)
    {
        final StringBuilder sb = new StringBuilder();
        final byte[] bytes = serial.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++)
        {
            final int b = bytes[i] & 0xFF;
            final boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                b == '-' || (b == '.' && i > 0);
            if (plain)
            {
                sb.append((char)b);
            }
            else
            {
                sb.append('_').append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            }
        }
        return sb.toString();
    }

    /**
     * @return the saved state, or null when there is none.
     * @throws PersistentReservationStateException when the file exists but cannot be used.
     */
    State load(final int capacity) throws PersistentReservationStateException
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            throw new PersistentReservationStateException(file, "cannot be read: " + ex, ex);
        }
        return decode(bytes, capacity);
    }

    /** Replaces the file with this state, durably (see the class comment). On the caller's thread. */
    void save(final State state) throws IOException
    {
        final byte[] bytes = encode(state, serial);
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

    /** No state survives a restart any more (APTPL=0, or nothing registered): the file goes, durably. */
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

    static byte[] encode(final State s, final String serial)
    {
        final StringBuilder sb = new StringBuilder(128 + 96 * s.count);
        sb.append(HEADER).append('\n');
        sb.append("serial ").append(escape(serial)).append('\n');
        sb.append("generation ").append(s.generation & 0xFFFF_FFFFL).append('\n');
        sb.append("reservation ").append(Integer.toHexString(s.type)).append(' ').append(s.holder).append('\n');
        for (int i = 0; i < s.count; i++)
        {
            final String key = Long.toHexString(s.key[i]);
            sb.append("registration ").append("0000000000000000", key.length(), 16).append(key).append(' ')
                .append(s.rtpi[i]).append(' ').append(s.allTargetPorts[i] ? 'a' : '-').append(' ')
                .append(escape(s.port[i])).append('\n');
        }
        sb.append("count ").append(s.count).append('\n');
        final byte[] body = sb.toString().getBytes(StandardCharsets.US_ASCII);
        final CRC32C crc = new CRC32C();
        crc.update(body);
        final String sum = Long.toHexString(crc.getValue());
        final String trailer = "crc32c " + "00000000".substring(sum.length()) + sum + "\n";
        final ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + trailer.length());
        out.writeBytes(body);
        out.writeBytes(trailer.getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    State decode(final byte[] bytes, final int capacity) throws PersistentReservationStateException
    {
        // The checksum first: a torn or flipped file is reported as such, not as whatever field it broke.
        int end = bytes.length;
        if (end == 0)
        {
            throw fail("empty (torn write?)");
        }
        if (bytes[end - 1] != '\n')
        {
            throw fail("does not end with a complete line (torn write?)");
        }
        int lastLine = end - 1;
        while (lastLine > 0 && bytes[lastLine - 1] != '\n')
        {
            lastLine--;
        }
        final String trailer = new String(bytes, lastLine, end - 1 - lastLine, StandardCharsets.US_ASCII);
        if (!trailer.startsWith("crc32c ") || trailer.length() != 15)
        {
            throw fail("no crc32c line at the end (torn write?)");
        }
        final long expected;
        try
        {
            expected = Long.parseLong(trailer.substring(7), 16);
        }
        catch (final NumberFormatException ex)
        {
            throw fail("bad crc32c line '" + trailer + "'");
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, lastLine);
        if (crc.getValue() != expected)
        {
            throw fail("checksum mismatch (crc32c " + Long.toHexString(crc.getValue()) + ", file says " +
                Long.toHexString(expected) + "): corrupt");
        }
        for (int i = 0; i < lastLine; i++)
        {
            if (bytes[i] < 0)
            {
                throw fail("not ASCII at byte " + i);
            }
        }
        final String[] lines = new String(bytes, 0, lastLine, StandardCharsets.US_ASCII).split("\n", -1);
        // lines[last] is the empty string after the final '\n'.
        if (lines.length < 6 || !lines[lines.length - 1].isEmpty())
        {
            throw fail("too short");
        }
        if (!HEADER.equals(lines[0]))
        {
            throw fail("line 1: expected '" + HEADER + "', found '" + lines[0] + "' (unknown format or version)");
        }
        final String fileSerial = unescape(field(lines, 1, "serial"), 2);
        if (!fileSerial.equals(serial))
        {
            throw fail("line 2: the state of serial '" + fileSerial + "', not of '" + serial + "'");
        }
        final State s = new State(capacity);
        final long generation = number(field(lines, 2, "generation"), 3, 10, 0, 0xFFFF_FFFFL);
        s.generation = (int)generation;
        final String[] reservation = field(lines, 3, "reservation").split(" ", -1);
        if (reservation.length != 2)
        {
            throw fail("line 4: expected 'reservation <type> <holder>'");
        }
        s.type = (int)number(reservation[0], 4, 16, 0, 8);
        s.holder = (int)number(reservation[1], 4, 10, -1, capacity - 1);
        final int registrations = lines.length - 1 - 5;
        if (registrations < 0)
        {
            throw fail("too short");
        }
        if (registrations > capacity)
        {
            throw fail(registrations + " registrations, more than " + capacity);
        }
        final Set<String> seen = new HashSet<>();
        for (int r = 0; r < registrations; r++)
        {
            final int line = 4 + r;
            final String[] f = field(lines, line, "registration").split(" ", -1);
            if (f.length != 4)
            {
                throw fail("line " + (line + 1) + ": expected 'registration <key> <rtpi> <a|-> <initiator>'");
            }
            if (f[0].length() != 16)
            {
                throw fail("line " + (line + 1) + ": a key is 16 hex digits");
            }
            final long key;
            try
            {
                key = Long.parseUnsignedLong(f[0], 16);
            }
            catch (final NumberFormatException ex)
            {
                throw fail("line " + (line + 1) + ": bad key '" + f[0] + "'");
            }
            if (key == 0)
            {
                throw fail("line " + (line + 1) + ": a registration's key is never 0");
            }
            final int rtpi = (int)number(f[1], line + 1, 10, 1, 0xFFFF);
            if (!f[2].equals("a") && !f[2].equals("-"))
            {
                throw fail("line " + (line + 1) + ": expected 'a' or '-', found '" + f[2] + "'");
            }
            final String port = unescape(f[3], line + 1);
            if (port.isEmpty())
            {
                throw fail("line " + (line + 1) + ": no initiator name");
            }
            if (!seen.add(port + "|" + rtpi))
            {
                throw fail("line " + (line + 1) + ": " + port + " through port " + rtpi + " registered twice");
            }
            s.key[r] = key;
            s.rtpi[r] = rtpi;
            s.allTargetPorts[r] = f[2].equals("a");
            s.port[r] = port;
        }
        s.count = registrations;
        final int countLine = 4 + registrations;
        final long count = number(field(lines, countLine, "count"), countLine + 1, 10, 0, capacity);
        if (count != registrations)
        {
            throw fail("line " + (countLine + 1) + ": count " + count + " but " + registrations + " registrations");
        }
        if (s.type != 0 && !PersistentReservations.validType(s.type))
        {
            throw fail("line 4: reservation type " + Integer.toHexString(s.type) + " does not exist");
        }
        if (s.type == 0 ? s.holder != -1 :
            PersistentReservations.allRegistrants(s.type) ? s.holder >= s.count : s.holder < 0 || s.holder >= s.count)
        {
            throw fail("line 4: holder " + s.holder + " does not fit reservation type " +
                Integer.toHexString(s.type) + " and " + s.count + " registrations");
        }
        if (s.type != 0 && s.count == 0)
        {
            throw fail("line 4: a reservation without registrations");
        }
        return s;
    }

    private String field(final String[] lines, final int index, final String name)
        throws PersistentReservationStateException
    {
        if (index >= lines.length - 1 || !lines[index].startsWith(name + " "))
        {
            throw fail("line " + (index + 1) + ": expected '" + name + " ...', found '" +
                (index < lines.length - 1 ? lines[index] : "") + "'");
        }
        return lines[index].substring(name.length() + 1);
    }

    private long number(final String text, final int line, final int radix, final long min, final long max)
        throws PersistentReservationStateException
    {
        try
        {
            final long v = Long.parseLong(text, radix);
            if (v < min || v > max)
            {
                throw fail("line " + line + ": " + text + " is out of range");
            }
            return v;
        }
        catch (final NumberFormatException ex)
        {
            throw fail("line " + line + ": '" + text + "' is not a number");
        }
    }

    private PersistentReservationStateException fail(final String what)
    {
        return new PersistentReservationStateException(file, what);
    }

    static String escape(final String s)
    {
        final StringBuilder sb = new StringBuilder(s.length());
        for (final byte x : s.getBytes(StandardCharsets.UTF_8))
        {
            final int b = x & 0xFF;
            if (b > ' ' && b < 0x7F && b != '%')
            {
                sb.append((char)b);
            }
            else
            {
                sb.append('%').append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            }
        }
        return sb.toString();
    }

    private String unescape(final String s, final int line) throws PersistentReservationStateException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            if (c == '%')
            {
                final int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                final int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0)
                {
                    throw fail("line " + line + ": bad escape in '" + s + "'");
                }
                out.write(hi << 4 | lo);
                i += 2;
            }
            else if (c <= ' ' || c >= 0x7F)
            {
                throw fail("line " + line + ": unexpected character in '" + s + "'");
            }
            else
            {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
