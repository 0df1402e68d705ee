package io.ringtarget.iscsi.session;

/**
 * What the session table needs of a session's connection, from any thread: a way to end it (reinstatement), and to
 * tell a login that waits for the session it reinstated that the wait is over.
 */
public interface SessionConnection
{
    /** Thread-safe: asks the connection's loop to close it. */
    void requestClose(String reason);

    /**
     * Thread-safe: the session this connection's login reinstated has no backstore I/O left; the connection's loop
     * looks at the waiting login at once rather than at its next timer tick.
     */
    void reinstatedSessionEnded();
}
