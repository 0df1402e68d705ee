package io.ringtarget.iscsi.connection;

import io.ringtarget.ring.BufferPool;
import io.ringtarget.scsi.ScsiTask;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One outstanding SCSI command of a connection (its slot in the CmdSN window): the reusable {@link ScsiTask},
 * the data buffer borrowed from the loop's pools, and the Data-Out / R2T bookkeeping of RFC 7143 section 10.7
 * to 10.8. Slots are indexed; the index is the Target Transfer Tag of the slot's R2Ts.
 */
final class CommandSlot
{
    static final int FREE = 0;
    static final int WAIT_DATA_OUT = 1;
    static final int EXECUTING = 2;
    static final int SENDING = 3;

    final int index;
    final ScsiTask task = new ScsiTask(252);

    int state = FREE;
    int itt;
    int cmdSn;
    long lun;
    boolean read;
    boolean write;
    int expectedDataTransferLength;
    boolean aborted;

    MemorySegment buffer;
    BufferPool pool;
    int poolIndex = -1;
    Arena dedicatedArena;

    // Data-Out state
    int received;
    int unsolicitedExpected;
    int nextR2tOffset;
    int outstandingR2Ts;
    int r2tSn;
    int dataSn;
    /** Next Data-Out expected: its DataSN within the current sequence and its BufferOffset. */
    int expectedDataSn;
    int expectedOffset;

    CommandSlot(final int index)
    {
        this.index = index;
    }

    void clearTransferState()
    {
        received = 0;
        unsolicitedExpected = 0;
        nextR2tOffset = 0;
        outstandingR2Ts = 0;
        r2tSn = 0;
        dataSn = 0;
        expectedDataSn = 0;
        expectedOffset = 0;
        aborted = false;
    }
}
