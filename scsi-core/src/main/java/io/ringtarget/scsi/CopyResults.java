package io.ringtarget.scsi;

/**
 * What RECEIVE COPY RESULTS (COPY STATUS) reports about the EXTENDED COPY commands whose LIST ID USAGE asked the copy
 * manager to hold their list identifier (SPC-4 6.4.3.2, 6.18.3): per I_T nexus and list identifier, whether the copy
 * completed with or without errors, the segments processed and the bytes transferred. A held result is discarded
 * once reported. At most {@link #CAPACITY} are held per logical unit, the oldest replaced first, so a nexus that
 * never asks cannot grow memory. Copies complete before their EXTENDED COPY is answered, so none is ever "in
 * progress". Shared by every loop: a monitor (not the I/O path).
 */
final class CopyResults
{
    static final int CAPACITY = 16;
    /** COPY MANAGER STATUS (SPC-4 table 201): completed without errors / with errors. */
    static final int COMPLETED = 0x00;
    static final int COMPLETED_WITH_ERRORS = 0x01;

    private final ItNexus[] nexus = new ItNexus[CAPACITY];
    private final int[] listId = new int[CAPACITY];
    private final int[] status = new int[CAPACITY];
    private final int[] segments = new int[CAPACITY];
    private final long[] bytes = new long[CAPACITY];
    private int next;

    synchronized void hold(final ItNexus holder, final int id, final int copyStatus, final int segmentsProcessed,
        final long bytesTransferred)
    {
        int slot = find(holder, id);
        if (slot < 0)
        {
            slot = next;
            next = (next + 1) % CAPACITY;
        }
        nexus[slot] = holder;
        listId[slot] = id;
        status[slot] = copyStatus;
        segments[slot] = segmentsProcessed;
        bytes[slot] = bytesTransferred;
    }

    /**
     * Writes the COPY STATUS parameter data (SPC-4 6.18.3, LID1: 12 bytes) of a held result into {@code out} and
     * discards it.
     *
     * @return the length written, or -1 when no result is held for this nexus and list identifier.
     */
    synchronized int takeStatus(final ItNexus holder, final int id, final java.lang.foreign.MemorySegment out)
    {
        final int slot = find(holder, id);
        if (slot < 0)
        {
            return -1;
        }
        Bytes.zero(out, 0, 12);
        Bytes.put32(out, 0, 8);                       // AVAILABLE DATA
        Bytes.put8(out, 4, status[slot]);            // HDD=0, COPY MANAGER STATUS
        Bytes.put16(out, 5, Math.min(0xFFFF, segments[slot]));
        Bytes.put8(out, 7, 0x01);                    // TRANSFER COUNT UNITS: kibibytes
        Bytes.put32(out, 8, Math.min(0xFFFF_FFFFL, (bytes[slot] + 1023) >>> 10));
        nexus[slot] = null;
        return 12;
    }

    private int find(final ItNexus holder, final int id)
    {
        for (int i = 0; i < CAPACITY; i++)
        {
            if (nexus[i] != null && listId[i] == id && nexus[i].equals(holder))
            {
                return i;
            }
        }
        return -1;
    }
}
