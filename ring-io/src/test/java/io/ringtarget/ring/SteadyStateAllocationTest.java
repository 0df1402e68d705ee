package io.ringtarget.ring;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loop's steady state allocates nothing: prepare, submit, reap and dispatch through an EventLoop, measured with
 * the thread's allocation counter after a warm-up (so JIT-compiled code is what runs).
 */
class SteadyStateAllocationTest
{
    private static final class Counter implements CompletionHandler
    {
        long count;
        long sum;

        @Override
        public void onCompletion(final long userData, final int res, final int flags)
        {
            count++;
            sum += UserData.tag(userData) + res;
        }
    }

    @Test
    void dutyCyclesWithIoAllocateNothing()
    {
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final EventLoop loop = new EventLoop("alloc", Ring.open(new RingConfig().entries(64)));
        try
        {
            final Counter counter = new Counter();
            final int owner = loop.registerOwner(counter);
            final LoopWorker worker = now ->
            {
                for (int i = 0; i < 16; i++)
                {
                    loop.ring().prepNop(UserData.pack(owner, 1, i));
                }
                return 16;
            };
            loop.addWorker(worker);
            run(loop, 200_000);
            final long before = mx.getCurrentThreadAllocatedBytes();
            final long completionsBefore = counter.count;
            run(loop, 50_000);
            final long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertTrue(counter.count - completionsBefore > 100_000, "completions flowed: " + (counter.count - completionsBefore));
            assertEquals(0, allocated, "bytes allocated by 50,000 duty cycles");
        }
        finally
        {
            loop.onClose();
            loop.ring().close();
        }
    }

    private static void run(final EventLoop loop, final int cycles)
    {
        for (int i = 0; i < cycles; i++)
        {
            loop.doWork();
        }
    }
}
