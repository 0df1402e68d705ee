package io.ringtarget.bench.ring;

import io.ringtarget.ring.CompletionHandler;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.RingConfig;

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
 * The fixed cost of our ring path: {@code batch} NOPs prepared, one io_uring_enter(GETEVENTS, min=batch), reaped.
 * Compared in docs/ring-io.md with the same loop in C on liburing 2.3 (bench/src/main/java/io/ringtarget/bench/ring/liburing-nop.c) to decide
 * raw syscalls versus liburing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class RingNopBenchmark
{
    @Param({"1", "32"})
    public int batch;

    private Ring ring;
    private long sum;
    private final CompletionHandler handler = (userData, res, flags) -> sum += userData;

    @Setup(Level.Trial)
    public void setUp()
    {
        ring = Ring.open(new RingConfig().entries(64));
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        ring.close();
    }

    /** One batch round trip. */
    @Benchmark
    public long nopBatch()
    {
        for (int i = 0; i < batch; i++)
        {
            ring.prepNop(i);
        }
        ring.submitAndWait(batch, 0);
        int reaped = ring.poll(handler, batch);
        while (reaped < batch)
        {
            ring.submitAndWait(batch - reaped, 0);
            reaped += ring.poll(handler, batch - reaped);
        }
        return sum;
    }
}
