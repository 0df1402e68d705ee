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
 */
public record TpgParameters(
    Integer maxRecvDataSegmentLength,
    Integer maxBurstLength,
    Integer firstBurstLength,
    Integer maxOutstandingR2T,
    Boolean initialR2T,
    Boolean immediateData)
{
    /** A TPG that offers what the engine offers. */
    public static final TpgParameters ENGINE = new TpgParameters(null, null, null, null, null, null);
}
