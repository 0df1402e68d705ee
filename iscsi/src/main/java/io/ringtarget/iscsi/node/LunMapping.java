package io.ringtarget.iscsi.node;

import io.ringtarget.backstore.Backstore;
import io.ringtarget.scsi.LogicalUnit;

/**
 * One LUN of a TPG: its number, the logical unit that executes commands, and the backstore beneath it. Read-only is
 * the LUN's (its logical unit is read-only for every initiator), or a read-only node ACL's view of it.
 */
public record LunMapping(int lun, LogicalUnit logicalUnit, Backstore backstore, boolean readOnly)
{
}
