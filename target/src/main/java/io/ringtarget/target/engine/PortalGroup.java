package io.ringtarget.target.engine;

import io.ringtarget.target.config.AclConfig;
import io.ringtarget.target.config.ChapConfig;
import io.ringtarget.target.config.PortalConfig;

import java.util.List;
import java.util.Map;

/**
 * A target portal group at run time: its tag, portals, LUN table (indexed by LUN number for a lookup per
 * command without hashing) and access control.
 */
public final class PortalGroup
{
    private final TargetNode target;
    private final int tag;
    private final List<PortalConfig> portals;
    private final LunMapping[] lunsByNumber;
    private final long[] lunNumbers;
    private final Map<String, AclConfig> acls;
    private final boolean generateNodeAcls;
    private final boolean chapRequired;

    public PortalGroup(
        final TargetNode target, final int tag, final List<PortalConfig> portals, final List<LunMapping> luns,
        final Map<String, AclConfig> acls, final boolean generateNodeAcls, final boolean chapRequired)
    {
        this.target = target;
        this.tag = tag;
        this.portals = List.copyOf(portals);
        int max = -1;
        for (final LunMapping m : luns)
        {
            max = Math.max(max, m.lun());
        }
        this.lunsByNumber = new LunMapping[max + 1];
        this.lunNumbers = new long[luns.size()];
        int i = 0;
        for (final LunMapping m : luns)
        {
            lunsByNumber[m.lun()] = m;
            lunNumbers[i++] = m.lun();
        }
        java.util.Arrays.sort(lunNumbers);
        this.acls = Map.copyOf(acls);
        this.generateNodeAcls = generateNodeAcls;
        this.chapRequired = chapRequired;
    }

    public TargetNode target()
    {
        return target;
    }

    public int tag()
    {
        return tag;
    }

    public List<PortalConfig> portals()
    {
        return portals;
    }

    /** The mapping of a LUN number, or null when the TPG has no such LUN. */
    public LunMapping lun(final int lun)
    {
        return lun >= 0 && lun < lunsByNumber.length ? lunsByNumber[lun] : null;
    }

    /** LUN numbers in ascending order, for REPORT LUNS. */
    public long[] lunNumbers()
    {
        return lunNumbers;
    }

    public boolean chapRequired()
    {
        return chapRequired;
    }

    /** RFC 7143 section 9 / targetcli semantics: listed in the ACLs, or the TPG admits everyone. */
    public boolean admits(final String initiatorName)
    {
        return generateNodeAcls || acls.containsKey(initiatorName);
    }

    /** The CHAP credentials of an initiator, or null when none are configured. */
    public ChapConfig chapFor(final String initiatorName)
    {
        final AclConfig acl = acls.get(initiatorName);
        return acl == null ? null : acl.chap();
    }

    /** Whether a connection that arrived on {@code localIp:localPort} reaches this TPG. */
    public boolean servesPortal(final String localIp, final int localPort)
    {
        for (final PortalConfig p : portals)
        {
            if (p.port() == localPort && ("0.0.0.0".equals(p.ip()) || "::".equals(p.ip()) || p.ip().equals(localIp)))
            {
                return true;
            }
        }
        return false;
    }
}
