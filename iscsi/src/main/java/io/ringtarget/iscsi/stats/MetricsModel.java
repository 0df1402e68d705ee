package io.ringtarget.iscsi.stats;

import io.ringtarget.backstore.Backstore;
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
 * The label sets of the engine's metrics, each with an index into the arrays every loop counts in: targets, LUNs as
 * (target, LUN number, backstore), portals as (target, portal) and TPGs. A LUN served by two TPGs of one target with
 * the same number and backstore is one LUN here: its counters add up. Portals are the configured ones
 * ({@code 0.0.0.0:3260} for a wildcard portal); a connection counts under the target it logged into, and under target
 * "" while it logs in or when its session is a discovery session. Immutable; shared by every loop and the scrape.
 * <p>
 * A live configuration change makes the next model with {@link #next}: a label set keeps its index for as long as
 * the engine runs (a LUN removed and added again continues its counters), new ones are appended, and those no longer
 * configured are marked so ({@link #lunServed}, {@link #portalServed}, {@link #targetServed}): the scrape leaves them
 * out, their counters stay where they were.
 */
public final class MetricsModel
{
    /**
     * A LUN: the target, its number, the backstore's name, the logical unit (for its capacity) and the backstore (for
     * what a RAM one holds).
     */
    public record LunKey(String target, int lun, String backstore, LogicalUnit logicalUnit, Backstore storage)
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
    private final Map<String, Integer> targetIndex = new HashMap<>();
    private final List<LunKey> luns = new ArrayList<>();
    private final Map<List<Object>, Integer> lunIndex = new HashMap<>();
    private final Map<PortalGroup, int[]> lunKeysByTpg = new IdentityHashMap<>();
    private final List<PortalKey> portals = new ArrayList<>();
    private final Map<PortalKey, Integer> portalIndex = new HashMap<>();
    private final List<Portal> listening = new ArrayList<>();
    private final List<TpgKey> tpgs = new ArrayList<>();
    private final boolean[] targetServed;
    private final boolean[] lunServed;
    private final boolean[] portalServed;

    public MetricsModel(final TargetRegistry registry)
    {
        this(registry, null);
    }

    private MetricsModel(final TargetRegistry registry, final MetricsModel previous)
    {
        if (null != previous)
        {
            // Every label set keeps its index; the logical unit of a LUN key is set again below if it is served.
            for (final String t : previous.targets)
            {
                addTarget(t);
            }
            for (final LunKey lun : previous.luns)
            {
                addLun(lun);
            }
            for (final PortalKey p : previous.portals)
            {
                addPortal(p);
            }
        }
        final Set<Integer> servedTargets = new LinkedHashSet<>();
        final Set<Integer> servedLuns = new LinkedHashSet<>();
        final Set<Integer> servedPortals = new LinkedHashSet<>();
        final Set<Portal> unique = new LinkedHashSet<>();
        for (final TargetNode t : registry.all())
        {
            servedTargets.add(addTarget(t.name()));
            for (final PortalGroup tpg : t.portalGroups())
            {
                tpgs.add(new TpgKey(t.name(), tpg.tag(), tpg.targetPort().group()));
                final long[] numbers = tpg.lunNumbers();
                final int[] keys = new int[numbers.length == 0 ? 0 : (int)numbers[numbers.length - 1] + 1];
                Arrays.fill(keys, -1);
                for (final long n : numbers)
                {
                    final LunMapping m = tpg.lun((int)n);
                    final int key = addLun(new LunKey(t.name(), m.lun(), m.backstore().name(), m.logicalUnit(),
                        m.backstore()));
                    servedLuns.add(key);
                    keys[m.lun()] = key;
                }
                lunKeysByTpg.put(tpg, keys);
                for (final Portal p : tpg.portals())
                {
                    unique.add(p);
                    servedPortals.add(addPortal(new PortalKey(t.name(), p.toString())));
                }
            }
        }
        for (final Portal p : unique)
        {
            listening.add(p);
            servedPortals.add(addPortal(new PortalKey("", p.toString())));
        }
        targetServed = flags(targets.size(), servedTargets);
        lunServed = flags(luns.size(), servedLuns);
        portalServed = flags(portals.size(), servedPortals);
    }

    /** The model of {@code registry} after a live change: the label sets of this one keep their indexes. */
    public MetricsModel next(final TargetRegistry registry)
    {
        return new MetricsModel(registry, this);
    }

    private static boolean[] flags(final int length, final Set<Integer> set)
    {
        final boolean[] flags = new boolean[length];
        for (final int i : set)
        {
            flags[i] = true;
        }
        return flags;
    }

    private int addTarget(final String name)
    {
        final Integer i = targetIndex.get(name);
        if (null != i)
        {
            return i;
        }
        targetIndex.put(name, targets.size());
        targets.add(name);
        return targets.size() - 1;
    }

    private int addLun(final LunKey key)
    {
        final List<Object> id = List.of(key.target(), key.lun(), key.backstore());
        final Integer i = lunIndex.get(id);
        if (null != i)
        {
            luns.set(i, key);   // the logical unit serving it now (its capacity is what the scrape reports)
            return i;
        }
        lunIndex.put(id, luns.size());
        luns.add(key);
        return luns.size() - 1;
    }

    private int addPortal(final PortalKey key)
    {
        final Integer i = portalIndex.get(key);
        if (null != i)
        {
            return i;
        }
        portalIndex.put(key, portals.size());
        portals.add(key);
        return portals.size() - 1;
    }

    public int targetCount()
    {
        return targets.size();
    }

    public String target(final int index)
    {
        return targets.get(index);
    }

    /** Whether the target of this index is configured now (a deleted one keeps its index, not its series). */
    public boolean targetServed(final int index)
    {
        return targetServed[index];
    }

    /** The index of a target (by name), or -1 (null, or not one of ours). */
    public int targetIndex(final TargetNode target)
    {
        final Integer i = target == null ? null : targetIndex.get(target.name());
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

    /** Whether a TPG maps this LUN key now. */
    public boolean lunServed(final int index)
    {
        return lunServed[index];
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

    /** Whether an enabled TPG has this portal now. */
    public boolean portalServed(final int index)
    {
        return portalServed[index];
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

    /** The TPGs configured now. */
    public List<TpgKey> tpgs()
    {
        return tpgs;
    }
}
