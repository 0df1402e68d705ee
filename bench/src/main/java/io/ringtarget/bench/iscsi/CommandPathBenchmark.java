package io.ringtarget.bench.iscsi;

import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

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

/**
 * The whole command path without a socket (issue 15): one 4 KiB READ(10) or WRITE(10) with immediate data per
 * operation, from the SCSI Command PDU's bytes put in the connection's receive buffer to its answer (Data-In with
 * status, or SCSI Response) staged and its SENDMSG completed, through the production connection, SCSI logical unit
 * and RAM backstore ({@link CommandPath}). The RAM backstore completes each I/O synchronously, inside the
 * operation. The LBA moves by 4 KiB per operation over {@link #spanKiB} of the LUN. {@code -prof gc} gives B/op;
 * CommandPathTest checks that the answers staged are right.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@State(Scope.Thread)
public class CommandPathBenchmark
{
    private static final long BLOCKS_PER_COMMAND = CommandPath.TRANSFER_LENGTH / CommandPath.BLOCK_SIZE;

    /**
     * The LBAs the commands walk over, in KiB (a power of two, at most the LUN's 64 MiB): the whole LUN by default,
     * larger than the core's caches, so each command's 4 KiB of the LUN is a cache miss as with a real RAM LUN; 64
     * keeps them in the core's caches and shows what the engine costs apart from the LUN's memory.
     */
    @Param({ "65536" })
    public int spanKiB;

    /** The RAM LUN in 2 MiB huge pages (a configuration's default since 2026-12-05) or in 4 KiB pages. */
    @Param({ "true" })
    public boolean hugePages;

    private CommandPath path;
    private long lbaMask;
    private long lba;

    @Setup(Level.Trial)
    public void setUp()
    {
        path = CommandPath.open(hugePages);
        lbaMask = Math.min(path.blockCount(), spanKiB * 1024L / CommandPath.BLOCK_SIZE) - 1;   // a power of two
        for (int i = 0; i < CommandPath.TRANSFER_LENGTH; i++)
        {
            path.writeData().set(ValueLayout.JAVA_BYTE, i, (byte)(i * 7 + 1));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        try
        {
            // Every operation left the connection waiting for the next PDU, and nothing went to the kernel.
            if (!path.idle() || path.ringSubmissions() != 0)
            {
                throw new IllegalStateException("the command path did not finish its commands");
            }
        }
        finally
        {
            path.close();
        }
    }

    private long nextLba()
    {
        lba = (lba + BLOCKS_PER_COMMAND) & lbaMask;
        return lba;
    }

    /** @return the bytes staged in answer: a Data-In header and 4 KiB. */
    @Benchmark
    public long read4k()
    {
        return path.read(nextLba());
    }

    /** @return the bytes staged in answer: a SCSI Response. */
    @Benchmark
    public long write4k()
    {
        return path.write(nextLba());
    }
}
