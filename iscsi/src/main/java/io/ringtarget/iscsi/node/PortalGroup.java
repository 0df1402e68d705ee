package io.ringtarget.iscsi.node;

import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A target portal group at run time: its tag, portals, LUNs (all of them, and the view of each node ACL that maps
 * only some), access control, the SCSI target port it is (RFC 7143 4.4.1: relative target port
 * identifier, ALUA target port group), the NOP-In ping settings of its sessions and the operational keys its logins
 * are offered.
 */
public final class PortalGroup
{
    /** A NOP-In setting the TPG does not set: its sessions take the engine's. */
    public static final int ENGINE_NOP_IN = -1;

    private final TargetNode target;
    private final int tag;
    private final List<Portal> portals;
    private final LunView luns;
    private final Map<String, NodeAcl> acls;
    private final Map<String, LunView> aclLuns;
    private final boolean generateNodeAcls;
    private final boolean chapRequired;
    private final TargetPort targetPort;
    private final int nopInIntervalSeconds;
    private final int nopInTimeoutSeconds;
    private final List<ChapAlgorithm> chapAlgorithms;
    private final TpgParameters parameters;
    private final ChapCredentials generatedAclChap;

    /**
     * A TPG whose target port has relative identifier and ALUA group id = the tag, active/optimized, and whose
     * sessions are pinged as the engine says.
     */
    public PortalGroup(
        final TargetNode target, final int tag, final List<Portal> portals, final List<LunMapping> luns,
        final List<NodeAcl> acls, final boolean generateNodeAcls, final boolean chapRequired)
    {
        this(target, tag, portals, luns, acls, generateNodeAcls, chapRequired,
            new TargetPort(tag, target.name(), tag, new TargetPortGroup(tag)), ENGINE_NOP_IN, ENGINE_NOP_IN);
    }

    /**
     * @param targetPort the SCSI target port of this TPG: the logical units mapped here must have it among their
     *                   {@link io.ringtarget.scsi.LogicalUnit#targetPorts()}.
     * @param nopInIntervalSeconds NOP-In ping after that much silence (0 = none), or {@link #ENGINE_NOP_IN}.
     * @param nopInTimeoutSeconds  how long a ping may go unanswered, or {@link #ENGINE_NOP_IN}.
     */
    public PortalGroup(
        final TargetNode target, final int tag, final List<Portal> portals, final List<LunMapping> luns,
        final List<NodeAcl> acls, final boolean generateNodeAcls, final boolean chapRequired,
        final TargetPort targetPort, final int nopInIntervalSeconds, final int nopInTimeoutSeconds)
    {
        this(target, tag, portals, luns, acls, generateNodeAcls, chapRequired, targetPort, nopInIntervalSeconds,
            nopInTimeoutSeconds, ChapAlgorithm.DEFAULT_ORDER);
    }

    /** @param chapAlgorithms the CHAP algorithms its initiators may use (an initiator's order chooses among them). */
    public PortalGroup(
        final TargetNode target, final int tag, final List<Portal> portals, final List<LunMapping> luns,
        final List<NodeAcl> acls, final boolean generateNodeAcls, final boolean chapRequired,
        final TargetPort targetPort, final int nopInIntervalSeconds, final int nopInTimeoutSeconds,
        final List<ChapAlgorithm> chapAlgorithms)
    {
        this(target, tag, portals, luns, acls, generateNodeAcls, chapRequired, targetPort, nopInIntervalSeconds,
            nopInTimeoutSeconds, chapAlgorithms, TpgParameters.ENGINE);
    }

    /** @param parameters the operational keys its logins are offered where they differ from the engine's. */
    public PortalGroup(
        final TargetNode target, final int tag, final List<Portal> portals, final List<LunMapping> luns,
        final List<NodeAcl> acls, final boolean generateNodeAcls, final boolean chapRequired,
        final TargetPort targetPort, final int nopInIntervalSeconds, final int nopInTimeoutSeconds,
        final List<ChapAlgorithm> chapAlgorithms, final TpgParameters parameters)
    {
        this(target, tag, portals, luns, acls, generateNodeAcls, chapRequired, targetPort, nopInIntervalSeconds,
            nopInTimeoutSeconds, chapAlgorithms, parameters, null);
    }

    /**
     * @param generatedAclChap the CHAP credentials of the initiators it admits without an ACL of their own
     *                         (generateNodeAcls), or null.
     */
    public PortalGroup(
        final TargetNode target, final int tag, final List<Portal> portals, final List<LunMapping> luns,
        final List<NodeAcl> acls, final boolean generateNodeAcls, final boolean chapRequired,
        final TargetPort targetPort, final int nopInIntervalSeconds, final int nopInTimeoutSeconds,
        final List<ChapAlgorithm> chapAlgorithms, final TpgParameters parameters,
        final ChapCredentials generatedAclChap)
    {
        this.generatedAclChap = generatedAclChap;
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.chapAlgorithms = chapAlgorithms == null || chapAlgorithms.isEmpty() ? ChapAlgorithm.DEFAULT_ORDER :
            List.copyOf(chapAlgorithms);
        this.targetPort = Objects.requireNonNull(targetPort, "targetPort");
        this.nopInIntervalSeconds = nopInIntervalSeconds;
        this.nopInTimeoutSeconds = nopInTimeoutSeconds;
        this.target = target;
        this.tag = tag;
        this.portals = List.copyOf(portals);
        this.luns = new LunView(luns);
        final Map<String, NodeAcl> byName = new HashMap<>();
        for (final NodeAcl acl : acls)
        {
            byName.put(acl.initiatorName(), acl);
        }
        this.acls = Map.copyOf(byName);
        final Map<String, LunView> views = new HashMap<>();
        for (final NodeAcl acl : acls)
        {
            if (null != acl.mappedLuns() || acl.readOnly())
            {
                views.put(acl.initiatorName(), new LunView(viewOf(acl, luns)));
            }
        }
        this.aclLuns = Map.copyOf(views);
        this.generateNodeAcls = generateNodeAcls;
        this.chapRequired = chapRequired;
    }

    /**
     * A node ACL's LUNs: each mapped LUN of the TPG under the number the ACL gives it (read-only when the LUN, the
     * ACL or that mapping is), or every LUN of the TPG under its own (read-only ACL). A mapping of a LUN the TPG does
     * not have is left out (the validator refuses it).
     */
    private static List<LunMapping> viewOf(final NodeAcl acl, final List<LunMapping> luns)
    {
        final List<LunMapping> view = new ArrayList<>();
        if (null == acl.mappedLuns())
        {
            for (final LunMapping m : luns)
            {
                view.add(new LunMapping(m.lun(), m.lun(), m.logicalUnit(), m.backstore(), true));
            }
            return view;
        }
        for (final MappedLun mapped : acl.mappedLuns())
        {
            for (final LunMapping m : luns)
            {
                if (m.lun() == mapped.tpgLun())
                {
                    view.add(new LunMapping(mapped.lun(), m.lun(), m.logicalUnit(), m.backstore(),
                        m.readOnly() || acl.readOnly() || mapped.readOnly()));
                }
            }
        }
        return view;
    }

    public TargetNode target()
    {
        return target;
    }

    public int tag()
    {
        return tag;
    }

    /** The SCSI target port sessions of this TPG come through (their I_T nexus' target port). */
    public TargetPort targetPort()
    {
        return targetPort;
    }

    public List<Portal> portals()
    {
        return portals;
    }

    /** The mapping of a LUN number, or null when the TPG has no such LUN. */
    public LunMapping lun(final int lun)
    {
        return luns.lun(lun);
    }

    /** The distinct logical units this TPG maps (a backstore mapped under two LUN numbers is one). */
    public LogicalUnit[] logicalUnits()
    {
        return luns.logicalUnits();
    }

    /** LUN numbers in ascending order. */
    public long[] lunNumbers()
    {
        return luns.lunNumbers();
    }

    /**
     * The LUNs an initiator's sessions see: those its node ACL maps, or every LUN of the TPG when its ACL maps no
     * list of its own or the TPG admits it without an ACL (generateNodeAcls); read-only for a read-only ACL.
     */
    public LunView lunsOf(final String initiatorName)
    {
        final LunView view = aclLuns.get(initiatorName);
        return null == view ? luns : view;
    }

    /**
     * Whether every initiator sees the same LUN numbers, mapping the same logical units, in {@code other}: through
     * the TPG's own view and each ACL's (read-only or not is no change of inventory).
     */
    public boolean sameInventories(final PortalGroup other)
    {
        if (!luns.sameInventory(other.luns))
        {
            return false;
        }
        for (final String initiator : aclLuns.keySet())
        {
            if (!lunsOf(initiator).sameInventory(other.lunsOf(initiator)))
            {
                return false;
            }
        }
        for (final String initiator : other.aclLuns.keySet())
        {
            if (!lunsOf(initiator).sameInventory(other.lunsOf(initiator)))
            {
                return false;
            }
        }
        return true;
    }

    /** The initiators with a node ACL in this TPG. */
    public Set<String> aclInitiators()
    {
        return acls.keySet();
    }

    public boolean chapRequired()
    {
        return chapRequired;
    }

    /** The CHAP algorithms (CHAP_A) its initiators may use, in the order the administrator listed them. */
    public List<ChapAlgorithm> chapAlgorithms()
    {
        return chapAlgorithms;
    }

    /** The operational keys a login into this TPG is offered where they differ from the engine's. */
    public TpgParameters parameters()
    {
        return parameters;
    }

    /** RFC 7143 section 9 / targetcli semantics: listed in the ACLs, or the TPG admits everyone. */
    public boolean admits(final String initiatorName)
    {
        return generateNodeAcls || acls.containsKey(initiatorName);
    }

    /** Whether an initiator's node ACL lets it only read. */
    public boolean readOnlyFor(final String initiatorName)
    {
        final NodeAcl acl = acls.get(initiatorName);
        return null != acl && acl.readOnly();
    }

    /**
     * The CHAP credentials of an initiator, or null when none are configured: its ACL's, or the TPG's for an initiator
     * it admits without one (generateNodeAcls).
     */
    public ChapCredentials chapFor(final String initiatorName)
    {
        final NodeAcl acl = acls.get(initiatorName);
        if (null != acl)
        {
            return acl.chap();
        }
        return generateNodeAcls ? generatedAclChap : null;
    }

    /** Whether a connection that arrived on {@code localIp:localPort} reaches this TPG. */
    public boolean servesPortal(final String localIp, final int localPort)
    {
        for (final Portal p : portals)
        {
            if (p.reachedBy(localIp, localPort))
            {
                return true;
            }
        }
        return false;
    }

    /** The NOP-In interval of this TPG's sessions in nanoseconds: its own, or {@code engineNanos}. */
    public long nopInIntervalNanos(final long engineNanos)
    {
        return nopInIntervalSeconds == ENGINE_NOP_IN ? engineNanos : nopInIntervalSeconds * 1_000_000_000L;
    }

    /** The NOP-In answer timeout of this TPG's sessions in nanoseconds: its own, or {@code engineNanos}. */
    public long nopInTimeoutNanos(final long engineNanos)
    {
        return nopInTimeoutSeconds == ENGINE_NOP_IN ? engineNanos : nopInTimeoutSeconds * 1_000_000_000L;
    }

    /** The NOP-In interval of an initiator's sessions in nanoseconds: its ACL's, the TPG's, or {@code engineNanos}. */
    public long nopInIntervalNanos(final String initiatorName, final long engineNanos)
    {
        final NodeAcl acl = null == initiatorName ? null : acls.get(initiatorName);
        return null == acl || acl.nopInIntervalSeconds() == NodeAcl.TPG_NOP_IN ? nopInIntervalNanos(engineNanos) :
            acl.nopInIntervalSeconds() * 1_000_000_000L;
    }

    /** The NOP-In answer timeout of an initiator's sessions: its ACL's, the TPG's, or {@code engineNanos}. */
    public long nopInTimeoutNanos(final String initiatorName, final long engineNanos)
    {
        final NodeAcl acl = null == initiatorName ? null : acls.get(initiatorName);
        return null == acl || acl.nopInTimeoutSeconds() == NodeAcl.TPG_NOP_IN ? nopInTimeoutNanos(engineNanos) :
            acl.nopInTimeoutSeconds() * 1_000_000_000L;
    }
}
