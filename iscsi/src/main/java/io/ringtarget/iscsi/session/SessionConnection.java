package io.ringtarget.iscsi.session;

/** What the session table needs of a session's connection: a way to end it from any thread (reinstatement). */
public interface SessionConnection
{
    /** Thread-safe: asks the connection's loop to close it. */
    void requestClose(String reason);
}
