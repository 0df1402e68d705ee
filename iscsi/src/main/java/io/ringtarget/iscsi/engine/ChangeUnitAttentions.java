package io.ringtarget.iscsi.engine;

import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.LunView;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.scsi.LogicalUnit;

import java.util.HashSet;
import java.util.Set;

/**
 * The unit attentions a live change establishes, for each TPG that was there before it and is still there:
 * <ul>
 *     <li>REPORTED LUNS DATA HAS CHANGED (SPC-4 6.33, 3F/0E) when its LUN inventory changed (its own, or the mapped
 *     LUNs of one of its node ACLs): a unit attention is the logical unit's, so it is established on every logical
 *     unit the TPG still maps and reaches each I_T nexus with its next command to any of them (also a nexus whose own
 *     inventory did not change, through this TPG or another TPG of the target that maps the same logical unit: it
 *     asks REPORT LUNS and finds it unchanged). A session left without LUNs has no logical unit to report it
 *     through;</li>
 *     <li>MODE PARAMETERS CHANGED (2A/01) for each initiator whose node ACL now shows a logical unit read-only where
 *     it was writable, or the other way round, under the same LUN number ({@code acls set-read-only}, a mapping's
 *     {@code :ro}): the WP bit of the mode parameter header it reads changed (SBC-4 6.5.2), and SPC-4 5.14 tells the
 *     other I_T nexuses of a mode parameter change with this unit attention. Only that initiator's sessions through
 *     that TPG get it. Linux logs "Mode parameters changed" and takes the new state at a rescan.</li>
 * </ul>
 * Called once the loops have applied the change, so that what an initiator asks because of the unit attention
 * (REPORT LUNS, MODE SENSE) already has the new answer.
 */
final class ChangeUnitAttentions
{
    private ChangeUnitAttentions()
    {
    }

    static void report(final TargetRegistry before, final TargetRegistry after)
    {
        for (final TargetNode node : after.all())
        {
            final TargetNode old = before.find(node.name());
            for (final PortalGroup tpg : node.portalGroups())
            {
                final PortalGroup was = null == old ? null : old.portalGroup(tpg.tag());
                if (null == was)
                {
                    continue;
                }
                if (!was.sameInventories(tpg))
                {
                    for (final LogicalUnit lu : tpg.logicalUnits())
                    {
                        lu.reportedLunsChanged();
                    }
                }
                final Set<String> initiators = new HashSet<>(tpg.aclInitiators());
                initiators.addAll(was.aclInitiators());
                for (final String initiator : initiators)
                {
                    writeProtection(initiator, was.lunsOf(initiator), tpg.lunsOf(initiator),
                        tpg.targetPort().relativeTargetPortId());
                }
            }
        }
    }

    private static void writeProtection(final String initiator, final LunView was, final LunView now, final int rtpi)
    {
        for (final long n : now.lunNumbers())
        {
            final LunMapping m = now.lun((int)n);
            final LunMapping w = was.lun((int)n);
            if (null != w && w.logicalUnit() == m.logicalUnit() && w.readOnly() != m.readOnly())
            {
                m.logicalUnit().writeProtectionChangedFor(initiator, rtpi);
            }
        }
    }
}
