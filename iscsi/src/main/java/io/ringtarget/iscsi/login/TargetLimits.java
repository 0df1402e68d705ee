package io.ringtarget.iscsi.login;

import io.ringtarget.iscsi.node.TpgParameters;

/**
 * What this target offers in operational negotiation: the upper bounds it answers with. One instance per
 * server, immutable.
 */
public record TargetLimits(
    int maxRecvDataSegmentLength,
    int maxBurstLength,
    int firstBurstLength,
    int maxOutstandingR2T,
    boolean initialR2T,
    boolean immediateData,
    int defaultTime2Wait,
    int defaultTime2Retain,
    String headerDigests,
    String dataDigests)
{
    /** The digests the engine lets a login choose (RFC 7143 13.1): either, the initiator's first choice wins. */
    public static final String ANY_DIGEST = "CRC32C,None";

    /** With the engine's digests. */
    public TargetLimits(
        final int maxRecvDataSegmentLength, final int maxBurstLength, final int firstBurstLength,
        final int maxOutstandingR2T, final boolean initialR2T, final boolean immediateData, final int defaultTime2Wait,
        final int defaultTime2Retain)
    {
        this(maxRecvDataSegmentLength, maxBurstLength, firstBurstLength, maxOutstandingR2T, initialR2T, immediateData,
            defaultTime2Wait, defaultTime2Retain, ANY_DIGEST, ANY_DIGEST);
    }

    /** Whether a digest list ("CRC32C,None") allows {@code value} ("CRC32C" or "None"). */
    public static boolean allows(final String digests, final String value)
    {
        for (final String d : digests.split(","))
        {
            if (d.equals(value))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The largest MaxBurstLength offered: 16 MiB - 1 KiB, the largest multiple of 1 KiB within the key's range
     * (2^24 - 1, RFC 7143 13.13) and what open-iscsi and libiscsi offer. A 16 MiB command (SBC MAXIMUM TRANSFER
     * LENGTH) therefore takes two bursts.
     */
    public static final int MAX_BURST_LENGTH = 16776192;

    /**
     * What a login into a TPG is offered: the TPG's own keys, the engine's for the rest. MaxRecvDataSegmentLength
     * stays within the engine's, which sized the connection's receive buffer before the login named its TPG, and
     * FirstBurstLength within MaxBurstLength (RFC 7143 13.14) when only one of them is the TPG's.
     */
    public TargetLimits with(final TpgParameters tpg)
    {
        if (TpgParameters.ENGINE.equals(tpg))
        {
            return this;
        }
        final int burst = null == tpg.maxBurstLength() ? maxBurstLength : tpg.maxBurstLength();
        return new TargetLimits(
            null == tpg.maxRecvDataSegmentLength() ? maxRecvDataSegmentLength :
                Math.min(tpg.maxRecvDataSegmentLength(), maxRecvDataSegmentLength),
            burst,
            Math.min(null == tpg.firstBurstLength() ? firstBurstLength : tpg.firstBurstLength(), burst),
            null == tpg.maxOutstandingR2T() ? maxOutstandingR2T : tpg.maxOutstandingR2T(),
            null == tpg.initialR2T() ? initialR2T : tpg.initialR2T(),
            null == tpg.immediateData() ? immediateData : tpg.immediateData(),
            null == tpg.defaultTime2Wait() ? defaultTime2Wait : tpg.defaultTime2Wait(),
            null == tpg.defaultTime2Retain() ? defaultTime2Retain : tpg.defaultTime2Retain(),
            null == tpg.headerDigest() ? headerDigests : tpg.headerDigest(),
            null == tpg.dataDigest() ? dataDigests : tpg.dataDigest());
    }

    /** Defaults chosen for throughput: 256 KiB segments, bursts up to 16 MiB - 1 KiB, unsolicited data allowed. */
    public static TargetLimits defaults()
    {
        return new TargetLimits(262144, MAX_BURST_LENGTH, 262144, 32, false, true, 2, 20);
    }
}
