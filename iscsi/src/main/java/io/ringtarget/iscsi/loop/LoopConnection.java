package io.ringtarget.iscsi.loop;

import io.ringtarget.iscsi.node.TargetRegistry;
import io.ringtarget.iscsi.session.SessionSnapshot;

/** A connection as its event loop sees it: periodic duties, deferred work and the shutdown drain. Loop thread only. */
public interface LoopConnection
{
    /** NOP-In pings, dead-peer detection, requested closes; returns the work done (0 when idle). */
    int onTimer(long nowNanos);

    /**
     * Another nexus' LOGICAL UNIT RESET, TARGET RESET or PREEMPT AND ABORT somewhere may have asked
     * for this connection's tasks: those on the logical units where it did are aborted, each to end with TASK ABORTED
     * status (SAM-5 5.6, TAS 1). Called by the loop's timer for every connection when one happened.
     */
    void onAbortRequested();

    /**
     * Whether a task {@link #onAbortRequested} aborted is still in backstore I/O (a write of it may still reach the
     * medium). Asked by the loop's timer only while a request is not yet acknowledged.
     */
    boolean abortedForAnotherNexusInBackstoreIo();

    /**
     * The connection's place in its loop's table of timer due times ({@link LoopContext#timerDue(int, long)}), where
     * it writes when {@link #onTimer} next has something to do; given when it joins the loop and when a connection
     * before it leaves.
     */
    void timerSlot(int slot);

    /** Work the connection deferred to this duty cycle with {@link LoopContext#ready} (buffered PDUs). */
    void onReady();

    /** Asks the initiator to log out (target shutdown), then closes the connection. */
    void requestLogout();

    /**
     * The engine serves {@code registry} from now on (a live configuration change): a session moves to the TPG of
     * the same tag there, or ends when that TPG no longer exists, no longer admits its initiator or no longer has
     * the portal the connection arrived on.
     *
     * @return true when the connection is closing because of it.
     */
    boolean onTargetsChanged(TargetRegistry registry);

    /**
     * A live change of the engine's receive coalescing ({@link IscsiContext#receiveCoalescingNanos()}): the
     * connection's next receive that would wait waits this long; 0 never.
     */
    void receiveCoalescingNanos(long nanos);

    /** The session of this connection as {@code ringtarget sessions} shows it, or null while it is not logged in. */
    SessionSnapshot snapshot();
}
