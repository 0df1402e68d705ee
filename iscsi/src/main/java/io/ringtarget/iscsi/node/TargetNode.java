package io.ringtarget.iscsi.node;

import java.util.ArrayList;
import java.util.List;

/** An iSCSI target node at run time: IQN, TargetAlias and its portal groups. */
public final class TargetNode
{
    private final String name;
    private final String alias;
    private final List<PortalGroup> portalGroups = new ArrayList<>();

    public TargetNode(final String name, final String alias)
    {
        this.name = name;
        this.alias = alias;
    }

    public String name()
    {
        return name;
    }

    public String alias()
    {
        return alias;
    }

    public List<PortalGroup> portalGroups()
    {
        return portalGroups;
    }

    public void add(final PortalGroup tpg)
    {
        portalGroups.add(tpg);
    }

    /** The TPG of that tag, or null. */
    public PortalGroup portalGroup(final int tag)
    {
        for (final PortalGroup tpg : portalGroups)
        {
            if (tpg.tag() == tag)
            {
                return tpg;
            }
        }
        return null;
    }

    /** The TPG reached through a local portal, or null. */
    public PortalGroup portalGroupFor(final String localIp, final int localPort)
    {
        for (final PortalGroup tpg : portalGroups)
        {
            if (tpg.servesPortal(localIp, localPort))
            {
                return tpg;
            }
        }
        return null;
    }
}
