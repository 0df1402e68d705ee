package io.ringtarget.scsi;

import java.util.Arrays;

import static io.ringtarget.scsi.PersistentReservations.allRegistrants;

/**
 * The persistent reservation state of one logical unit (SPC-4 5.12): the registrations, each an initiator port (or,
 * from a format 00b TransportID, a whole initiator device) through one relative target port with its reservation
 * key, at most one logical-unit-scope persistent reservation (type and holder), the PRgeneration, and whether the
 * state persists through power loss (APTPL).
 * <p>
 * Threads: guarded by this object's monitor; every method but {@link #view()} is called holding it (PERSISTENT
 * RESERVE OUT, loading the APTPL state, the shared state's updates). Other commands, PERSISTENT RESERVE IN included,
 * read the immutable {@link View} that {@link #publish()} makes after each change, without a lock.
 * <p>
 * A registration made with ALL_TG_PT=1 is one registration per target port, the same initiator port and key on
 * each, marked "all target ports": such a group changes key and ends together, and when one of its registrations
 * holds the reservation all of them do ({@link #sameGroup}).
 */
final class RegistrationTable
{
    static final int MAX_REGISTRATIONS = 256;

    /**
     * What commands other than PERSISTENT RESERVE OUT look at: immutable, published after each change. PERSISTENT
     * RESERVE IN encodes it too, so it never waits for a PERSISTENT RESERVE OUT's storage (an APTPL file's fsync, a
     * cluster's round trips) under the monitor.
     */
    static final class View
    {
        static final View NONE = new View(0, 0, 0, -1, false, new String[0], new boolean[0], new int[0],
            new boolean[0], new long[0], new boolean[0]);

        final int generation;
        final int type;
        final int count;
        /** The registration holding a reservation that is not of an all-registrants type; -1 otherwise. */
        final int holder;
        final boolean aptpl;
        final String[] port;
        final boolean[] device;
        final int[] rtpi;
        final boolean[] holds;
        final long[] key;
        final boolean[] allTargetPorts;

        View(final int generation, final int type, final int count, final int holder, final boolean aptpl,
            final String[] port, final boolean[] device, final int[] rtpi, final boolean[] holds, final long[] key,
            final boolean[] allTargetPorts)
        {
            this.generation = generation;
            this.type = type;
            this.count = count;
            this.holder = holder;
            this.aptpl = aptpl;
            this.port = port;
            this.device = device;
            this.rtpi = rtpi;
            this.holds = holds;
            this.key = key;
            this.allTargetPorts = allTargetPorts;
        }
    }

    private final String[] port = new String[MAX_REGISTRATIONS];
    private final boolean[] device = new boolean[MAX_REGISTRATIONS];
    private final int[] rtpi = new int[MAX_REGISTRATIONS];
    private final long[] key = new long[MAX_REGISTRATIONS];
    private final boolean[] allTargetPorts = new boolean[MAX_REGISTRATIONS];
    private int count;
    private int generation;
    /** 0 = no persistent reservation. */
    private int type;
    /** The registration holding a reservation that is not of an all-registrants type; -1 otherwise. */
    private int holder = -1;
    /** The state survives a restart (the last REGISTER / REGISTER AND MOVE said APTPL=1). */
    private boolean aptpl;

    private volatile View view = View.NONE;

    /** The published view: one volatile read, no lock. */
    View view()
    {
        return view;
    }

    /** Makes the current state the one the command path sees. */
    void publish()
    {
        final int n = count;
        final String[] p = Arrays.copyOf(port, n);
        final boolean[] d = Arrays.copyOf(device, n);
        final int[] r = Arrays.copyOf(rtpi, n);
        final boolean[] h = new boolean[n];
        for (int i = 0; i < n; i++)
        {
            h[i] = holds(i);
        }
        view = new View(generation, type, n, holder, aptpl, p, d, r, h, Arrays.copyOf(key, n),
            Arrays.copyOf(allTargetPorts, n));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading (under the monitor).

    int count()
    {
        return count;
    }

    /** PRgeneration (SPC-4 6.13.2). */
    int generation()
    {
        return generation;
    }

    /** The persistent reservation type, 0 for none. */
    int type()
    {
        return type;
    }

    /** The registration holding a reservation not of an all-registrants type, else -1. */
    int holder()
    {
        return holder;
    }

    boolean aptpl()
    {
        return aptpl;
    }

    /** The initiator port name, or a bare iSCSI name for a whole initiator device. */
    String port(final int i)
    {
        return port[i];
    }

    int rtpi(final int i)
    {
        return rtpi[i];
    }

    long key(final int i)
    {
        return key[i];
    }

    /** Registration i is part of an ALL_TG_PT registration. */
    boolean allTargetPorts(final int i)
    {
        return allTargetPorts[i];
    }

    /** The registration covering the nexus (its initiator port through its target port), or -1. */
    int find(final ItNexus n)
    {
        for (int i = 0; i < count; i++)
        {
            if (rtpi[i] == n.relativeTargetPortId() && TransportIds.covers(port[i], device[i], n.initiatorPortName()))
            {
                return i;
            }
        }
        return -1;
    }

    /** The registration made for exactly this name through this target port, or -1. */
    int findExact(final String name, final int relativeTargetPortId)
    {
        for (int i = 0; i < count; i++)
        {
            if (rtpi[i] == relativeTargetPortId && port[i].equals(name))
            {
                return i;
            }
        }
        return -1;
    }

    /** A registration that would cover the same I_T nexus as (name, relative target port), or -1. */
    int findOverlapping(final String name, final int relativeTargetPortId)
    {
        for (int i = 0; i < count; i++)
        {
            if (rtpi[i] == relativeTargetPortId && TransportIds.overlap(port[i], name))
            {
                return i;
            }
        }
        return -1;
    }

    /** Registrations i and j came from one ALL_TG_PT registration (or are the same). */
    boolean sameGroup(final int i, final int j)
    {
        return i == j || (allTargetPorts[i] && allTargetPorts[j] && key[i] == key[j] && port[i].equals(port[j]));
    }

    /** Registration i holds the persistent reservation (SPC-4 5.12.10: every registrant of an all-registrants one). */
    boolean holds(final int i)
    {
        return type != 0 && (allRegistrants(type) || (holder >= 0 && sameGroup(i, holder)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Changing (under the monitor; published by the caller once the whole PERSISTENT RESERVE OUT succeeded).

    void add(final String name, final int relativeTargetPortId, final long k, final boolean all)
    {
        final int i = count++;
        port[i] = name;
        device[i] = TransportIds.isDevice(name);
        rtpi[i] = relativeTargetPortId;
        key[i] = k;
        allTargetPorts[i] = all;
    }

    /** Registration i and the rest of its ALL_TG_PT group take a new key. */
    void changeKey(final int i, final long newKey)
    {
        for (int j = 0; j < count; j++)
        {
            if (j != i && sameGroup(j, i))
            {
                key[j] = newKey;
            }
        }
        key[i] = newKey;
    }

    /** A persistent reservation of this type (0: none); registration i holds it unless it is all-registrants. */
    void reserve(final int reservationType, final int i)
    {
        type = reservationType;
        holder = reservationType == 0 || allRegistrants(reservationType) ? -1 : i;
    }

    /** No persistent reservation; the registrations stay. */
    void release()
    {
        type = 0;
        holder = -1;
    }

    /** REGISTER AND MOVE: registration i takes the key on its own (no longer ALL_TG_PT) and holds the reservation. */
    void moveReservationTo(final int i, final long newKey)
    {
        key[i] = newKey;
        allTargetPorts[i] = false;
        holder = i;
    }

    /** No registrations, no reservation. */
    void clear()
    {
        Arrays.fill(port, 0, count, null);
        count = 0;
        release();
    }

    void nextGeneration()
    {
        generation++;
    }

    void aptpl(final boolean persistThroughPowerLoss)
    {
        aptpl = persistThroughPowerLoss;
    }

    /**
     * Removes the marked registrations, keeping the order. A holder that goes takes a non-all-registrants
     * reservation with it unless a registration of its ALL_TG_PT group stays; the last registration takes an
     * all-registrants one (SPC-4 5.12.11.2.3).
     */
    void removeMarked(final boolean[] gone)
    {
        final String holderPort = holder >= 0 ? port[holder] : null;
        final long holderKey = holder >= 0 ? key[holder] : 0;
        final boolean holderGroup = holder >= 0 && allTargetPorts[holder];
        final boolean holderGone = holder >= 0 && gone[holder];
        int newHolder = holderGone ? -1 : holder;
        int w = 0;
        for (int r = 0; r < count; r++)
        {
            if (gone[r])
            {
                continue;
            }
            if (r == holder)
            {
                newHolder = w;
            }
            port[w] = port[r];
            device[w] = device[r];
            rtpi[w] = rtpi[r];
            key[w] = key[r];
            allTargetPorts[w] = allTargetPorts[r];
            w++;
        }
        for (int i = w; i < count; i++)
        {
            port[i] = null;
        }
        count = w;
        if (holderGone && holderGroup)
        {
            for (int i = 0; i < count && newHolder < 0; i++)
            {
                if (allTargetPorts[i] && key[i] == holderKey && port[i].equals(holderPort))
                {
                    newHolder = i;
                }
            }
        }
        holder = newHolder;
        if (type != 0 && (allRegistrants(type) ? count == 0 : holder < 0))
        {
            release();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The APTPL file's state (PersistentReservationStore).

    PersistentReservationStore.State copyState()
    {
        final PersistentReservationStore.State s = new PersistentReservationStore.State(MAX_REGISTRATIONS);
        s.generation = generation;
        s.type = type;
        s.holder = holder;
        s.count = count;
        System.arraycopy(port, 0, s.port, 0, count);
        System.arraycopy(rtpi, 0, s.rtpi, 0, count);
        System.arraycopy(key, 0, s.key, 0, count);
        System.arraycopy(allTargetPorts, 0, s.allTargetPorts, 0, count);
        return s;
    }

    /** Replaces the whole state with a saved one (a file read at start, or the state before a failed write). */
    void restoreState(final PersistentReservationStore.State s, final boolean persistThroughPowerLoss)
    {
        Arrays.fill(port, null);
        for (int i = 0; i < s.count; i++)
        {
            port[i] = s.port[i];
            device[i] = TransportIds.isDevice(s.port[i]);
            rtpi[i] = s.rtpi[i];
            key[i] = s.key[i];
            allTargetPorts[i] = s.allTargetPorts[i];
        }
        count = s.count;
        generation = s.generation;
        reserve(s.type, s.holder);
        aptpl = persistThroughPowerLoss;
    }
}
