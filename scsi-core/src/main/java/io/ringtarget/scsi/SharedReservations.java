package io.ringtarget.scsi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RegistrationTable} kept as one with the tables of the other exporters of the logical unit through a
 * {@link SharedReservationStore} (gateways of one RBD image). A PERSISTENT RESERVE OUT ({@link PersistentReserveOut})
 * reads the stored state into the table ({@link #refresh}), runs its service action, and stores the result only if
 * nobody changed the stored state meanwhile ({@link #replace}; else it runs again on the newer state); then it
 * {@link #announce}s the new state with the unit attentions and aborts it caused, and completes once every exporter
 * has taken it: each applies the state to its own table and establishes those unit attentions and aborts for its own
 * target ports ({@link #announced}). So a command through any gateway sees every registration and the reservation
 * as soon as the PERSISTENT RESERVE OUT that made them has completed.
 * <p>
 * The stored bytes: a line {@code aptpl 0|1}, then the APTPL file's format ({@link PersistentReservationStore}), so the
 * state is checked the same way (the serial, the count, a CRC-32C). An ALL_TG_PT registration covers the target ports
 * of the gateway that received it; every gateway adds its own ports to it when it takes the state (SPC-4 5.12.7: all
 * the target ports of the logical unit), and stores them with its next change.
 * <p>
 * An announcement: "RTPR", the version stored, the stored bytes, then the unit attentions and aborts
 * ({@link ReserveOutEffects#writeTo}); a gateway applies the state before them.
 * <p>
 * Threads: everything but {@link #announce} runs under the table's monitor; {@link #announce} runs after the command
 * released it, so that two gateways announcing at once can each take the other's announcement.
 */
final class SharedReservations implements SharedReservationStore.Listener
{
    static final int MAGIC = 0x52545052; // "RTPR"
    private static final byte[] APTPL_ON = "aptpl 1\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] APTPL_OFF = "aptpl 0\n".getBytes(StandardCharsets.US_ASCII);
    private static final int OWN_VERSIONS = 16;
    /** How long an announced PREEMPT AND ABORT waits for the tasks it aborted here: under the announcer's 5 s. */
    static final long ABORTS_WAIT_NANOS = TimeUnit.SECONDS.toNanos(4);

    private final LogicalUnit lu;
    private final RegistrationTable table;
    private final UnitAttentions unitAttentions;
    private final AbortRequests abortRequests;
    private final SharedReservationStore store;
    private final String serial;
    private final PersistentReservationStore decoder;
    /** The stored version the table holds (-1: none read yet). */
    private long version = -1;
    /** The versions this process stored: their announcements come back to it, with effects it applied already. */
    private final long[] own = new long[OWN_VERSIONS];
    private int ownNext;
    /** What the last successful {@link #replace} has to announce, taken by the command once out of the monitor. */
    private byte[] pending;
    /** The last periodic {@link #check} could not read the state (reported once). */
    private boolean checkFailing;

    SharedReservations(final LogicalUnit lu, final RegistrationTable table, final UnitAttentions unitAttentions,
        final AbortRequests abortRequests, final SharedReservationStore store, final String serial)
    {
        this.lu = lu;
        this.table = table;
        this.unitAttentions = unitAttentions;
        this.abortRequests = abortRequests;
        this.store = store;
        this.serial = serial;
        this.decoder = PersistentReservationStore.decoder(Path.of(store.where()), serial);
        Arrays.fill(own, -1);
    }

    SharedReservationStore store()
    {
        return store;
    }

    /**
     * Under the table's monitor: reads the stored state and, when it is newer than the table's, makes it the table's
     * and publishes it.
     *
     * @return the version read, to {@link #replace} against.
     */
    long refresh() throws IOException
    {
        final SharedReservationStore.Stored stored = store.read();
        if (stored.version() != version)
        {
            restore(stored.bytes(), stored.version());
        }
        return stored.version();
    }

    private void restore(final byte[] bytes, final long newVersion) throws PersistentReservationStateException
    {
        if (bytes.length == 0)
        {
            table.clear();
            table.aptpl(false);
        }
        else
        {
            final boolean aptpl;
            if (startsWith(bytes, APTPL_ON))
            {
                aptpl = true;
            }
            else if (startsWith(bytes, APTPL_OFF))
            {
                aptpl = false;
            }
            else
            {
                throw new PersistentReservationStateException(Path.of(store.where()), "line 1: expected 'aptpl 0|1'");
            }
            final PersistentReservationStore.State s = decoder.decode(
                Arrays.copyOfRange(bytes, APTPL_ON.length, bytes.length), RegistrationTable.MAX_REGISTRATIONS);
            table.restoreState(s, aptpl);
            addOwnTargetPorts();
        }
        version = newVersion;
        table.publish();
    }

    /** SPC-4 5.12.7: an ALL_TG_PT registration is made through every target port, this gateway's as well. */
    void addOwnTargetPorts()
    {
        final TargetPort[] ports = lu.targetPortArray();
        for (int i = 0, n = table.count(); i < n; i++)
        {
            if (!table.allTargetPorts(i))
            {
                continue;
            }
            for (final TargetPort p : ports)
            {
                if (table.count() < RegistrationTable.MAX_REGISTRATIONS &&
                    table.findExact(table.port(i), p.relativeTargetPortId()) < 0)
                {
                    table.add(table.port(i), p.relativeTargetPortId(), table.key(i), true);
                }
            }
        }
    }

    private static boolean startsWith(final byte[] bytes, final byte[] prefix)
    {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * Under the table's monitor, after a service action changed the table: stores the table if the stored state is
     * still at {@code readVersion}, and prepares the announcement of it and of the command's effects.
     *
     * @return false when another gateway changed the state meanwhile (nothing stored: run the action again).
     */
    boolean replace(final long readVersion, final ReserveOutEffects effects) throws IOException
    {
        final byte[] state = PersistentReservationStore.encode(table.copyState(), serial);
        final byte[] bytes = new byte[APTPL_ON.length + state.length];
        System.arraycopy(table.aptpl() ? APTPL_ON : APTPL_OFF, 0, bytes, 0, APTPL_ON.length);
        System.arraycopy(state, 0, bytes, APTPL_ON.length, state.length);
        final long written = store.replace(bytes, readVersion);
        if (written < 0)
        {
            return false;
        }
        version = written;
        own[ownNext] = written;
        ownNext = (ownNext + 1) % OWN_VERSIONS;
        final ByteArrayOutputStream message = new ByteArrayOutputStream(64 + bytes.length);
        try (DataOutputStream out = new DataOutputStream(message))
        {
            out.writeInt(MAGIC);
            out.writeLong(written);
            out.writeInt(bytes.length);
            out.write(bytes);
            effects.writeTo(out);
        }
        pending = message.toByteArray();
        return true;
    }

    /** Under the table's monitor: the announcement {@link #replace} prepared, once. */
    byte[] takePending()
    {
        final byte[] m = pending;
        pending = null;
        return m;
    }

    /** Out of the monitor: tells the other gateways; they have applied it when this returns (or a timeout passed). */
    void announce(final byte[] message)
    {
        try
        {
            store.announce(message);
        }
        catch (final IOException | RuntimeException ex)
        {
            // Stored already: the others read it at their next PERSISTENT RESERVE OUT or lost watch.
            lu.reportInternalError(new IOException("persistent reservations of " + serial + ": stored in " +
                store.where() + " but not announced to the other gateways", ex));
        }
    }

    @Override
    public void announced(final byte[] message)
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(message)))
        {
            if (in.readInt() != MAGIC)
            {
                throw new IOException("not an announcement of persistent reservations");
            }
            final long announcedVersion = in.readLong();
            int aborts = 0;
            final int length = in.readInt();
            if (length < 0 || length > message.length)
            {
                throw new IOException("announcement of a " + length + "-byte state in " + message.length + " bytes");
            }
            final byte[] bytes = new byte[length];
            in.readFully(bytes);
            synchronized (table)
            {
                // The state first: a command the unit attentions let through meets the new reservation.
                if (announcedVersion > version)
                {
                    restore(bytes, announcedVersion);
                }
                if (!isOwn(announcedVersion)) // this process' own effects were applied when its command completed
                {
                    aborts = ReserveOutEffects.applyAnnounced(in, unitAttentions, abortRequests, lu);
                }
            }
            // A PREEMPT AND ABORT through another gateway: its status waits (this acknowledgement is part of it) until
            // the preempted nexuses' tasks here have ended, as it waits for its own gateway's (SPC-4 5.12.11.2.6).
            if (aborts > 0 && !TransportAborts.awaitEnded(LogicalUnit.abortRequestCount(), ABORTS_WAIT_NANOS))
            {
                lu.reportInternalError(new IOException("persistent reservations of " + serial + ": tasks a PREEMPT " +
                    "AND ABORT through another gateway aborted here had not ended after " +
                    TimeUnit.NANOSECONDS.toMillis(ABORTS_WAIT_NANOS) + " ms; its status is not held longer"));
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            lu.reportInternalError(new IOException("persistent reservations of " + serial + ": an announcement " +
                "through " + store.where() + " could not be applied; the state is read again", ex));
            missed();
        }
    }

    private boolean isOwn(final long v)
    {
        for (final long o : own)
        {
            if (o == v)
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public void missed()
    {
        synchronized (table)
        {
            try
            {
                refresh();
            }
            catch (final IOException | RuntimeException ex)
            {
                lu.reportInternalError(new IOException("persistent reservations of " + serial + ": " +
                    store.where() + " could not be read again; the next PERSISTENT RESERVE OUT reads it", ex));
            }
        }
    }

    @Override
    public void check()
    {
        synchronized (table)
        {
            try
            {
                refresh();
                checkFailing = false;
            }
            catch (final IOException | RuntimeException ex)
            {
                if (!checkFailing)
                {
                    checkFailing = true; // reported once until a check succeeds again
                    lu.reportInternalError(new IOException("persistent reservations of " + serial + ": " +
                        store.where() + " could not be read for the periodic check (tried again, not reported " +
                        "again until it can be read)", ex));
                }
            }
        }
    }
}
