package io.ringtarget.iscsi.node;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.scsi.LogicalUnit;

/**
 * One LUN of a TPG: its number, the logical unit that executes commands, and the backstore beneath it. In a node
 * ACL's view {@code lun} is the number its initiator sees and {@code tpgLun} the TPG's (metrics and logs use the
 * TPG's). Read-only is the LUN's (its logical unit is read-only for every initiator), or a node ACL's view of it.
 */
public record LunMapping(int lun, int tpgLun, LogicalUnit logicalUnit, Backstore backstore, boolean readOnly)
{
    /** A LUN of the TPG itself. */
    public LunMapping(final int lun, final LogicalUnit logicalUnit, final Backstore backstore, final boolean readOnly)
    {
        this(lun, lun, logicalUnit, backstore, readOnly);
    }
}
