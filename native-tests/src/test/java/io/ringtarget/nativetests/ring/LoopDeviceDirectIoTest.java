package io.ringtarget.nativetests.ring;

import io.ringtarget.ffi.Libc;
import io.ringtarget.ring.BufferPool;
import io.ringtarget.ring.CompletionHandler;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.RingConfig;
import io.ringtarget.ring.UserData;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.ringtarget.ffi.LibcConstants.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * O_DIRECT through the ring on a real block device: a loop device in direct-I/O mode over a file in /var/tmp, the
 * shape of a `block` backstore. Skips only without root or losetup, and fails instead when CI=true.
 */
class LoopDeviceDirectIoTest
{
    private static final long SIZE = 64L << 20;
    private static final int BLOCK = 4096;
    private static final int IOS = 512;
    private static final int DEPTH = 32;

    @Test
    void patternsWrittenAtDepthReadBackByteForByte() throws Exception
    {
        final boolean ci = "true".equals(System.getenv("CI"));
        final boolean usable = "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/losetup"));
        if (!ci)
        {
            Assumptions.assumeTrue(usable, "needs root and losetup");
        }
        final Path backing = Files.createTempFile(Path.of("/var/tmp"), "ringtarget-loop", ".img");
        String device = null;
        try
        {
            try (var ch = java.nio.channels.FileChannel.open(backing, java.nio.file.StandardOpenOption.WRITE))
            {
                ch.truncate(0);
                ch.write(java.nio.ByteBuffer.allocate(1), SIZE - 1);
            }
            device = run("/usr/sbin/losetup", "--direct-io=on", "-f", "--show", backing.toString()).trim();
            assertTrue(device.startsWith("/dev/loop"), device);
            exercise(device);
        }
        finally
        {
            if (device != null)
            {
                run("/usr/sbin/losetup", "-d", device);
            }
            Files.deleteIfExists(backing);
        }
    }

    private static void exercise(final String device)
    {
        final int fd = Libc.openOrThrow(device, O_RDWR | O_DIRECT | O_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined();
            Ring ring = Ring.open(new RingConfig().entries(64));
            BufferPool pool = new BufferPool(BLOCK, 2 * DEPTH))
        {
            final MemorySegment u64 = arena.allocate(ValueLayout.JAVA_LONG);
            assertEquals(0, Libc.ioctl(fd, BLKGETSIZE64, u64));
            assertEquals(SIZE, u64.get(ValueLayout.JAVA_LONG, 0));
            final MemorySegment u32 = arena.allocate(ValueLayout.JAVA_INT);
            assertEquals(0, Libc.ioctl(fd, BLKSSZGET, u32));
            final int logical = u32.get(ValueLayout.JAVA_INT, 0);
            assertTrue(logical == 512 || logical == 4096, "logical block size " + logical);
            final boolean fixed = pool.registerWith(ring);

            // Writes of a per-block pattern to scattered blocks, DEPTH in flight.
            final long blocks = SIZE / BLOCK;
            final long[] offsets = new long[IOS];
            for (int i = 0; i < IOS; i++)
            {
                offsets[i] = ((i * 7919L) % blocks) * BLOCK;
            }
            final int[] results = new int[IOS];
            final int[] bufOf = new int[IOS];
            final int[] done = {0};
            final CompletionHandler h = (ud, res, flags) ->
            {
                final int i = UserData.tag(ud);
                results[i] = res;
                pool.release(bufOf[i]);
                done[0]++;
            };
            for (int pass = 0; pass < 2; pass++)
            {
                final boolean write = pass == 0;
                int next = 0;
                done[0] = 0;
                for (int spins = 0; done[0] < IOS && spins < 1_000_000; spins++)
                {
                    while (next < IOS && pool.available() > 0 && next - done[0] < DEPTH)
                    {
                        final int b = pool.acquire();
                        bufOf[next] = b;
                        final long ud = UserData.pack(1, write ? 1 : 2, next);
                        if (write)
                        {
                            fill(pool.segment(b), offsets[next]);
                            if (fixed)
                            {
                                ring.prepWriteFixed(fd, pool.address(b), BLOCK, offsets[next], pool.bufIndex(b), 0, ud);
                            }
                            else
                            {
                                ring.prepWrite(fd, pool.address(b), BLOCK, offsets[next], 0, ud);
                            }
                        }
                        else
                        {
                            pool.segment(b).fill((byte)0);
                            ring.prepRead(fd, pool.address(b), BLOCK, offsets[next], ud);
                        }
                        next++;
                    }
                    assertTrue(ring.submitAndWait(1, 100_000_000L) >= 0);
                    ring.poll(write ? h : (ud, res, flags) ->
                    {
                        final int i = UserData.tag(ud);
                        results[i] = res;
                        verify(pool.segment(bufOf[i]), offsets[i]);
                        pool.release(bufOf[i]);
                        done[0]++;
                    }, 64);
                }
                assertEquals(IOS, done[0], (write ? "writes" : "reads") + " completed");
                for (int i = 0; i < IOS; i++)
                {
                    assertEquals(BLOCK, results[i], (write ? "write " : "read ") + i);
                }
                if (write)
                {
                    ring.prepFsync(fd, true, 99);
                    final int[] fsync = {Integer.MIN_VALUE};
                    for (int i = 0; i < 1000 && fsync[0] == Integer.MIN_VALUE; i++)
                    {
                        ring.submitAndWait(1, 100_000_000L);
                        ring.poll((ud, res, flags) -> fsync[0] = res, 1);
                    }
                    assertEquals(0, fsync[0], "fdatasync of the loop device");
                }
            }

            // A buffer misaligned to the logical block size is refused by the block layer.
            final MemorySegment buf = arena.allocate(2 * BLOCK, BLOCK);
            ring.prepRead(fd, buf.address() + 1, BLOCK, 0, 7);
            final int[] r = {Integer.MIN_VALUE};
            for (int i = 0; i < 1000 && r[0] == Integer.MIN_VALUE; i++)
            {
                ring.submitAndWait(1, 100_000_000L);
                ring.poll((ud, res, flags) -> r[0] = res, 1);
            }
            assertEquals(-EINVAL, r[0]);
        }
        finally
        {
            Libc.close(fd);
        }
    }

    private static void fill(final MemorySegment s, final long offset)
    {
        for (int i = 0; i < BLOCK; i += 8)
        {
            s.set(ValueLayout.JAVA_LONG, i, offset * 1_000_003L + i);
        }
    }

    private static void verify(final MemorySegment s, final long offset)
    {
        for (int i = 0; i < BLOCK; i += 8)
        {
            final long v = s.get(ValueLayout.JAVA_LONG, i);
            if (v != offset * 1_000_003L + i)
            {
                fail("block at " + offset + " differs at byte " + i + ": " + Long.toHexString(v));
            }
        }
    }

    private static String run(final String... cmd) throws Exception
    {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
