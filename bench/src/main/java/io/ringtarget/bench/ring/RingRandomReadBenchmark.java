package io.ringtarget.bench.ring;

import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.Stat;
import io.ringtarget.ring.BufferPool;
import io.ringtarget.ring.CompletionHandler;
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

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static io.ringtarget.ffi.LibcConstants.*;

/**
 * 4 KiB O_DIRECT random reads of a 1 GiB file in /var/tmp through one {@link Ring} from one thread, at a constant
 * queue depth: each operation reaps one completion and queues the next read into the freed buffer, so the score is
 * IOPS. Compare with {@code fio --ioengine=io_uring --direct=1 --rw=randread --bs=4k --iodepth=N} on the same file
 * (docs/ring-io.md). The file is written once (real data: reads of holes would not touch the device) and reused.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class RingRandomReadBenchmark
{
    public static final String FILE = System.getProperty("ringtarget.bench.file", "/var/tmp/ringtarget-bench-1g.img");
    public static final long FILE_SIZE = 1L << 30;
    private static final int BLOCK = 4096;

    @Param({"1", "32"})
    public int depth;

    /** READ_FIXED from registered buffers, or plain READ (what fio's io_uring engine does by default). */
    @Param({"false", "true"})
    public boolean fixed;

    /** Ring setup: "defer" = the default (SINGLE_ISSUER|DEFER_TASKRUN), "coop" = COOP_TASKRUN (-p taskrun=defer,coop). */
    @Param({"defer"})
    public String taskrun;

    /**
     * 0: queued reads go to the kernel only when the CQ runs dry (one enter per batch of completions, but the reads
     * queued while a batch is reaped wait for its end); N: also as soon as N reads are queued (more enters, a fuller
     * device queue). 4 matched fio at QD 32 here, 0 was 10-15% behind (docs/ring-io.md).
     */
    @Param({"4"})
    public int submitBatch;

    private int fd = -1;
    private Ring ring;
    private BufferPool pool;
    private boolean registered;
    private long random = 0x2545F4914F6CDD1DL;
    private int lastTag;
    private int lastRes;
    private int reaped;
    private long errors;
    private final CompletionHandler handler = (userData, res, flags) ->
    {
        lastTag = UserData.tag(userData);
        lastRes = res;
        reaped++;
    };

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        ensureFile(Path.of(FILE));
        fd = Libc.openOrThrow(FILE, O_RDONLY | O_DIRECT | O_CLOEXEC, 0);
        final boolean defer = !"coop".equals(taskrun);
        ring = Ring.open(new RingConfig().entries(Math.max(8, depth * 2)).deferTaskrun(defer).singleIssuer(defer));
        pool = new BufferPool(BLOCK, depth);
        registered = fixed && pool.registerWith(ring);
        if (fixed && !registered)
        {
            throw new IllegalStateException("fixed buffers requested but not registered (RLIMIT_MEMLOCK?)");
        }
        for (int i = 0; i < depth; i++)
        {
            queueRead(pool.acquire());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        // Reap what is in flight before the buffers go away.
        int inFlight = depth - pool.available();
        for (int i = 0; i < 10_000 && inFlight > 0; i++)
        {
            ring.submitAndWait(1, 10_000_000L);
            reaped = 0;
            ring.poll((u, r, f) -> pool.release(UserData.tag(u)), depth);
            inFlight = depth - pool.available();
        }
        ring.close();
        pool.close();
        Libc.close(fd);
        if (errors > 0)
        {
            throw new IllegalStateException(errors + " reads failed");
        }
    }

    private void queueRead(final int buffer)
    {
        long x = random;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        random = x;
        final long offset = ((x >>> 1) % (FILE_SIZE / BLOCK)) * BLOCK;
        final long ud = UserData.pack(1, 1, buffer);
        if (registered)
        {
            ring.prepReadFixed(fd, pool.address(buffer), BLOCK, offset, pool.bufIndex(buffer), ud);
        }
        else
        {
            ring.prepRead(fd, pool.address(buffer), BLOCK, offset, ud);
        }
    }

    /** One 4 KiB read completed (and the next one queued). */
    @Benchmark
    public int randomRead()
    {
        reaped = 0;
        if (ring.poll(handler, 1) == 0)
        {
            // Nothing reaped: submit what was queued since the last enter and wait for one completion.
            ring.submitAndWait(1, 0);
            ring.poll(handler, 1);
        }
        if (reaped == 0)
        {
            return 0;
        }
        if (lastRes != BLOCK)
        {
            errors++;
        }
        queueRead(lastTag);
        if (submitBatch > 0 && ring.pendingSubmissions() >= submitBatch)
        {
            ring.submit();
        }
        return lastRes;
    }

    /** Writes the 1 GiB benchmark file with non-zero data unless it already has the right size. */
    public static void ensureFile(final Path path) throws IOException
    {
        if (Files.exists(path) && Files.size(path) == FILE_SIZE)
        {
            return;
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
            long v = 1;
            for (long pos = 0; pos < FILE_SIZE; pos += chunk.capacity())
            {
                chunk.clear();
                while (chunk.hasRemaining())
                {
                    v = v * 6364136223846793005L + 1442695040888963407L;
                    chunk.putLong(v);
                }
                chunk.flip();
                while (chunk.hasRemaining())
                {
                    ch.write(chunk, pos + chunk.position());
                }
            }
            ch.force(true);
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment st = arena.allocate(Stat.LAYOUT);
            final int fd = Libc.openOrThrow(path.toString(), O_RDONLY | O_CLOEXEC, 0);
            try
            {
                Libc.check(Libc.fstat(fd, st), "fstat");
                if (Stat.st_size(st) != FILE_SIZE || st.get(ValueLayout.JAVA_INT, Stat.st_mode$OFFSET) == 0)
                {
                    throw new IOException("benchmark file has the wrong size: " + path);
                }
            }
            finally
            {
                Libc.close(fd);
            }
        }
    }
}
