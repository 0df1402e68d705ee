package io.ringtarget.iscsi.login;

import io.ringtarget.iscsi.node.TpgParameters;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** What a login into a TPG with keys of its own is offered: the TPG's where set, the engine's elsewhere. */
class TargetLimitsTest
{
    private final TargetLimits engine = TargetLimits.defaults();

    @Test
    void aTpgWithoutKeysOffersTheEngines()
    {
        assertSame(engine, engine.with(TpgParameters.ENGINE));
    }

    @Test
    void eachKeySetReplacesTheEnginesAndOnlyThat()
    {
        final TargetLimits tpg = engine.with(new TpgParameters(null, null, 16384, null, true, null));
        assertEquals(new TargetLimits(262144, TargetLimits.MAX_BURST_LENGTH, 16384, 32, true, true, 2, 20), tpg);
        assertEquals(new TargetLimits(65536, 1048576, 8192, 4, true, false, 2, 20),
            engine.with(new TpgParameters(65536, 1048576, 8192, 4, true, false)));
    }

    @Test
    void theEnginesFirstBurstLengthStaysWithinATpgsMaxBurstLength()
    {
        // RFC 7143 13.14: FirstBurstLength <= MaxBurstLength; the engine's 256 KiB would exceed the TPG's 64 KiB.
        assertEquals(65536, engine.with(new TpgParameters(null, 65536, null, null, null, null)).firstBurstLength());
    }

    @Test
    void maxRecvDataSegmentLengthStaysWithinTheReceiveBuffersTheEngineSized()
    {
        assertEquals(262144, engine.with(new TpgParameters(1 << 20, null, null, null, null, null))
            .maxRecvDataSegmentLength());
    }
}
