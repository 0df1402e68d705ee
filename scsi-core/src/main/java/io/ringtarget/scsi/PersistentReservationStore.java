package io.ringtarget.scsi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

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

    private final DurableFile durable;
    private final Path file;
    private final String serial;

    PersistentReservationStore(final Path stateDirectory, final String serial)
    {
        this.durable = new DurableFile(stateDirectory.resolve(DIRECTORY), fileName(serial) + ".pr");
        this.file = durable.file();
        this.serial = serial;
    }

    private PersistentReservationStore(final String serial, final Path where)
    {
        this.durable = null;
        this.file = where;
        this.serial = serial;
    }

    /** Only {@link #decode}s the format, stored elsewhere ({@link SharedReservations}); {@code where} names it. */
    static PersistentReservationStore decoder(final Path where, final String serial)
    {
        return new PersistentReservationStore(serial, where);
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
            bytes = durable.read();
        }
        catch (final IOException ex)
        {
            throw new PersistentReservationStateException(file, "cannot be read: " + ex, ex);
        }
        return bytes == null ? null : decode(bytes, capacity);
    }

    /** Replaces the file with this state, durably (see the class comment). On the caller's thread. */
    void save(final State state) throws IOException
    {
        durable.replace(encode(state, serial));
    }

    /** No state survives a restart any more (APTPL=0, or nothing registered): the file goes, durably. */
    void delete() throws IOException
    {
        durable.delete();
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
        return DurableFile.seal(sb.toString());
    }

    State decode(final byte[] bytes, final int capacity) throws PersistentReservationStateException
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
