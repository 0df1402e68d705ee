package io.ringtarget.scsi;

import java.io.IOException;

/**
 * Where the persistent reservations of a logical unit exported by several targets at once are kept: the gateways of
 * one Ceph RBD image, which present it to multipath as one device (one serial, one NAA). SPC-4 5.12 gives a logical
 * unit one set of registrations and at most one reservation, whichever target port a command comes through, so each
 * gateway's PERSISTENT RESERVE OUT changes the one stored state and tells the others before it completes
 * ({@link LogicalUnit#shareReservations}). Implemented by the backstore (an RBD image: a RADOS object beside it).
 * <p>
 * {@link #read()}, {@link #replace} and {@link #announce} block on the storage: a PERSISTENT RESERVE OUT calls them on
 * the thread its device runs such work on ({@link BlockDevice#runAside}: not an event loop), and the logical unit at
 * start.
 */
public interface SharedReservationStore
{
    /**
     * A stored state as this store last read or wrote it.
     *
     * @param bytes   what {@link #replace} stored (empty: nothing stored yet).
     * @param version the storage's version of it, increasing with each change.
     */
    record Stored(byte[] bytes, long version)
    {
    }

    /** Receives what the other exporters of the logical unit announce. */
    interface Listener
    {
        /**
         * An {@link #announce announcement} (this process's own ones too): the announcer waits until this returns.
         * Called on a thread of the store's, one announcement at a time.
         */
        void announced(byte[] message);

        /** Announcements may have been missed (the store lost its watch and has a new one): read the state again. */
        void missed();

        /**
         * No announcement came for a while: read the state again in case one was lost (a change whose write's reply
         * timed out, so its gateway neither knew it stored it nor announced it). On the store's thread, every few
         * seconds (an RBD image's store: 10 s); the default is {@link #missed()}.
         */
        default void check()
        {
            missed();
        }
    }

    /** The stored state now. */
    Stored read() throws IOException;

    /**
     * Stores {@code bytes} if the stored state is still at {@code version} (compare and swap).
     *
     * @return the new version, or -1 when another exporter changed the state since {@code version} (nothing stored).
     */
    long replace(byte[] bytes, long version) throws IOException;

    /**
     * Tells every exporter of the logical unit (this process included), and waits until each has taken it or a few
     * seconds passed; one that did not is reported by the store.
     */
    void announce(byte[] message) throws IOException;

    /**
     * Starts handing announcements to {@code listener} (a logical unit, before it serves; a logical unit built again on
     * the same storage by a configuration change is another listener, the old one served until the change applies).
     */
    void listen(Listener listener);

    /** Stops handing them to {@code listener} (its logical unit is no longer served). */
    void stopListening(Listener listener);

    /** Where the state is kept, for logs and messages. */
    String where();
}
