package io.ringtarget.iscsi.session;

/**
 * What the session table needs of a session's connection, from any thread: a way to end it (reinstatement, an
 * administrator), and to tell a login that waits for the session it reinstated that the wait is over.
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

    /**
     * Thread-safe: an administrator ends the session ({@code ringtarget sessions logout}): the initiator is asked to
     * log out (an Async Message, RFC 7143 11.9.1), the connection closed if it has not within the grace; with
     * {@code now}, the connection is closed at once.
     */
    void requestAdminLogout(boolean now);
}
