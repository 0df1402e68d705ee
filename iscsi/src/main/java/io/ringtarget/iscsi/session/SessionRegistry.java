package io.ringtarget.iscsi.session;

import io.ringtarget.scsi.ItNexus;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;
import io.ringtarget.iscsi.node.PortalGroup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every session of the server, shared by all loops. Touched only at login and logout (never per command), so
 * a monitor is the simple, correct choice.
 */
public final class SessionRegistry
{
    private final Map<Integer, Session> byTsih = new HashMap<>();
    /** Sessions whose connection is closing with I/O still in flight: a login of the same initiator port waits. */
    private final List<Session> draining = new ArrayList<>();
    private final int maxPerTarget;
    private final int maxPerInitiator;
    private int nextTsih = 1;

    /** Without limits on the number of sessions. */
    public SessionRegistry()
    {
        this(0, 0);
    }

    /**
     * @param maxPerTarget    normal sessions one target accepts (0: no limit).
     * @param maxPerInitiator normal sessions one InitiatorName may have (0: no limit).
     */
    public SessionRegistry(final int maxPerTarget, final int maxPerInitiator)
    {
        this.maxPerTarget = maxPerTarget;
        this.maxPerInitiator = maxPerInitiator;
    }

    /**
     * Creates the session a completed leading login asked for. An existing session of the same initiator
     * port (InitiatorName + ISID) to the same target is reinstated (RFC 7143 section 6.3.5): its connection is
     * told to close and the old session is forgotten.
     *
     * @return the session, or null when a session limit refuses it ({@link #limitReached}).
     */
    public synchronized Session create(
        final String initiatorName, final long isid, final String targetName, final boolean discovery,
        final PortalGroup portalGroup, final SessionConnection connection)
    {
        if (!discovery && limitReached(initiatorName, targetName, isid) != null)
        {
            return null;
        }
        Session reinstated = null;
        if (!discovery)
        {
            for (final Session existing : new ArrayList<>(byTsih.values()))
            {
                if (!existing.discovery() && existing.isid() == isid &&
                    existing.initiatorName().equals(initiatorName) && existing.targetName().equals(targetName))
                {
                    byTsih.remove(existing.tsih());
                    final SessionConnection old = existing.connection;
                    if (old != null && old != connection)
                    {
                        old.requestClose("session reinstated by a new login with the same ISID");
                        reinstated = existing;
                    }
                }
            }
            // A session whose connection is already closing but whose I/O has not ended is reinstated as well.
            for (final Session closing : draining)
            {
                if (closing.isid() == isid && closing.initiatorName().equals(initiatorName) &&
                    closing.targetName().equals(targetName))
                {
                    reinstated = closing;
                }
            }
        }
        int tsih;
        do
        {
            tsih = nextTsih;
            nextTsih = nextTsih == 0xffff ? 1 : nextTsih + 1;   // TSIH 0 is reserved for the leading login
        }
        while (byTsih.containsKey(tsih));
        final ItNexus nexus = new ItNexus(ItNexus.initiatorPortName(initiatorName, isid),
            portalGroup != null ? portalGroup.targetPort() : discoveryPort(targetName));
        final Session session = new Session(initiatorName, isid, targetName, tsih, discovery, portalGroup, nexus);
        session.connection = connection;
        session.reinstates = null == reinstated || reinstated.ioEnded() ? null : reinstated;
        byTsih.put(tsih, session);
        return session;
    }

    /** Which session limit a new normal session of this initiator to this target would exceed, or null. */
    public synchronized String limitReached(final String initiatorName, final String targetName)
    {
        return limitReached(initiatorName, targetName, -1);
    }

    /** As {@link #limitReached(String, String)}, not counting the session {@code isid} would reinstate. */
    private String limitReached(final String initiatorName, final String targetName, final long isid)
    {
        int ofTarget = 0;
        int ofInitiator = 0;
        for (final Session s : byTsih.values())
        {
            if (s.discovery())
            {
                continue;
            }
            final boolean reinstated = s.isid() == isid && s.initiatorName().equals(initiatorName) &&
                s.targetName().equals(targetName);
            if (reinstated)
            {
                continue;
            }
            if (s.targetName().equals(targetName))
            {
                ofTarget++;
            }
            if (s.initiatorName().equals(initiatorName))
            {
                ofInitiator++;
            }
        }
        if (maxPerTarget > 0 && ofTarget >= maxPerTarget)
        {
            return maxPerTarget + " sessions per target";
        }
        if (maxPerInitiator > 0 && ofInitiator >= maxPerInitiator)
        {
            return maxPerInitiator + " sessions per initiator";
        }
        return null;
    }

    /** A discovery session runs no SCSI command; its nexus still names a port (relative port 1, as before). */
    private static TargetPort discoveryPort(final String targetName)
    {
        return new TargetPort(1, targetName == null || targetName.isEmpty() ? "discovery" : targetName, 1,
            new TargetPortGroup(1));
    }

    public synchronized Session find(final int tsih)
    {
        return byTsih.get(tsih);
    }

    public synchronized void remove(final Session session)
    {
        byTsih.remove(session.tsih(), session);
    }

    /**
     * The session's connection is gone: the session is forgotten and its I_T nexus lost, which ends the SPC-2
     * reservations it held on the TPG's logical units (SPC-2 5.5.1; persistent reservations stay, SPC-4 5.12).
     */
    public void end(final Session session)
    {
        synchronized (this)
        {
            remove(session);
            if (!session.discovery() && !session.ioEnded())
            {
                draining.add(session);
            }
        }
        final PortalGroup tpg = session.portalGroup();
        if (tpg != null)
        {
            for (final long lun : tpg.lunNumbers())
            {
                tpg.lun((int)lun).logicalUnit().nexusLost(session.nexus());
            }
        }
    }

    /**
     * The session's connection has closed and none of its I/O is in flight: a new session that reinstated it (the same
     * initiator port) may go on. Called on the closed connection's loop.
     */
    public synchronized void ioEnded(final Session session)
    {
        session.markIoEnded();
        draining.remove(session);
        for (final Session s : byTsih.values())
        {
            final SessionConnection c = s.connection;
            if (s.reinstates == session && c != null)
            {
                c.reinstatedSessionEnded();
            }
        }
    }

    /**
     * TARGET COLD RESET (RFC 7143 11.5.1): the target closes its connections to all initiators, as a power cycle
     * would. Every normal session of {@code targetName} but {@code issuer} (which closes after its response) is told
     * to close.
     *
     * @return how many were told.
     */
    public synchronized int closeAllOf(final String targetName, final Session issuer, final String reason)
    {
        int told = 0;
        for (final Session s : byTsih.values())
        {
            final SessionConnection c = s.connection;
            if (s != issuer && !s.discovery() && s.targetName().equals(targetName) && null != c)
            {
                c.requestClose(reason);
                told++;
            }
        }
        return told;
    }

    /**
     * An administrator's request ({@code ringtarget sessions logout}): the normal session of {@code tsih} is asked to
     * log out, or with {@code now} closed at once ({@link SessionConnection#requestAdminLogout}).
     *
     * @return false when no such normal session is logged in.
     */
    public synchronized boolean requestAdminLogout(final int tsih, final boolean now)
    {
        final Session s = byTsih.get(tsih);
        final SessionConnection c = null == s ? null : s.connection;
        if (null == c || s.discovery())
        {
            return false;
        }
        c.requestAdminLogout(now);
        return true;
    }

    public synchronized List<Session> all()
    {
        return new ArrayList<>(byTsih.values());
    }
}
