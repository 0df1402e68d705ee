package io.ringtarget.bench.pdu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

import io.ringtarget.pdu.Crc32cDigest;
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

/** CRC32C header digest (48 B) and data digest (8 KiB) over off-heap memory; bytes/s = length / score. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class Crc32cBenchmark
{
    @Param({ "48", "8192" })
    public int length;

    private Arena arena;
    private final Crc32cDigest digest = new Crc32cDigest();

    @Setup(Level.Trial)
    public void setUp()
    {
        arena = Arena.ofShared();
        final MemorySegment buffer = arena.allocate(8192 + 64, 4096);
        for (int i = 0; i < 8192 + 64; i++)
        {
            buffer.set(ValueLayout.JAVA_BYTE, i, (byte)(i * 31));
        }
        digest.wrap(buffer);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        arena.close();
    }

    @Benchmark
    public int crc32c()
    {
        return digest.compute(0, length);
    }
}
