package io.ringtarget.bench.ring;

import io.ringtarget.ffi.IoUringSqe;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * The CPU cost of writing 32 SQEs (no system call): fourteen stores, one per field at its {@link IoUringSqe} offset,
 * against eight long stores with the fields packed (what {@code Ring} does, placed by its {@code SqeWords}).
 * RingNopBenchmark is dominated by the kernel; this isolates the encoding (docs/ring-io.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class SqeWriteBenchmark
{
    private static final int SQES = 64;
    private static final int BATCH = 32;

    private Arena arena;
    private MemorySegment sqes;
    private int tail;

    @Setup(Level.Trial)
    public void setUp()
    {
        arena = Arena.ofShared();
        sqes = arena.allocate(SQES * IoUringSqe.SIZEOF, 4096);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        arena.close();
    }

    @Benchmark
    public int fieldStores()
    {
        for (int i = 0; i < BATCH; i++)
        {
            final long o = (long)(tail++ & (SQES - 1)) << 6;
            final MemorySegment s = sqes;
            s.set(ValueLayout.JAVA_BYTE, o + IoUringSqe.opcode$OFFSET, (byte)22);
            s.set(ValueLayout.JAVA_BYTE, o + IoUringSqe.flags$OFFSET, (byte)0);
            s.set(ValueLayout.JAVA_SHORT, o + IoUringSqe.ioprio$OFFSET, (short)0);
            s.set(ValueLayout.JAVA_INT, o + IoUringSqe.fd$OFFSET, 5);
            s.set(ValueLayout.JAVA_LONG, o + IoUringSqe.off$OFFSET, 4096L * i);
            s.set(ValueLayout.JAVA_LONG, o + IoUringSqe.addr$OFFSET, 0x7000_0000L + i);
            s.set(ValueLayout.JAVA_INT, o + IoUringSqe.len$OFFSET, 4096);
            s.set(ValueLayout.JAVA_INT, o + IoUringSqe.rw_flags$OFFSET, 0);
            s.set(ValueLayout.JAVA_LONG, o + IoUringSqe.user_data$OFFSET, i);
            s.set(ValueLayout.JAVA_SHORT, o + IoUringSqe.buf_index$OFFSET, (short)0);
            s.set(ValueLayout.JAVA_SHORT, o + IoUringSqe.personality$OFFSET, (short)0);
            s.set(ValueLayout.JAVA_INT, o + IoUringSqe.splice_fd_in$OFFSET, 0);
            s.set(ValueLayout.JAVA_LONG, o + IoUringSqe.addr3$OFFSET, 0L);
            s.set(ValueLayout.JAVA_LONG, o + IoUringSqe.__pad2$OFFSET, 0L);
        }
        return tail;
    }

    @Benchmark
    public int packedLongs()
    {
        for (int i = 0; i < BATCH; i++)
        {
            final long o = (long)(tail++ & (SQES - 1)) << 6;
            final MemorySegment s = sqes;
            s.set(ValueLayout.JAVA_LONG, o, 22L | ((long)5 << 32));
            s.set(ValueLayout.JAVA_LONG, o + 8, 4096L * i);
            s.set(ValueLayout.JAVA_LONG, o + 16, 0x7000_0000L + i);
            s.set(ValueLayout.JAVA_LONG, o + 24, 4096L & 0xFFFF_FFFFL);
            s.set(ValueLayout.JAVA_LONG, o + 32, i);
            s.set(ValueLayout.JAVA_LONG, o + 40, 0L);
            s.set(ValueLayout.JAVA_LONG, o + 48, 0L);
            s.set(ValueLayout.JAVA_LONG, o + 56, 0L);
        }
        return tail;
    }
}
