package io.ringtarget.iscsi.session;

/**
 * One logged-in session as {@code ringtarget sessions} shows it, taken on its connection's loop (we negotiate
 * MaxConnections=1, so the session's one connection): who (initiator name and ISID, RFC 7143 4.1), TSIH, the target
 * and TPG, the portal it arrived on and the initiator's address, since when, what it did, and with {@code -v} the
 * negotiated operational keys (RFC 7143 13), how it authenticated and the command numbering (ExpCmdSN, MaxCmdSN and
 * StatSN, 4.2.2).
 *
 * @param discovery        a discovery session (no target, no TPG).
 * @param loginEpochMillis when the login completed (wall clock).
 * @param commands         SCSI commands received.
 * @param readBytes        bytes sent to the initiator by commands answered GOOD (Data-In).
 * @param writtenBytes     bytes received from the initiator for commands answered GOOD (immediate, unsolicited and
 *                         solicited data).
 * @param parameters       the negotiated keys, {@code Key=Value} separated by spaces.
 * @param authentication   how its login authenticated: "None", "CHAP SHA256", or "CHAP SHA256, mutual".
 * @param luns             the LUN numbers it sees (its TPG's, or its node ACL's mapped LUNs); none for discovery.
 * @param readOnly         whether its node ACL lets it only read.
 * @param lunsDescribed    the LUNs as {@code sessions -v} shows them: each number, the TPG's LUN where an ACL shows it
 *                         under another, and whether it is read-only ("0 (TPG LUN 3), 1 (read-only)"), or "none".
 * @param errors           its connection's error tallies: "digest errors 0, protocol errors 0, ignored commands 0,
 *                         ignored Data-Out 0".
 */
public record SessionSnapshot(
    String initiatorName,
    long isid,
    int tsih,
    boolean discovery,
    String targetName,
    int tpgTag,
    String portal,
    String peer,
    String loop,
    long loginEpochMillis,
    long commands,
    long readBytes,
    long writtenBytes,
    String parameters,
    String authentication,
    int expCmdSn,
    int maxCmdSn,
    int statSn,
    long[] luns,
    boolean readOnly,
    String lunsDescribed,
    String errors)
{
    /** The ISID as RFC 7143 10.12.5 writes it, 12 hex digits. */
    public String isidHex()
    {
        return String.format("%012x", isid);
    }
}
