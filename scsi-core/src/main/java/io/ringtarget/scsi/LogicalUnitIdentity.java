package io.ringtarget.scsi;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Who a logical unit says it is: the INQUIRY strings and the VPD 0x80 / 0x83 designators (SPC-4 7.8.6, 7.8.17).
 * Immutable; the VPD pages are encoded once here so INQUIRY only copies bytes.
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
    private final String targetName;
    private final String targetPortName;
    private final int relativeTargetPortId;
    private final int targetPortGroup;
    private final byte[] unitSerialPage;
    private final byte[] deviceIdentificationPage;

    /**
     * @param vendor               up to 8 ASCII characters (padded with spaces).
     * @param product              up to 16 ASCII characters.
     * @param revision             up to 4 ASCII characters.
     * @param unitSerial           VPD 0x80 serial, printable ASCII.
     * @param naa                  the 64-bit NAA designator; 0 derives a locally assigned (NAA 3) one from the
     *                             target name and serial.
     * @param targetName           iSCSI target name.
     * @param targetPortalGroupTag the TPGT, used in the target port name "name,t,0x" + 4 hex digits.
     * @param relativeTargetPortId relative target port identifier (1..65535).
     * @param targetPortGroup      target port group (ALUA) identifier.
     */
    public LogicalUnitIdentity(
        final String vendor,
        final String product,
        final String revision,
        final String unitSerial,
        final long naa,
        final String targetName,
        final int targetPortalGroupTag,
        final int relativeTargetPortId,
        final int targetPortGroup)
    {
        if (unitSerial == null || unitSerial.isBlank())
        {
            // Initiators (dm-multipath, Windows MPIO) tell LUs apart by it: never invent one here.
            throw new IllegalArgumentException("a unit serial number (VPD page 0x80) is required");
        }
        if (targetName == null || targetName.isEmpty())
        {
            throw new IllegalArgumentException("a target name is required");
        }
        this.vendor = pad(vendor, 8);
        this.product = pad(product, 16);
        this.revision = pad(revision, 4);
        this.unitSerial = unitSerial;
        this.naa = naa != 0 ? naa : deriveNaa(targetName, unitSerial);
        this.targetName = targetName;
        final String tag = Integer.toHexString(targetPortalGroupTag & 0xFFFF);
        this.targetPortName = targetName + ",t,0x" + "0000".substring(tag.length()) + tag;
        this.relativeTargetPortId = relativeTargetPortId;
        this.targetPortGroup = targetPortGroup;
        this.unitSerialPage = encodeUnitSerial();
        this.deviceIdentificationPage = encodeDeviceIdentification();
    }

    /**
     * Identity with our vendor, product "ringtarget", revision "0001", TPGT 1, relative port 1, group 1.
     */
    public static LogicalUnitIdentity of(final String targetName, final String unitSerial)
    {
        return new LogicalUnitIdentity(DEFAULT_VENDOR, "ringtarget", "0001", unitSerial, 0, targetName, 1, 1, 1);
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

    public String targetName()
    {
        return targetName;
    }

    public String targetPortName()
    {
        return targetPortName;
    }

    public int relativeTargetPortId()
    {
        return relativeTargetPortId;
    }

    public int targetPortGroup()
    {
        return targetPortGroup;
    }

    byte[] unitSerialPage()
    {
        return unitSerialPage;
    }

    byte[] deviceIdentificationPage()
    {
        return deviceIdentificationPage;
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

    private byte[] encodeDeviceIdentification()
    {
        // SPC-4 7.8.6 Device Identification VPD page: designation descriptors, each a 4-byte header
        // (protocol identifier|code set, PIV|association|designator type, reserved, length) then the designator.
        final byte[] t10 = (vendor + unitSerial).getBytes(StandardCharsets.US_ASCII);
        final byte[] portName = scsiNameString(targetPortName);
        final byte[] deviceName = scsiNameString(targetName);
        final int length = 4 + (4 + 8) + (4 + t10.length) + (4 + 4) + (4 + 4) + (4 + portName.length) +
            (4 + deviceName.length);
        final byte[] p = new byte[length];
        p[1] = (byte)0x83;
        p[2] = (byte)((length - 4) >>> 8);
        p[3] = (byte)(length - 4);
        int o = 4;

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
        o += 4 + t10.length;

        // Relative target port, binary, PIV=1 with protocol identifier 5 = iSCSI (SPC-4 7.6.1), target port.
        p[o] = 0x51;
        p[o + 1] = (byte)0x94;
        p[o + 3] = 4;
        p[o + 6] = (byte)(relativeTargetPortId >>> 8);
        p[o + 7] = (byte)relativeTargetPortId;
        o += 8;

        // Target port group, binary, target port.
        p[o] = 0x51;
        p[o + 1] = (byte)0x95;
        p[o + 3] = 4;
        p[o + 6] = (byte)(targetPortGroup >>> 8);
        p[o + 7] = (byte)targetPortGroup;
        o += 8;

        // SCSI name string (UTF-8) of the target port: "iqn...,t,0xTTTT".
        p[o] = 0x53;
        p[o + 1] = (byte)0x98;
        p[o + 3] = (byte)portName.length;
        System.arraycopy(portName, 0, p, o + 4, portName.length);
        o += 4 + portName.length;

        // SCSI name string of the target device: the iSCSI target name.
        p[o] = 0x53;
        p[o + 1] = (byte)0xA8;
        p[o + 3] = (byte)deviceName.length;
        System.arraycopy(deviceName, 0, p, o + 4, deviceName.length);
        return p;
    }

    private static byte[] scsiNameString(final String name)
    {
        // SPC-4 7.8.6.6.11: null terminated, null padded to a multiple of 4 bytes, at most 256.
        final byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        final int n = Math.min(252, utf8.length);
        final byte[] out = new byte[(n + 4) & ~3];
        System.arraycopy(utf8, 0, out, 0, n);
        return out;
    }
}
