package io.ringtarget.iscsi.loop;

/** A connection as its event loop sees it: periodic duties, deferred work and the shutdown drain. Loop thread only. */
public interface LoopConnection
{
    /** NOP-In pings, dead-peer detection, requested closes; returns the work done (0 when idle). */
    int onTimer(long nowNanos);

    /** Work the connection deferred to this duty cycle with {@link LoopContext#ready} (buffered PDUs). */
    void onReady();

    /** Asks the initiator to log out (target shutdown), then closes the connection. */
    void requestLogout();
}
