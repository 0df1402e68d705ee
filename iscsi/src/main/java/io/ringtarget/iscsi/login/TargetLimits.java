package io.ringtarget.iscsi.login;

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
    int defaultTime2Retain)
{
    /**
     * The largest MaxBurstLength offered: 16 MiB - 1 KiB, the largest multiple of 1 KiB within the key's range
     * (2^24 - 1, RFC 7143 13.13) and what open-iscsi and libiscsi offer. A 16 MiB command (SBC MAXIMUM TRANSFER
     * LENGTH) therefore takes two bursts.
     */
    public static final int MAX_BURST_LENGTH = 16776192;

    /** Defaults chosen for throughput: 256 KiB segments, bursts up to 16 MiB - 1 KiB, unsolicited data allowed. */
    public static TargetLimits defaults()
    {
        return new TargetLimits(262144, MAX_BURST_LENGTH, 262144, 32, false, true, 2, 20);
    }
}
