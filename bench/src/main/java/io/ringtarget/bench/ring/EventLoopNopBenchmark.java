package io.ringtarget.bench.ring;

import io.ringtarget.ring.CompletionHandler;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.RingConfig;
import io.ringtarget.ring.UserData;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * RingNopBenchmark through an {@link EventLoop}: {@code batch} NOPs prepared, one duty cycle submits them, one
 * io_uring_enter(GETEVENTS, min=batch) waits, one duty cycle reaps and dispatches them to their owner. The difference
 * to RingNopBenchmark is the loop's own cost per cycle and per completion: counters, owner lookup, fault boundary
 * (docs/ring-io.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class EventLoopNopBenchmark
{
    @Param({"1", "32"})
    public int batch;

    private EventLoop loop;
    private Ring ring;
    private int owner;
    private long handled;
    private final CompletionHandler handler = (userData, res, flags) -> handled++;

    @Setup(Level.Trial)
    public void setUp()
    {
        ring = Ring.open(new RingConfig().entries(64));
        loop = new EventLoop("bench", ring);
        owner = loop.registerOwner(handler);
        loop.doWork();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        loop.onClose();
        ring.close();
    }

    /** One batch round trip through two duty cycles. */
    @Benchmark
    public long nopBatch()
    {
        final long target = handled + batch;
        for (int i = 0; i < batch; i++)
        {
            ring.prepNop(UserData.pack(owner, 1, i));
        }
        loop.doWork();
        while (handled < target)
        {
            ring.submitAndWait((int)(target - handled), 0);
            loop.doWork();
        }
        return handled;
    }
}
