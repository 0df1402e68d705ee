package io.ringtarget.scsi;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Who a logical unit says it is: the INQUIRY strings, the VPD 0x80 serial and the logical unit's own VPD 0x83
 * designators (NAA, T10 vendor ID; SPC-4 7.8.6, 7.8.17). What belongs to the target port a command came through
 * (relative target port, target port group, port and device names) is the {@link TargetPort}'s. Immutable; the
 * VPD bytes are encoded once here so INQUIRY only copies bytes.
 */
public final class LogicalUnitIdentity
{
    public static final String DEFAULT_VENDOR = "RINGTGT ";
    /** NAA 3 = locally assigned (SPC-4 7.8.6.6.4): we own no IEEE OUI, so we do not pretend to (NAA 5/6). */
    public static final int NAA_LOCALLY_ASSIGNED = 3;

    private final String vendor;
    private final String product;
    private final String revision;
    private final String unitSerial;
    private final long naa;
    private final byte[] unitSerialPage;
    private final byte[] designators;

    /**
     * @param vendor     up to 8 ASCII characters (padded with spaces).
     * @param product    up to 16 ASCII characters.
     * @param revision   up to 4 ASCII characters.
     * @param unitSerial VPD 0x80 serial, printable ASCII.
     * @param naa        the 64-bit NAA designator; 0 derives a locally assigned (NAA 3) one from {@code naaSeed} and
     *                   the serial.
     * @param naaSeed    what a derived NAA is made from besides the serial: the iSCSI target name, as before the
     *                   target ports moved out of here, so a logical unit keeps its NAA (its WWID) across upgrades.
     */
    public LogicalUnitIdentity(
        final String vendor,
        final String product,
        final String revision,
        final String unitSerial,
        final long naa,
        final String naaSeed)
    {
        if (unitSerial == null || unitSerial.isBlank())
        {
            // Initiators (dm-multipath, Windows MPIO) tell LUs apart by it: never invent one here.
            throw new IllegalArgumentException("a unit serial number (VPD page 0x80) is required");
        }
        if (naa == 0 && (naaSeed == null || naaSeed.isEmpty()))
        {
            throw new IllegalArgumentException("a target name is required to derive the NAA");
        }
        this.vendor = pad(vendor, 8);
        this.product = pad(product, 16);
        this.revision = pad(revision, 4);
        this.unitSerial = unitSerial;
        this.naa = naa != 0 ? naa : deriveNaa(naaSeed, unitSerial);
        this.unitSerialPage = encodeUnitSerial();
        this.designators = encodeDesignators();
    }

    /**
     * Identity with our vendor, product "ringtarget", revision "0001", the NAA derived from the target name.
     */
    public static LogicalUnitIdentity of(final String targetName, final String unitSerial)
    {
        return new LogicalUnitIdentity(DEFAULT_VENDOR, "ringtarget", "0001", unitSerial, 0, targetName);
    }

    public String vendor()
    {
        return vendor;
    }

    public String product()
    {
        return product;
    }

    public String revision()
    {
        return revision;
    }

    public String unitSerial()
    {
        return unitSerial;
    }

    public long naa()
    {
        return naa;
    }

    /**
     * @return the NAA designator as 16 hex digits.
     */
    public String naaHex()
    {
        final String hex = Long.toHexString(naa);
        return "0000000000000000".substring(hex.length()) + hex;
    }

    byte[] unitSerialPage()
    {
        return unitSerialPage;
    }

    /** The logical unit's VPD 0x83 designation descriptors (NAA, T10 vendor ID), without the page header. */
    byte[] designators()
    {
        return designators;
    }

    /**
     * Whether one of this logical unit's designators (those of its Device Identification VPD page associated with
     * the logical unit) has this code set, designator type and designator: how an EXTENDED COPY CSCD descriptor names
     * a logical unit (SPC-4 6.4.5.2).
     */
    public boolean matches(
        final int codeSet, final int designatorType, final java.lang.foreign.MemorySegment designator, final long offset,
        final int length)
    {
        for (int o = 0; o + 4 <= designators.length; o += 4 + (designators[o + 3] & 0xFF))
        {
            final int n = designators[o + 3] & 0xFF;
            if ((designators[o] & 0x0F) != codeSet || (designators[o + 1] & 0x0F) != designatorType || n != length ||
                ((designators[o + 1] >>> 4) & 0x03) != 0)
            {
                continue;
            }
            if (java.lang.foreign.MemorySegment.mismatch(java.lang.foreign.MemorySegment.ofArray(designators), o + 4,
                o + 4 + n, designator, offset, offset + n) < 0)
            {
                return true;
            }
        }
        return false;
    }

    private static long deriveNaa(final String targetName, final String serial)
    {
        final CRC32C a = new CRC32C();
        a.update(targetName.getBytes(StandardCharsets.UTF_8));
        final CRC32C b = new CRC32C();
        b.update(serial.getBytes(StandardCharsets.UTF_8));
        final long bits = (a.getValue() << 32) | b.getValue();
        return ((long)NAA_LOCALLY_ASSIGNED << 60) | (bits & 0x0FFF_FFFF_FFFF_FFFFL);
    }

    private static String pad(final String s, final int length)
    {
        final StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            final char c = i < s.length() ? s.charAt(i) : ' ';
            sb.append(c >= 0x20 && c < 0x7F ? c : ' ');
        }
        return sb.toString();
    }

    private byte[] encodeUnitSerial()
    {
        // SPC-4 7.8.17 Unit Serial Number VPD page.
        final byte[] serial = unitSerial.getBytes(StandardCharsets.US_ASCII);
        final int n = Math.min(serial.length, 251);
        final byte[] page = new byte[4 + n];
        page[1] = (byte)0x80;
        page[3] = (byte)n;
        System.arraycopy(serial, 0, page, 4, n);
        return page;
    }

    private byte[] encodeDesignators()
    {
        // SPC-4 7.8.6 Device Identification VPD page: designation descriptors, each a 4-byte header
        // (protocol identifier|code set, PIV|association|designator type, reserved, length) then the designator.
        final byte[] t10 = (vendor + unitSerial).getBytes(StandardCharsets.US_ASCII);
        final byte[] p = new byte[(4 + 8) + (4 + t10.length)];
        int o = 0;

        // NAA, binary, associated with the logical unit.
        p[o] = 0x01;
        p[o + 1] = 0x03;
        p[o + 3] = 8;
        for (int i = 0; i < 8; i++)
        {
            p[o + 4 + i] = (byte)(naa >>> (56 - 8 * i));
        }
        o += 12;

        // T10 vendor ID based, ASCII, logical unit.
        p[o] = 0x02;
        p[o + 1] = 0x01;
        p[o + 3] = (byte)t10.length;
        System.arraycopy(t10, 0, p, o + 4, t10.length);
        return p;
    }
}
