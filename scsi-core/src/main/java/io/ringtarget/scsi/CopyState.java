package io.ringtarget.scsi;

/**
 * The progress of one EXTENDED COPY, kept in its task ({@link ScsiTask#copyState()}, made the first time the task's
 * slot runs a copy and reused after): the copy targets its CSCD descriptors resolved to, where each segment
 * descriptor is in the parameter list, and the segment being copied.
 */
final class CopyState
{
    final LogicalUnit[] units = new LogicalUnit[ExtendedCopy.MAX_CSCD_DESCRIPTORS];
    final BlockDevice[] devices = new BlockDevice[ExtendedCopy.MAX_CSCD_DESCRIPTORS];
    final int[] segmentOffsets = new int[ExtendedCopy.MAX_SEGMENT_DESCRIPTORS];
    int segmentCount;
    /** The segment being copied (segments before it are done). */
    int segment;
    BlockDevice source;
    BlockDevice destination;
    long sourceOffset;
    long destinationOffset;
    long segmentBytes;
    long segmentDone;
    long transferred;
    /** Hold the result for RECEIVE COPY RESULTS under {@link #listId} (LIST ID USAGE 00b). */
    boolean hold;
    int listId;
    CopyResults results;

    void clear()
    {
        for (int i = 0; i < units.length; i++)
        {
            units[i] = null;
            devices[i] = null;
        }
        segmentCount = 0;
        segment = 0;
        source = null;
        destination = null;
        transferred = 0;
        hold = false;
        results = null;
    }
}
