package io.ringtarget.iscsi.engine;

import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.scsi.LogicalUnit;

/** After a live change: which TPGs' LUN inventories changed, told to their logical units (SPC-4 6.33). */
final class ReportedLunsChange
{
    private ReportedLunsChange()
    {
    }

    /**
     * REPORTED LUNS DATA HAS CHANGED (SPC-4 6.33, 3F/0E) for the sessions of every TPG whose LUN inventory changed
     * (its own, or the mapped LUNs of one of its node ACLs): a unit attention is the logical unit's, so it is
     * established on every logical unit the TPG still maps and reaches each I_T nexus with its next command to any of
     * them (also a nexus whose own inventory did not change, through this TPG or another TPG of the target that maps
     * the same logical unit: it asks REPORT LUNS and finds it unchanged). A session left without LUNs has no logical
     * unit to report it through.
     */
    static void report(final TargetRegistry before, final TargetRegistry after)
    {
        for (final TargetNode node : after.all())
        {
            final TargetNode old = before.find(node.name());
            for (final PortalGroup tpg : node.portalGroups())
            {
                final PortalGroup was = null == old ? null : old.portalGroup(tpg.tag());
                if (null != was && !was.sameInventories(tpg))
                {
                    for (final LogicalUnit lu : tpg.logicalUnits())
                    {
                        lu.reportedLunsChanged();
                    }
                }
            }
        }
    }
}
