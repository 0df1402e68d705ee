package io.ringtarget.iscsi.stats;

import io.ringtarget.iscsi.node.LunView;
import io.ringtarget.iscsi.node.PortalGroup;
import io.ringtarget.iscsi.node.TargetNode;
import io.ringtarget.scsi.ReportLuns;

/**
 * One connection's place in its loop's {@link LoopMetrics}: the portal it counts under (target "" until it logs in to
 * a target), its session's target, the LUN counters of its TPG, and what TCP_INFO said last. The connection calls it
 * when it logs in, fails to, and closes. Loop thread only.
 */
public final class ConnectionMetrics
{
    private static final LunStats[] NO_LUNS = new LunStats[0];

    private final LoopMetrics loop;
    final int fd;
    int portal;
    long lastTotalRetrans;
    private int sessionTarget = -1;
    private LunStats[] luns = NO_LUNS;
    private boolean closed;

    ConnectionMetrics(final LoopMetrics loop, final int fd, final int portal)
    {
        this.loop = loop;
        this.fd = fd;
        this.portal = portal;
    }

    /** For a connection nobody measures (unit tests). */
    public static ConnectionMetrics detached()
    {
        return new ConnectionMetrics(LoopMetrics.detached(), -1, -1);
    }

    public LoopMetrics loop()
    {
        return loop;
    }

    /** The counters of the LUN a command's LUN field names in the session's TPG, or null (no such LUN, no login). */
    public LunStats lun(final long lunField)
    {
        final int n = ReportLuns.decodeLun(lunField);
        final LunStats[] table = luns;
        return n >= 0 && n < table.length ? table[n] : null;
    }

    /** The login was refused with {@code status}; {@code target} is the target it asked for if it is ours, or null. */
    public void loginFailed(final TargetNode target, final int status)
    {
        loop.login(loop.model().targetIndex(target), LoginResult.of(status));
    }

    /**
     * The login completed: a normal session of {@code target} through {@code tpg}, seeing the LUNs of {@code view},
     * or a discovery session ({@code target} null).
     */
    public void loggedIn(
        final TargetNode target, final PortalGroup tpg, final LunView view, final String localIp, final int localPort)
    {
        final MetricsModel model = loop.model();
        final int t = model.targetIndex(target);
        loop.login(t, LoginResult.SUCCESS);
        if (t < 0)
        {
            return;   // discovery: stays under target ""
        }
        final int bound = model.boundPortal(target, tpg, localIp, localPort);
        if (bound >= 0)
        {
            loop.movePortal(portal, bound);
            portal = bound;
        }
        sessionTarget = t;
        loop.sessionStarted(t);
        luns = loop.lunTable(tpg, view);
    }

    /**
     * A live configuration change moved the session to {@code tpg} (same target, same tag) and its LUNs to
     * {@code view}: their counters.
     */
    public void rebound(final PortalGroup tpg, final LunView view)
    {
        if (sessionTarget >= 0)
        {
            luns = loop.lunTable(tpg, view);
        }
    }

    /** The connection is closing: a last TCP_INFO sample, gauges down, and a session's disconnect counted. */
    public void closed(final DisconnectReason reason)
    {
        if (closed)
        {
            return;
        }
        closed = true;
        luns = NO_LUNS;
        if (sessionTarget >= 0)
        {
            loop.sessionEnded(sessionTarget, null == reason ? DisconnectReason.OTHER : reason);
        }
        loop.connectionClosed(this);
    }
}
