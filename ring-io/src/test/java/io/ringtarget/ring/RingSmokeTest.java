package io.ringtarget.ring;

import org.junit.jupiter.api.Test;

import static io.ringtarget.ffi.IoUringConstants.*;
import static org.junit.jupiter.api.Assertions.*;

class RingSmokeTest
{
    @Test
    void nopCompletesWithUserData()
    {
        try (Ring ring = Ring.open(new RingConfig().entries(8)))
        {
            System.out.println(ring.describe());
            assertTrue(ring.supports(IORING_OP_NOP));
            final long[] got = new long[20];
            final int[] n = {0};
            for (int i = 0; i < 20; i++)
            {
                ring.prepNop(UserData.pack(1, 2, i));
            }
            int reaped = 0;
            for (int iter = 0; iter < 100 && reaped < 20; iter++)
            {
                ring.submitAndWait(1, 100_000_000L);
                reaped += ring.poll((ud, res, flags) -> got[n[0]++] = ud, 100);
            }
            assertEquals(20, reaped);
            for (int i = 0; i < 20; i++)
            {
                assertEquals(UserData.pack(1, 2, i), got[i]);
            }
        }
    }
}
