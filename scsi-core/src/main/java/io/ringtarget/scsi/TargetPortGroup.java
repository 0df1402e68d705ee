package io.ringtarget.scsi;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A target port group (SPC-4 5.15.2.2): target ports that share one asymmetric access state for the logical units
 * reached through them. Each target portal group of an iSCSI target is one.
 * <p>
 * The state comes from the configuration and changes by SET TARGET PORT GROUPS (explicit, SPC-4 5.15.2.3, 6.45) or
 * by the target itself through {@link #accessState(AccessState)} (an admin action: implicit, 5.15.2.3). A change
 * raises ASYMMETRIC ACCESS STATE CHANGED on every logical unit registered with the group
 * ({@link LogicalUnit#targetPorts(TargetPort...)} registers it): for every I_T nexus of the logical unit but the one
 * that sent the SET TARGET PORT GROUPS, or for all of them after an implicit change (SPC-4 5.15.2.3).
 * <p>
 * Thread-safe. Commands read the state with one volatile read; changes take this object's monitor (any thread: a
 * loop running SET TARGET PORT GROUPS, an admin thread), then notify the logical units outside it.
 */
public final class TargetPortGroup
{
    /** STATUS CODE 00h: no status available (SPC-4 6.37 table 283). */
    public static final int STATUS_NONE = 0x00;
    /** STATUS CODE 01h: the state was altered by SET TARGET PORT GROUPS. */
    public static final int STATUS_SET_TARGET_PORT_GROUPS = 0x01;
    /** STATUS CODE 02h: the state was altered by implicit asymmetric logical unit access behaviour. */
    public static final int STATUS_IMPLICIT = 0x02;

    private static final int PREF = 0x80;
    private static final System.Logger LOG = System.getLogger(TargetPortGroup.class.getName());

    private final int id;
    private final int supportedStates;
    /** Bits 0-3 the state code, bit 7 PREF, bits 8-15 the status code: one volatile read sees all three. */
    private volatile int packed;
    private final AtomicLong transitions = new AtomicLong();
    /** Holds by the target (fenced gateways' logical units): SET TARGET PORT GROUPS cannot change the state. */
    private volatile int holds;
    /** The state before the first of the holds: what the last release puts back. */
    private AccessState beforeHolds;
    private final CopyOnWriteArrayList<LogicalUnit> logicalUnits = new CopyOnWriteArrayList<>();

    /** Active/optimized, not preferred, every state supported. */
    public TargetPortGroup(final int id)
    {
        this(id, AccessState.ACTIVE_OPTIMIZED, false, AccessState.ALL_SUPPORTED);
    }

    public TargetPortGroup(final int id, final AccessState initial, final boolean preferred)
    {
        this(id, initial, preferred, AccessState.ALL_SUPPORTED);
    }

    /**
     * @param id              TARGET PORT GROUP identifier, 0..65535 (unique within the SCSI target device).
     * @param initial         the access state at start.
     * @param preferred       the PREF bit: the preferred group for the logical units (SPC-4 6.37).
     * @param supportedStates the {@link AccessState#supportedBit()}s a SET TARGET PORT GROUPS or an admin change
     *                        may set; must include {@code initial}'s.
     */
    public TargetPortGroup(final int id, final AccessState initial, final boolean preferred, final int supportedStates)
    {
        if (id < 0 || id > 0xFFFF)
        {
            throw new IllegalArgumentException("target port group " + id);
        }
        Objects.requireNonNull(initial, "initial");
        final int supported = supportedStates & AccessState.ALL_SUPPORTED;
        if ((supported & initial.supportedBit()) == 0)
        {
            throw new IllegalArgumentException("initial state " + initial + " is not among the supported ones");
        }
        this.id = id;
        this.supportedStates = supported;
        this.packed = initial.code() | (preferred ? PREF : 0);
    }

    public int id()
    {
        return id;
    }

    public AccessState accessState()
    {
        return AccessState.ofCode(packed & 0x0F);
    }

    /** The state's code: the command path's one volatile read. */
    int stateCode()
    {
        return packed & 0x0F;
    }

    /** State code (bits 0-3), PREF (bit 7) and status code (bits 8-15) read together. */
    int packed()
    {
        return packed;
    }

    public boolean preferred()
    {
        return (packed & PREF) != 0;
    }

    /** What altered the state last: {@link #STATUS_NONE}, {@link #STATUS_SET_TARGET_PORT_GROUPS}, {@link
     * #STATUS_IMPLICIT}. */
    public int statusCode()
    {
        return (packed >>> 8) & 0xFF;
    }

    /** The supported-states byte of the group's descriptor: T_SUP, U_SUP, S_SUP, AN_SUP, AO_SUP as configured. */
    public int supportedStates()
    {
        return supportedStates;
    }

    public boolean supports(final AccessState state)
    {
        return state != null && (supportedStates & state.supportedBit()) != 0;
    }

    /** Changes of the access state since start (for metrics). */
    public long transitionCount()
    {
        return transitions.get();
    }

    /**
     * The target changes the state (an admin action, a failover script): implicit, STATUS CODE 02h; every I_T nexus
     * of every logical unit reached through this group gets ASYMMETRIC ACCESS STATE CHANGED when the state
     * changes. Any thread.
     *
     * @throws IllegalArgumentException when the group does not support the state.
     */
    public void accessState(final AccessState state)
    {
        if (!supports(state))
        {
            throw new IllegalArgumentException("target port group " + id + " does not support " + state);
        }
        change(-1, state, STATUS_IMPLICIT, null, null);
    }


    /**
     * The target holds the group unavailable (a logical unit reached through it was fenced off its storage): an
     * implicit transition to unavailable (when supported), and until the last {@link #releaseUnavailable()} a SET
     * TARGET PORT GROUPS naming the group fails with SET TARGET PORT GROUPS COMMAND FAILED, as Linux's ALUA handler
     * otherwise makes an unavailable group it activates active/optimized again at once. Holds count: two logical
     * units fenced together release the group when both serve again. Any thread.
     */
    public void holdUnavailable()
    {
        synchronized (this)
        {
            if (holds++ == 0)
            {
                beforeHolds = accessState();
            }
        }
        if (supports(AccessState.UNAVAILABLE))
        {
            change(-1, AccessState.UNAVAILABLE, STATUS_IMPLICIT, null, null);
        }
    }

    /**
     * Ends one {@link #holdUnavailable()}; the last puts back the state before the first, unless the state is not
     * unavailable any more (an administrator set another meanwhile). Any thread.
     *
     * @return the state put back, or null when none was (holds remain, or nothing to undo).
     */
    public AccessState releaseUnavailable()
    {
        final AccessState back;
        synchronized (this)
        {
            if (holds == 0 || --holds > 0)
            {
                return null;
            }
            back = beforeHolds;
            beforeHolds = null;
        }
        if (back == AccessState.UNAVAILABLE ||
            !change(AccessState.UNAVAILABLE.code(), back, STATUS_IMPLICIT, null, null))
        {
            return null;
        }
        return back;
    }

    /** Whether the target holds the group's state now. */
    public boolean held()
    {
        return holds > 0;
    }

    /** Sets or clears the PREF bit (no unit attention: SPC-4 names none for it). Any thread. */
    public synchronized void preferred(final boolean preferred)
    {
        packed = (packed & ~PREF) | (preferred ? PREF : 0);
    }

    /**
     * SET TARGET PORT GROUPS received through {@code logicalUnit} from {@code issuer} (on its loop thread): STATUS
     * CODE 01h; the issuer is not told on that logical unit (SPC-4 5.15.2.3), every other nexus is.
     */
    void setExplicitly(final AccessState state, final LogicalUnit logicalUnit, final ItNexus issuer)
    {
        change(-1, state, STATUS_SET_TARGET_PORT_GROUPS, logicalUnit, issuer);
    }

    /** @param expectedCode the state code to change from, -1: any. */
    private boolean change(final int expectedCode, final AccessState state, final int status,
        final LogicalUnit issuerUnit, final ItNexus issuer)
    {
        final int old;
        synchronized (this)
        {
            old = packed;
            if (expectedCode >= 0 && (old & 0x0F) != expectedCode)
            {
                return false;
            }
            packed = (old & PREF) | state.code() | (status << 8);
        }
        if ((old & 0x0F) != state.code())
        {
            transitions.incrementAndGet();
            // Rare and decisive for multipath: who moved a group is the first question after a failover.
            LOG.log(System.Logger.Level.INFO, "target port group " + id + ": " +
                AccessState.ofCode(old & 0x0F).label() + " -> " + state.label() +
                (null == issuer ? " (implicit: the target changed it)" : " by SET TARGET PORT GROUPS from " +
                issuer.initiatorPortName() + " through relative target port " + issuer.relativeTargetPortId()));
            for (final LogicalUnit lu : logicalUnits)
            {
                lu.asymmetricAccessStateChanged(lu == issuerUnit ? issuer : null);
            }
        }
        return true;
    }

    void register(final LogicalUnit lu)
    {
        logicalUnits.addIfAbsent(lu);
    }

    void unregister(final LogicalUnit lu)
    {
        logicalUnits.remove(lu);
    }

    public String toString()
    {
        return "TargetPortGroup{" + id + ", " + accessState() + (preferred() ? ", preferred" : "") + '}';
    }
}
