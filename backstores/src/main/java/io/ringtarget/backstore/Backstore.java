package io.ringtarget.backstore;

import io.ringtarget.ring.EventLoop;
import io.ringtarget.scsi.BlockDevice;
import io.ringtarget.scsi.SharedReservationStore;

import java.io.IOException;

/**
 * A configured backstore (the storage behind one or more LUNs), shared by every event loop. Each loop asks for
 * its own {@link BlockDevice} handle with {@link #open(EventLoop)}.
 */
public interface Backstore extends AutoCloseable
{
    String name();

    int blockSize();

    long blockCount();

    default long sizeBytes()
    {
        return blockCount() * blockSize();
    }

    /**
     * The size the medium writes in one piece (a 4 KiB sector, a file system block): what READ CAPACITY(16)
     * should report as the physical block size ({@code LogicalUnit.physicalBlockSize}) so that initiators align
     * to it. Default: the logical block size.
     */
    default int physicalBlockSize()
    {
        return blockSize();
    }

    /**
     * The smallest atomic write (SBC-4 4.29, {@link BlockDevice#writeAtomic}) in bytes, a power of two no smaller
     * than the block: atomic writes are multiples of it and start at multiples of it. Only read when
     * {@link #atomicWriteMaxBytes} is not 0.
     */
    default int atomicWriteUnitBytes()
    {
        return blockSize();
    }

    /** The largest atomic write in bytes; 0 (the default) when the backstore makes none. */
    default int atomicWriteMaxBytes()
    {
        return 0;
    }

    /**
     * Whether an atomic write must also be a power of two long and start at a multiple of its length: Linux's
     * RWF_ATOMIC asks it of files and block devices.
     */
    default boolean atomicWritesNaturallyAligned()
    {
        return false;
    }

    /** Can deallocate (punch hole / discard): the LU reports thin provisioning (SBC-3 4.7). */
    boolean supportsUnmap();

    /** Deallocated blocks read back as zeros (LBPRZ). */
    boolean unmapReadsZeros();

    boolean readOnly();

    /**
     * A stable name of the storage itself, the same in every process that serves it (an RBD image: the cluster's
     * fsid, the pool's and the image's ids), from which the logical unit's serial number and NAA are derived when the
     * configuration sets none: two gateways exporting one image then present one device to multipath. Null (the
     * default): the identity comes from the configuration entry.
     */
    default String identityKey()
    {
        return null;
    }

    /**
     * Where the persistent reservations of the logical unit on this storage are kept when other targets (gateways)
     * export the same storage ({@code LogicalUnit.shareReservations}): an RBD image's RADOS object. Null (the
     * default): the storage is this target's alone, and so are its reservations. Blocks on the storage the first time;
     * call at setup, not on an event loop.
     *
     * @throws IOException when the storage has such a place but it cannot be had.
     */
    default SharedReservationStore sharedReservations() throws IOException
    {
        return null;
    }

    /** Where the backstore reports resizes and ownership changes of its storage; the default reports nothing. */
    default void events(final BackstoreEvents events)
    {
    }

    /**
     * The loop's handle. Call on the loop's thread (or before the loop runs): the handle registers itself as a
     * completion owner of that loop.
     */
    BlockDevice open(EventLoop loop);

    /**
     * On {@code handle}'s loop thread, when no LUN maps this backstore any more (a live configuration change): that
     * loop will not use its handle again; it is released once none of its requests is in flight.
     *
     * @return true when released (or nothing was held); false while a request of it is in flight: ask again later.
     */
    default boolean release(final BlockDevice handle)
    {
        return true;
    }

    /**
     * Release the storage and every handle's file descriptors; call after the loops using it have stopped, or have
     * released their handles.
     */
    @Override
    void close();
}
