package io.ringtarget.iscsi.node;

/**
 * The operational keys a TPG offers in place of the engine's (LIO's TPG parameters, RFC 7143 section 13): each
 * null takes the engine's offer. Read once per login, never per command.
 *
 * @param maxRecvDataSegmentLength what this target declares it receives in one data segment (13.12); at most the
 *                                 engine's, which sized the receive buffers.
 * @param maxBurstLength           the most data in one Data-In or solicited Data-Out sequence (13.13).
 * @param firstBurstLength         the most unsolicited data of one command (13.14).
 * @param maxOutstandingR2T        R2Ts of one command in flight at once (13.17).
 * @param initialR2T               true: no unsolicited Data-Out PDUs, an R2T first (13.10).
 * @param immediateData            true: data may come in the command PDU itself (13.11).
 * @param headerDigest             the header digests a login may choose (13.1): "CRC32C", "None" or both,
 *                                 comma-separated; without "None" a login that does not choose CRC32C is refused.
 * @param dataDigest               the same for data digests.
 * @param defaultTime2Wait         the least time an initiator waits before it logs in again after a connection
 *                                 ended (13.15, negotiated with max).
 * @param defaultTime2Retain       the most time the target keeps a session's tasks for reallocation (13.16,
 *                                 negotiated with min; ErrorRecoveryLevel 0 reallocates none).
 */
public record TpgParameters(
    Integer maxRecvDataSegmentLength,
    Integer maxBurstLength,
    Integer firstBurstLength,
    Integer maxOutstandingR2T,
    Boolean initialR2T,
    Boolean immediateData,
    String headerDigest,
    String dataDigest,
    Integer defaultTime2Wait,
    Integer defaultTime2Retain)
{
    /** A TPG that offers what the engine offers. */
    public static final TpgParameters ENGINE = new TpgParameters(null, null, null, null, null, null);

    /** The data-phase keys only; digests and Time2Wait/Time2Retain the engine's. */
    public TpgParameters(
        final Integer maxRecvDataSegmentLength, final Integer maxBurstLength, final Integer firstBurstLength,
        final Integer maxOutstandingR2T, final Boolean initialR2T, final Boolean immediateData)
    {
        this(maxRecvDataSegmentLength, maxBurstLength, firstBurstLength, maxOutstandingR2T, initialR2T, immediateData,
            null, null, null, null);
    }
}
