package io.ringtarget.ring;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Test helper: records completions and waits (bounded) for a number of them. */
final class Cqes implements CompletionHandler
{
    long[] userData = new long[64];
    int[] res = new int[64];
    int[] flags = new int[64];
    int count;

    @Override
    public void onCompletion(final long ud, final int r, final int f)
    {
        if (count == userData.length)
        {
            userData = Arrays.copyOf(userData, count * 2);
            res = Arrays.copyOf(res, count * 2);
            flags = Arrays.copyOf(flags, count * 2);
        }
        userData[count] = ud;
        res[count] = r;
        flags[count] = f;
        count++;
    }

    /** Submits and reaps until {@code n} completions arrived in total; fails after a bounded number of waits. */
    Cqes await(final Ring ring, final int n)
    {
        for (int i = 0; i < 2000 && count < n; i++)
        {
            final int r = ring.submitAndWait(1, 10_000_000L);
            assertTrue(r >= 0, "submitAndWait: " + r);
            ring.poll(this, Integer.MAX_VALUE);
        }
        if (count < n)
        {
            fail("only " + count + " of " + n + " completions arrived");
        }
        return this;
    }

    /** The result of the completion carrying {@code ud}. */
    int resOf(final long ud)
    {
        for (int i = 0; i < count; i++)
        {
            if (userData[i] == ud)
            {
                return res[i];
            }
        }
        throw new AssertionError("no completion for user_data " + Long.toHexString(ud));
    }

    int flagsOf(final long ud)
    {
        for (int i = 0; i < count; i++)
        {
            if (userData[i] == ud)
            {
                return flags[i];
            }
        }
        throw new AssertionError("no completion for user_data " + Long.toHexString(ud));
    }
}
