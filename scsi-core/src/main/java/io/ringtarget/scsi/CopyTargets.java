package io.ringtarget.scsi;

/**
 * The logical units an EXTENDED COPY may name as copy sources and destinations (SPC-4 6.4, its CSCD descriptors),
 * and this event loop's handle of each one's backstore: the transport's view of what the command's I_T nexus
 * reaches (for iSCSI, the logical units of the session's portal group). Set on a task with
 * {@link ScsiTask#copyTargets(CopyTargets)}; without one a copy can name only the logical unit that received it.
 */
public interface CopyTargets
{
    /**
     * The logical unit that has this designator (SPC-4 7.8.6: code set, designator type and designator bytes, as in
     * its Device Identification VPD page), or null when the nexus reaches none.
     */
    LogicalUnit logicalUnit(int codeSet, int designatorType, java.lang.foreign.MemorySegment designator, long offset,
        int length);

    /** This loop's handle of the backstore beneath {@code unit}, or null when it has none here. */
    BlockDevice device(LogicalUnit unit);
}
