package io.ringtarget.iscsi.engine;

import io.ringtarget.iscsi.node.LunMapping;
import io.ringtarget.iscsi.node.LunView;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.iscsi.node.TargetRegistry;

import java.util.HashSet;
import java.util.Set;

/** After a live change: which initiators' write protection of which logical units changed, told to those units. */
final class WriteProtectionChange
{
    private WriteProtectionChange()
    {
    }

    /**
     * MODE PARAMETERS CHANGED (2A/01) for each initiator whose node ACL now shows a logical unit read-only where it
     * was writable, or the other way round, under the same LUN number of the same TPG (`acls set-read-only`, a
     * mapping's `:ro`): the WP bit of the mode parameter header it reads changed (SBC-4 6.5.2), and SPC-4 5.14 tells
     * the other I_T nexuses of a mode parameter change with this unit attention. Linux logs "Mode parameters
     * changed" and takes the new state at a rescan. A LUN that now maps another logical unit is REPORTED LUNS DATA
     * HAS CHANGED's business ({@link ReportedLunsChange}). Called once the loops have applied the change, so the
     * MODE SENSE an initiator sends for it already shows the new state.
     */
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
                final Set<String> initiators = new HashSet<>(tpg.aclInitiators());
                initiators.addAll(was.aclInitiators());
                for (final String initiator : initiators)
                {
                    report(initiator, was.lunsOf(initiator), tpg.lunsOf(initiator),
                        tpg.targetPort().relativeTargetPortId());
                }
            }
        }
    }

    private static void report(final String initiator, final LunView was, final LunView now, final int rtpi)
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
