package io.ringtarget.iscsi.login;

/**
 * The operational parameters in force for a session and its connection once login completes (RFC 7143
 * section 13). Starts at the RFC defaults; {@link KeyNegotiator} writes the negotiated results. Plain fields:
 * owned by the connection's loop.
 */
public final class SessionParameters
{
    public static final int DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH = 8192;

    public boolean headerDigest;
    /** Why a key's negotiation failed the login (a digest the TPG does not allow), or null. */
    public String negotiationFailure;
    public boolean dataDigest;
    public int maxConnections = 1;
    public boolean initialR2T = true;
    public boolean immediateData = true;
    /** What the initiator declared it can receive: the most we put in one Data-In / text response data segment. */
    public int maxXmitDataSegmentLength = DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH;
    /** What we declared we can receive (Data-Out, immediate data). */
    public int maxRecvDataSegmentLength = DEFAULT_MAX_RECV_DATA_SEGMENT_LENGTH;
    public int maxBurstLength = 262144;
    public int firstBurstLength = 65536;
    public int defaultTime2Wait = 2;
    public int defaultTime2Retain = 20;
    public int maxOutstandingR2T = 1;
    public boolean dataPduInOrder = true;
    public boolean dataSequenceInOrder = true;
    public int errorRecoveryLevel;
    public boolean discovery;
    public String initiatorName;
    public String initiatorAlias;
    public String targetName;

    public void copyOperationalFrom(final SessionParameters other)
    {
        headerDigest = other.headerDigest;
        dataDigest = other.dataDigest;
        maxConnections = other.maxConnections;
        initialR2T = other.initialR2T;
        immediateData = other.immediateData;
        maxXmitDataSegmentLength = other.maxXmitDataSegmentLength;
        maxRecvDataSegmentLength = other.maxRecvDataSegmentLength;
        maxBurstLength = other.maxBurstLength;
        firstBurstLength = other.firstBurstLength;
        defaultTime2Wait = other.defaultTime2Wait;
        defaultTime2Retain = other.defaultTime2Retain;
        maxOutstandingR2T = other.maxOutstandingR2T;
        dataPduInOrder = other.dataPduInOrder;
        dataSequenceInOrder = other.dataSequenceInOrder;
        errorRecoveryLevel = other.errorRecoveryLevel;
    }

    @Override
    public String toString()
    {
        return "HeaderDigest=" + (headerDigest ? "CRC32C" : "None") +
            " DataDigest=" + (dataDigest ? "CRC32C" : "None") +
            " InitialR2T=" + yesNo(initialR2T) + " ImmediateData=" + yesNo(immediateData) +
            " MaxRecvDataSegmentLength=" + maxRecvDataSegmentLength +
            " MaxXmitDataSegmentLength=" + maxXmitDataSegmentLength +
            " MaxBurstLength=" + maxBurstLength + " FirstBurstLength=" + firstBurstLength +
            " MaxOutstandingR2T=" + maxOutstandingR2T + " ErrorRecoveryLevel=" + errorRecoveryLevel;
    }

    static String yesNo(final boolean b)
    {
        return b ? "Yes" : "No";
    }
}
