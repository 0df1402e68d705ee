package io.ringtarget.scsi;

import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * iSCSI TransportIDs (SPC-4 7.6.4.6) and the initiator port names persistent reservations keep.
 * <pre>
 *   byte 0     FORMAT CODE (bits 7-6) | PROTOCOL IDENTIFIER (bits 3-0) = 5h, iSCSI
 *   byte 1     reserved
 *   bytes 2-3  ADDITIONAL LENGTH: a multiple of 4
 *   bytes 4-   format 00b: ISCSI NAME, null terminated, null padded        (the initiator device)
 *              format 01b: ISCSI NAME ",i,0x" ISID in hex, null terminated  (one initiator port)
 * </pre>
 * A registration names either a whole initiator port ("iqn...,i,0x00023d000001", what an {@link ItNexus} carries
 * and format 01b gives) or, from a format 00b TransportID, a bare iSCSI name that stands for every initiator port
 * of that initiator device (as LIO does when no ISID is given).
 */
final class TransportIds
{
    static final int PROTOCOL_ISCSI = 0x5;
    static final int FORMAT_DEVICE = 0x00;
    static final int FORMAT_PORT = 0x40;
    private static final String SEPARATOR = ",i,0x";

    private TransportIds()
    {
    }

    /** A parsed TransportID, or where it went wrong. */
    static final class Parsed
    {
        /** The initiator port name ("name,i,0x" + 12 hex digits, lower case) or the bare name (format 00b). */
        String name;
        /** Bytes the TransportID takes (4 + ADDITIONAL LENGTH). */
        int length;
        /** Offset of the offending byte within the TransportID when {@link #name} is null. */
        int errorOffset;
        /** With {@link #errorOffset}: the bit, or -1. */
        int errorBit = -1;
    }

    /** A bare iSCSI name (format 00b): every initiator port of that device. */
    static boolean isDevice(final String name)
    {
        return !name.contains(SEPARATOR);
    }

    /**
     * Does a registration for {@code registered} (a port name, or a bare device name) cover the nexus' initiator
     * port? Allocation-free: the command path runs it.
     */
    static boolean covers(final String registered, final boolean device, final String initiatorPortName)
    {
        if (!device)
        {
            return registered.equals(initiatorPortName);
        }
        final int n = registered.length();
        return initiatorPortName.length() > n + SEPARATOR.length() &&
            initiatorPortName.startsWith(registered) && initiatorPortName.startsWith(SEPARATOR, n);
    }

    /** Whether two registration names can cover the same initiator port. */
    static boolean overlap(final String a, final String b)
    {
        return a.equals(b) || covers(a, isDevice(a), b) || covers(b, isDevice(b), a);
    }

    /**
     * Parses the TransportID at {@code offset} of {@code p}, at most {@code available} bytes.
     */
    static Parsed parse(final MemorySegment p, final long offset, final long available)
    {
        final Parsed r = new Parsed();
        if (available < 4)
        {
            r.errorOffset = 0;
            return r;
        }
        final int first = Bytes.u8(p, offset);
        if ((first & 0x0F) != PROTOCOL_ISCSI)
        {
            r.errorOffset = 0;
            r.errorBit = 3;
            return r;
        }
        final int format = first & 0xC0;
        if (format != FORMAT_DEVICE && format != FORMAT_PORT || (first & 0x30) != 0)
        {
            r.errorOffset = 0;
            r.errorBit = 7;
            return r;
        }
        final int additional = Bytes.u16(p, offset + 2);
        if (additional == 0 || additional % 4 != 0 || 4L + additional > available)
        {
            r.errorOffset = 2;
            return r;
        }
        final StringBuilder sb = new StringBuilder(additional);
        int i = 0;
        for (; i < additional; i++)
        {
            final int c = Bytes.u8(p, offset + 4 + i);
            if (c == 0)
            {
                break;
            }
            if (c <= 0x20 || c >= 0x7F)
            {
                r.errorOffset = 4 + i; // iSCSI names are checked in ASCII only (see README)
                return r;
            }
            sb.append((char)c);
        }
        if (i == additional || i == 0)
        {
            r.errorOffset = 4; // not null terminated, or empty
            return r;
        }
        final String text = sb.toString().toLowerCase(Locale.ROOT);
        final int separator = text.indexOf(SEPARATOR);
        if (format == FORMAT_DEVICE)
        {
            if (separator >= 0)
            {
                r.errorOffset = 4 + separator;
                return r;
            }
            r.name = text;
        }
        else
        {
            final String isid = separator > 0 ? text.substring(separator + SEPARATOR.length()) : "";
            if (isid.isEmpty() || isid.length() > 12 || !isHex(isid))
            {
                r.errorOffset = 4 + Math.max(0, separator);
                return r;
            }
            r.name = ItNexus.initiatorPortName(text.substring(0, separator), Long.parseLong(isid, 16));
        }
        r.length = 4 + additional;
        return r;
    }

    private static boolean isHex(final String s)
    {
        for (int i = 0; i < s.length(); i++)
        {
            if (Character.digit(s.charAt(i), 16) < 0)
            {
                return false;
            }
        }
        return true;
    }

    /** Bytes {@link #encode} writes for this name. */
    static int encodedLength(final String name)
    {
        // Null terminated and padded to a multiple of 4; ADDITIONAL LENGTH at least 20 (SPC-4 7.6.4.6).
        return 4 + Math.max(20, (name.length() + 1 + 3) & ~3);
    }

    /**
     * Writes the TransportID of a registration name: format 01b for an initiator port, 00b for a bare device name.
     * Allocation-free.
     *
     * @return bytes written.
     */
    static int encode(final MemorySegment out, final int offset, final String name)
    {
        final int length = encodedLength(name);
        Bytes.zero(out, offset, length);
        Bytes.put8(out, offset, (isDevice(name) ? FORMAT_DEVICE : FORMAT_PORT) | PROTOCOL_ISCSI);
        Bytes.put16(out, offset + 2, length - 4);
        for (int c = 0; c < name.length(); c++)
        {
            Bytes.put8(out, offset + 4 + c, name.charAt(c));
        }
        return length;
    }
}
