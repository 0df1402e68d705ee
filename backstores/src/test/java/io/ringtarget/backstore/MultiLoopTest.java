package io.ringtarget.backstore;

import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.RingConfig;
import io.ringtarget.scsi.BlockDevice;
import io.ringtarget.scsi.ItNexus;
import io.ringtarget.scsi.LogicalUnit;
import io.ringtarget.scsi.LogicalUnitIdentity;
import io.ringtarget.scsi.ScsiStatus;
import io.ringtarget.scsi.ScsiTask;
import io.ringtarget.scsi.TargetPort;
import io.ringtarget.scsi.TargetPortGroup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Two event loops on two threads share one LogicalUnit and one FileBackstore (each loop its own handle):
 * COMPARE AND WRITE increments of one counter block from both must never lose an update, and each loop's own
 * writes must read back intact.
 */
class MultiLoopTest
{
    private static final int INCREMENTS_PER_LOOP = 150;
    private static final int MAX_ATTEMPTS = 100_000;
    private static final long WAIT_NANOS = 60_000_000_000L;
    private static final long COUNTER_LBA = 4000;
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Path file = Path.of("/var/tmp", "ringtarget-multiloop-" + ProcessHandle.current().pid() + "-" +
        System.nanoTime() + ".img");

    @AfterEach
    void deleteFile() throws IOException
    {
        Files.deleteIfExists(file);
    }

    /** One loop thread: its own ring, handle, task and buffer. */
    private static final class Worker implements Runnable
    {
        final int id;
        final FileBackstore backstore;
        final LogicalUnit lu;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        int busy;
        int miscompares;
        EventLoop loop;
        BlockDevice device;
        ScsiTask task;
        MemorySegment buffer;
        ItNexus nexus;
        int completions;

        Worker(final int id, final FileBackstore backstore, final LogicalUnit lu)
        {
            this.id = id;
            this.backstore = backstore;
            this.lu = lu;
        }

        private ScsiTask run(final int edtl, final int... cdb)
        {
            final byte[] bytes = new byte[cdb.length];
            for (int i = 0; i < cdb.length; i++)
            {
                bytes[i] = (byte)cdb[i];
            }
            final int before = completions;
            task.reset();
            task.nexus(nexus).device(device).cdb(bytes).expectedDataTransferLength(edtl).dataBuffer(buffer);
            lu.execute(task);
            // Bounded by time, not by duty cycles: a write on a busy shared disk can take a while.
            final long deadline = System.nanoTime() + WAIT_NANOS;
            while (completions == before && System.nanoTime() - deadline < 0)
            {
                loop.doWork();
            }
            if (completions != before + 1)
            {
                throw new AssertionError("loop " + id + ": command did not complete");
            }
            return task;
        }

        public void run()
        {
            try
            {
                loop = new EventLoop("loop-" + id, Ring.open(new RingConfig().entries(64)));
                device = backstore.open(loop);
                task = new ScsiTask().listener(t -> completions++);
                buffer = Arena.ofAuto().allocate(1 << 16, 4096);
                nexus = new ItNexus("iqn.2026-11.test:loop" + id + ",i,0x00000000000" + id,
                    new TargetPort(1, "iqn.2026-11.io.ringtarget:ml", 1, new TargetPortGroup(1)));
                int done = 0;
                for (int attempt = 0; attempt < MAX_ATTEMPTS && done < INCREMENTS_PER_LOOP; attempt++)
                {
                    // Own region: write a pattern, read it back.
                    final long lba = 100L * id + (attempt % 50);
                    buffer.asSlice(0, 4096).fill((byte)(id * 16 + attempt % 16));
                    check(run(4096, LoopDriver.cdb16(0x8A, 0, lba, 8)), "write");
                    buffer.asSlice(0, 4096).fill((byte)0);
                    check(run(4096, LoopDriver.cdb16(0x88, 0, lba, 8)), "read");
                    for (int i = 0; i < 4096; i++)
                    {
                        if (buffer.get(ValueLayout.JAVA_BYTE, i) != (byte)(id * 16 + attempt % 16))
                        {
                            throw new AssertionError("loop " + id + " read back another pattern at " + i);
                        }
                    }

                    // Shared counter: read it, COMPARE AND WRITE old -> old + 1.
                    check(run(4096, LoopDriver.cdb16(0x88, 0, COUNTER_LBA, 8)), "read counter");
                    final long old = buffer.get(BE_LONG, 0);
                    MemorySegment.copy(buffer, 0, buffer, 4096, 4096);
                    buffer.set(BE_LONG, 4096, old + 1);
                    final ScsiTask t = run(8192, 0x89, 0, 0, 0, 0, 0, 0, 0, (int)(COUNTER_LBA >>> 8) & 0xFF,
                        (int)COUNTER_LBA & 0xFF, 0, 0, 0, 8, 0, 0);
                    if (t.status() == ScsiStatus.GOOD)
                    {
                        done++;
                    }
                    else if (t.status() == ScsiStatus.BUSY)
                    {
                        busy++;
                    }
                    else if (t.status() == ScsiStatus.CHECK_CONDITION &&
                        (t.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F) == 0x0E)
                    {
                        miscompares++;
                    }
                    else
                    {
                        throw new AssertionError("loop " + id + ": COMPARE AND WRITE status " + t.status());
                    }
                }
                if (done != INCREMENTS_PER_LOOP)
                {
                    throw new AssertionError("loop " + id + " made only " + done + " increments");
                }
            }
            catch (final Throwable t)
            {
                failure.set(t);
            }
            finally
            {
                if (loop != null)
                {
                    loop.onClose();
                    loop.ring().close();
                }
            }
        }

        private void check(final ScsiTask t, final String what)
        {
            if (t.status() != ScsiStatus.GOOD)
            {
                throw new AssertionError("loop " + id + " " + what + ": status " + t.status());
            }
        }
    }

    @Test
    void compareAndWriteFromTwoLoopsLosesNoUpdate() throws Exception
    {
        final FileBackstore bs = FileBackstore.fileio("shared", file, 8L << 20, 512, true, false);
        final LogicalUnit lu = new LogicalUnit(LogicalUnitIdentity.of("iqn.2026-11.io.ringtarget:ml", "ML1"),
            bs.blockCount(), bs.blockSize(), bs.supportsUnmap(), false);
        try
        {
            final Worker a = new Worker(1, bs, lu);
            final Worker b = new Worker(2, bs, lu);
            final Thread ta = new Thread(a, "loop-1");
            final Thread tb = new Thread(b, "loop-2");
            ta.start();
            tb.start();
            ta.join(600_000);
            tb.join(600_000);
            assertNull(a.failure.get(), () -> String.valueOf(a.failure.get()));
            assertNull(b.failure.get(), () -> String.valueOf(b.failure.get()));

            final byte[] counter = new byte[8];
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file))
            {
                ch.read(java.nio.ByteBuffer.wrap(counter), COUNTER_LBA * 512);
            }
            assertEquals(2L * INCREMENTS_PER_LOOP, java.nio.ByteBuffer.wrap(counter).getLong());
            System.out.println("two loops: " + (a.busy + b.busy) + " BUSY, " + (a.miscompares + b.miscompares) +
                " MISCOMPARE retries for " + 2 * INCREMENTS_PER_LOOP + " increments; LU counted " +
                lu.status().compareAndWriteBusyCount() + " BUSY");
            assertEquals(a.busy + b.busy, lu.status().compareAndWriteBusyCount());
        }
        finally
        {
            bs.close();
        }
    }
}
