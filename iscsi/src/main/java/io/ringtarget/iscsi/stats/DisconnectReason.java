package io.ringtarget.iscsi.stats;

/**
 * Why a connection ended, as the fixed {@code reason} label of {@code ringtarget_session_disconnects_total}; the log
 * line of the close keeps the full text.
 */
public enum DisconnectReason
{
    /** The initiator logged out (Logout Request). */
    LOGOUT("logout"),
    /** The initiator closed the TCP connection without logging out (RECV returned 0). */
    INITIATOR_CLOSED("initiator_closed"),
    /** Receiving failed: connection reset, TCP timeout. */
    RECV_FAILED("recv_failed"),
    /** Sending failed: connection reset, broken pipe. */
    SEND_FAILED("send_failed"),
    /** The initiator stopped reading and our send queue overflowed. */
    SEND_QUEUE_OVERFLOW("send_queue_overflow"),
    /** A PDU broke the protocol (framing, order, fields). */
    PROTOCOL_ERROR("protocol_error"),
    /** A header digest error (ERL 0 drops the connection, RFC 7143 7.8). */
    DIGEST_ERROR("digest_error"),
    /** No answer to our NOP-In ping within the timeout. */
    NOP_TIMEOUT("nop_timeout"),
    /** A new login with the same initiator port (ISID) reinstated the session (RFC 7143 6.3.5). */
    REINSTATED("reinstated"),
    /** TARGET COLD RESET ends the connection after its response (RFC 7143 11.5.1). */
    TARGET_RESET("target_reset"),
    /** The target is shutting down. */
    SHUTDOWN("shutdown"),
    /**
     * A live configuration change took away what admitted the session: its ACL, its portal, its TPG or its target
     * (an administrator's doing, as shutdown is).
     */
    CONFIG_CHANGE("config_change"),
    /** An administrator ended the session ({@code ringtarget sessions logout}): logged out, or closed. */
    ADMIN("admin"),
    /** An internal error of ours (logged at ERROR). */
    INTERNAL_ERROR("internal_error"),
    /** Anything else (a failed login: counted in logins_total, not here). */
    OTHER("other");

    private static final DisconnectReason[] ALL = values();

    private final String label;

    DisconnectReason(final String label)
    {
        this.label = label;
    }

    public String label()
    {
        return label;
    }

    static int count()
    {
        return ALL.length;
    }

    static DisconnectReason get(final int ordinal)
    {
        return ALL[ordinal];
    }
}
