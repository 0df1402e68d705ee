package io.ringtarget.iscsi.node;

import java.util.ArrayList;
import java.util.List;

/**
 * One LUN of a node ACL's view (targetcli's mapped LUN): the number its initiator sees, the LUN of the TPG it
 * shows under that number, and whether that initiator may only read it (targetcli's write_protect).
 */
public record MappedLun(int lun, int tpgLun, boolean readOnly)
{
    /** LUNs shown under the TPG's own numbers, writable. */
    public static List<MappedLun> sameNumbers(final int... luns)
    {
        final List<MappedLun> list = new ArrayList<>(luns.length);
        for (final int lun : luns)
        {
            list.add(new MappedLun(lun, lun, false));
        }
        return List.copyOf(list);
    }
}
