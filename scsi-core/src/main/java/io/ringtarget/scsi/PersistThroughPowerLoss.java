package io.ringtarget.scsi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * APTPL, persist through power loss (SPC-4 5.12.5), between a {@link RegistrationTable} and its
 * {@link PersistentReservationStore}: offered only when the logical unit has a state directory (PTPL_C=1); the last
 * REGISTER, REGISTER AND IGNORE EXISTING KEY or REGISTER AND MOVE decides whether the state is kept (APTPL=1: written
 * now and after every change) or not (APTPL=0: the file removed); a state without registrations removes it too.
 * <p>
 * Threads: guarded by the table's monitor, like the table. A PERSISTENT RESERVE OUT takes {@link #before()}, changes
 * the table, then calls {@link #persist}: the write happens there, on the thread the command's device runs work that
 * waits for storage on ({@link BlockDevice#runAside}: not a loop), and when it fails the table is put back as it
 * was, so nothing the command did takes effect.
 */
final class PersistThroughPowerLoss
{
    private final LogicalUnit lu;
    private final RegistrationTable table;
    /** Where the state goes; null: APTPL not offered, or the state is shared ({@link #shared}). */
    private volatile PersistentReservationStore store;
    /** The gateways of the logical unit keep the state in their storage ({@link SharedReservations}): no file. */
    private volatile boolean shared;

    PersistThroughPowerLoss(final LogicalUnit lu, final RegistrationTable table)
    {
        this.lu = lu;
        this.table = table;
    }

    /**
     * Offers APTPL with state kept under {@code stateDirectory}, and loads what a previous run left there.
     *
     * @throws PersistentReservationStateException when a state file exists and cannot be used (nothing loaded).
     */
    void offer(final Path stateDirectory, final String serial) throws PersistentReservationStateException
    {
        final PersistentReservationStore s = new PersistentReservationStore(stateDirectory, serial);
        synchronized (table)
        {
            if (shared)
            {
                return; // the state lives with the storage, which every gateway reads
            }
            final PersistentReservationStore.State loaded = s.load(RegistrationTable.MAX_REGISTRATIONS);
            store = s;
            if (loaded != null)
            {
                table.restoreState(loaded, true);
                table.publish();
            }
        }
    }

    /** PTPL_C: APTPL=1 is accepted. Under the table's monitor. */
    boolean offered()
    {
        return store != null || shared;
    }

    /**
     * The state is kept in storage the gateways share, which outlives each of them: APTPL is offered (the storage's
     * state survives any gateway's restart, whatever APTPL says) and no file is written. Under the table's monitor.
     */
    void shared()
    {
        shared = true;
        store = null;
    }

    /** The state file, or null when APTPL is not offered. */
    Path file()
    {
        synchronized (table)
        {
            return store == null ? null : store.file();
        }
    }

    /** Before a PERSISTENT RESERVE OUT changes the table: what to put back if the write fails (null: not offered). */
    PersistentReservationStore.State before()
    {
        return store != null ? table.copyState() : null;
    }

    /**
     * After a PERSISTENT RESERVE OUT changed the table, before anyone sees it: writes or removes the state file when
     * the change has to survive a restart (or no longer does).
     *
     * @param before    from {@link #before()}.
     * @param wasActive APTPL was active before the command.
     * @return false when the write failed: the table is {@code before} again and the error was reported.
     */
    boolean persist(final PersistentReservationStore.State before, final boolean wasActive)
    {
        if (table.count() == 0)
        {
            table.aptpl(false); // nothing left to survive a restart
        }
        if (store == null)
        {
            return true;
        }
        final boolean changed = table.generation() != before.generation || table.type() != before.type ||
            table.holder() != before.holder || table.count() != before.count;
        if (!(changed || table.aptpl() != wasActive) || !(table.aptpl() || wasActive))
        {
            return true;
        }
        try
        {
            if (table.aptpl())
            {
                store.save(table.copyState());
            }
            else
            {
                store.delete();
            }
            return true;
        }
        catch (final IOException | RuntimeException ex)
        {
            // Nothing changes unless it is durable: the initiator asked for that with APTPL.
            table.restoreState(before, wasActive);
            lu.reportInternalError(new IOException("persistent reservation state of " +
                lu.identity().unitSerial() + " not saved to " + store.file() + "; the PERSISTENT RESERVE OUT " +
                "changed nothing", ex));
            return false;
        }
    }
}
