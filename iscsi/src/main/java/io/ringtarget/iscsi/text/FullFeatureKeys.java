package io.ringtarget.iscsi.text;

import java.util.Set;

/**
 * The keys RFC 7143 (section 13, and 12 for the security keys), RFC 7144 and RFC 7145 (iSER) define, for the answer
 * to a Text Request in Full Feature Phase (6.2): a key this target does not know at all is NotUnderstood; a known one
 * that may not be negotiated there (leading-only or login-only, or sent by the wrong side) is Reject. The keys that
 * are allowed in Full Feature Phase (SendTargets, MaxRecvDataSegmentLength, InitiatorAlias) are answered by
 * {@link TextExchange} itself.
 */
final class FullFeatureKeys
{
    private static final Set<String> DEFINED = Set.of(
        "AuthMethod", "CHAP_A", "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R",
        "HeaderDigest", "DataDigest", "MaxConnections", "SendTargets", "TargetName", "InitiatorName", "TargetAlias",
        "InitiatorAlias", "TargetAddress", "TargetPortalGroupTag", "InitialR2T", "ImmediateData",
        "MaxRecvDataSegmentLength", "MaxBurstLength", "FirstBurstLength", "DefaultTime2Wait", "DefaultTime2Retain",
        "MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder", "ErrorRecoveryLevel", "SessionType",
        "IFMarker", "OFMarker", "IFMarkInt", "OFMarkInt", "TaskReporting", "iSCSIProtocolLevel",
        "RDMAExtensions", "TargetRecvDataSegmentLength", "InitiatorRecvDataSegmentLength",
        "MaxOutstandingUnexpectedPDUs");

    private FullFeatureKeys()
    {
    }

    /** The answer to a key that may not be negotiated in Full Feature Phase: Reject if defined, else NotUnderstood. */
    static String refusal(final String key)
    {
        return DEFINED.contains(key) ? "Reject" : "NotUnderstood";
    }
}
