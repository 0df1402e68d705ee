package io.ringtarget.scsi;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A SCSI target port (SAM-5 4.6.5): for iSCSI, a target portal group of a target node (RFC 7143 4.4.1). It has a
 * relative target port identifier unique within the SCSI target device, a name ("iqn...,t,0x0001", RFC 7143 13.1.4,
 * SPC-4 7.8.6.6.11) and belongs to one {@link TargetPortGroup} (ALUA).
 * <p>
 * Immutable. The designators INQUIRY VPD page 0x83 reports for the port a command arrived on (relative target port,
 * target port group, the SCSI name strings of the port and of the target device) are encoded once here; INQUIRY
 * copies them after the logical unit's own.
 */
public final class TargetPort
{
    private final int relativeTargetPortId;
    private final String targetName;
    private final int portalGroupTag;
    private final String name;
    private final TargetPortGroup group;
    private final byte[] designators;

    /**
     * @param relativeTargetPortId RELATIVE TARGET PORT IDENTIFIER, 1..65535 (0 is reserved, SPC-4 7.8.6.6.7).
     * @param targetName           the iSCSI target name (the SCSI target device name).
     * @param portalGroupTag       the TPGT: the port is named "targetName,t,0x" + 4 hex digits.
     * @param group                its ALUA target port group.
     */
    public TargetPort(
        final int relativeTargetPortId, final String targetName, final int portalGroupTag, final TargetPortGroup group)
    {
        if (relativeTargetPortId < 1 || relativeTargetPortId > 0xFFFF)
        {
            throw new IllegalArgumentException("relative target port identifier " + relativeTargetPortId);
        }
        if (targetName == null || targetName.isEmpty())
        {
            throw new IllegalArgumentException("a target name is required");
        }
        this.relativeTargetPortId = relativeTargetPortId;
        this.targetName = targetName;
        this.portalGroupTag = portalGroupTag & 0xFFFF;
        final String tag = Integer.toHexString(this.portalGroupTag);
        this.name = targetName + ",t,0x" + "0000".substring(tag.length()) + tag;
        this.group = Objects.requireNonNull(group, "group");
        this.designators = encodeDesignators();
    }

    public int relativeTargetPortId()
    {
        return relativeTargetPortId;
    }

    public String targetName()
    {
        return targetName;
    }

    public int portalGroupTag()
    {
        return portalGroupTag;
    }

    /** The target port name: "iqn...,t,0x0001". */
    public String name()
    {
        return name;
    }

    public TargetPortGroup group()
    {
        return group;
    }

    /** The VPD 0x83 designation descriptors of this port, encoded (read-only: never modify). */
    byte[] designators()
    {
        return designators;
    }

    private byte[] encodeDesignators()
    {
        // SPC-4 7.8.6: designation descriptors, each a 4-byte header (protocol identifier|code set,
        // PIV|association|designator type, reserved, length) then the designator. PIV=1 with protocol identifier
        // 5h = iSCSI (SPC-4 7.6.1).
        final byte[] portName = scsiNameString(name);
        final byte[] deviceName = scsiNameString(targetName);
        final byte[] p = new byte[(4 + 4) + (4 + 4) + (4 + portName.length) + (4 + deviceName.length)];
        int o = 0;

        // Relative target port (type 4h), binary, associated with the target port (SPC-4 7.8.6.6.7).
        p[o] = 0x51;
        p[o + 1] = (byte)0x94;
        p[o + 3] = 4;
        p[o + 6] = (byte)(relativeTargetPortId >>> 8);
        p[o + 7] = (byte)relativeTargetPortId;
        o += 8;

        // Target port group (type 5h), binary, target port (SPC-4 7.8.6.6.8): Linux scsi_dh_alua needs it and the
        // relative port, or it does not attach.
        p[o] = 0x51;
        p[o + 1] = (byte)0x95;
        p[o + 3] = 4;
        p[o + 6] = (byte)(group.id() >>> 8);
        p[o + 7] = (byte)group.id();
        o += 8;

        // SCSI name string (type 8h, UTF-8) of the target port: "iqn...,t,0xTTTT".
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

    public String toString()
    {
        return "TargetPort{" + name + ", rtpi=" + relativeTargetPortId + ", group=" + group.id() + '}';
    }
}
