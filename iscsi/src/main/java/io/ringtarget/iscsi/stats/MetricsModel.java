package io.ringtarget.iscsi.stats;

import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.Portal;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.scsi.TargetPortGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.scsi.LogicalUnit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The label sets of the engine's metrics, fixed when the engine starts (the configuration does not change while it
 * runs), each with an index into the arrays every loop counts in: targets, LUNs as (target, LUN number, backstore),
 * portals as (target, portal) and TPGs. A LUN served by two TPGs of one target with the same number and backstore is
 * one LUN here: its counters add up. Portals are the configured ones ({@code 0.0.0.0:3260} for a wildcard portal);
 * a connection counts under the target it logged into, and under target "" while it logs in or when its session is a
 * discovery session. Immutable; shared by every loop and the scrape.
 */
public final class MetricsModel
{
    /** A LUN: the target, its number, the backstore's name, and the logical unit (for its capacity). */
    public record LunKey(String target, int lun, String backstore, LogicalUnit logicalUnit)
    {
    }

    /** A portal of a target; target "" stands for connections not in a session of a target. */
    public record PortalKey(String target, String portal)
    {
    }

    /** A target portal group and its ALUA target port group, whose state a scrape reads (one volatile read). */
    public record TpgKey(String target, int tag, TargetPortGroup group)
    {
    }

    public static final MetricsModel EMPTY = new MetricsModel(new TargetRegistry());

    private final List<String> targets = new ArrayList<>();
    private final Map<TargetNode, Integer> targetIndex = new IdentityHashMap<>();
    private final List<LunKey> luns = new ArrayList<>();
    private final Map<PortalGroup, int[]> lunKeysByTpg = new IdentityHashMap<>();
    private final List<PortalKey> portals = new ArrayList<>();
    private final Map<PortalKey, Integer> portalIndex = new HashMap<>();
    private final List<Portal> listening = new ArrayList<>();
    private final List<TpgKey> tpgs = new ArrayList<>();

    public MetricsModel(final TargetRegistry registry)
    {
        final Map<List<Object>, Integer> lunIndex = new HashMap<>();
        final Set<Portal> unique = new LinkedHashSet<>();
        for (final TargetNode t : registry.all())
        {
            targetIndex.put(t, targets.size());
            targets.add(t.name());
            for (final PortalGroup tpg : t.portalGroups())
            {
                tpgs.add(new TpgKey(t.name(), tpg.tag(), tpg.targetPort().group()));
                final long[] numbers = tpg.lunNumbers();
                final int[] keys = new int[numbers.length == 0 ? 0 : (int)numbers[numbers.length - 1] + 1];
                Arrays.fill(keys, -1);
                for (final long n : numbers)
                {
                    final LunMapping m = tpg.lun((int)n);
                    final List<Object> id = List.of(t.name(), m.lun(), m.backstore().name());
                    Integer key = lunIndex.get(id);
                    if (key == null)
                    {
                        key = luns.size();
                        lunIndex.put(id, key);
                        luns.add(new LunKey(t.name(), m.lun(), m.backstore().name(), m.logicalUnit()));
                    }
                    keys[m.lun()] = key;
                }
                lunKeysByTpg.put(tpg, keys);
                for (final Portal p : tpg.portals())
                {
                    unique.add(p);
                    addPortal(new PortalKey(t.name(), p.toString()));
                }
            }
        }
        for (final Portal p : unique)
        {
            listening.add(p);
            addPortal(new PortalKey("", p.toString()));
        }
    }

    private void addPortal(final PortalKey key)
    {
        if (!portalIndex.containsKey(key))
        {
            portalIndex.put(key, portals.size());
            portals.add(key);
        }
    }

    public int targetCount()
    {
        return targets.size();
    }

    public String target(final int index)
    {
        return targets.get(index);
    }

    /** The index of a configured target, or -1 (null, or not one of ours). */
    public int targetIndex(final TargetNode target)
    {
        final Integer i = target == null ? null : targetIndex.get(target);
        return i == null ? -1 : i;
    }

    public int lunCount()
    {
        return luns.size();
    }

    public LunKey lun(final int index)
    {
        return luns.get(index);
    }

    /** LUN key indexes of a TPG by LUN number (-1 where it has none), or null for a TPG not in the model. */
    int[] lunKeys(final PortalGroup tpg)
    {
        return lunKeysByTpg.get(tpg);
    }

    public int portalCount()
    {
        return portals.size();
    }

    public PortalKey portal(final int index)
    {
        return portals.get(index);
    }

    /**
     * The portal a connection accepted on {@code localIp:localPort} came through, under target "": the configured
     * portal with that address, else the wildcard one on that port; -1 when none matches (not one of ours).
     */
    public int unboundPortal(final String localIp, final int localPort)
    {
        Portal match = null;
        for (final Portal p : listening)
        {
            if (p.port() == localPort && p.ip().equals(localIp))
            {
                match = p;
                break;
            }
            if (match == null && p.reachedBy(localIp, localPort))
            {
                match = p;
            }
        }
        return match == null ? -1 : portalIndex.get(new PortalKey("", match.toString()));
    }

    /** The portal of {@code tpg} a connection on {@code localIp:localPort} logged in through, or -1. */
    public int boundPortal(final TargetNode target, final PortalGroup tpg, final String localIp, final int localPort)
    {
        if (target == null || tpg == null)
        {
            return -1;
        }
        Portal match = null;
        for (final Portal p : tpg.portals())
        {
            if (p.port() == localPort && p.ip().equals(localIp))
            {
                match = p;
                break;
            }
            if (match == null && p.reachedBy(localIp, localPort))
            {
                match = p;
            }
        }
        final Integer i = match == null ? null : portalIndex.get(new PortalKey(target.name(), match.toString()));
        return i == null ? -1 : i;
    }

    public List<TpgKey> tpgs()
    {
        return tpgs;
    }
}
