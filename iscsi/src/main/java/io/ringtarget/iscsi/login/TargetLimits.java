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
    /** Defaults chosen for throughput: 256 KiB segments, 1 MiB bursts, unsolicited data allowed. */
    public static TargetLimits defaults()
    {
        return new TargetLimits(262144, 1048576, 262144, 32, false, true, 2, 20);
    }
}
