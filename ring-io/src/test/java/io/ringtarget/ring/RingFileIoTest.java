package io.ringtarget.ring;

import io.ringtarget.ffi.Iovec;
import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.Stat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.ringtarget.ffi.LibcConstants.*;
import static org.junit.jupiter.api.Assertions.*;

/** Real files in /var/tmp (not tmpfs, so O_DIRECT really bypasses the page cache), real io_uring. */
class RingFileIoTest
{
    private static final int BLOCK = 4096;
    private Path file;
    private int fd = -1;
    private Ring ring;
    private Arena arena;

    @BeforeEach
    void setUp() throws Exception
    {
        file = Files.createTempFile(Path.of("/var/tmp"), "ringtarget-ring", ".img");
        fd = Libc.openOrThrow(file.toString(), O_RDWR | O_DIRECT | O_CLOEXEC, 0);
        ring = Ring.open(new RingConfig().entries(64));
        arena = Arena.ofConfined();
    }

    @AfterEach
    void tearDown() throws Exception
    {
        ring.close();
        arena.close();
        Libc.close(fd);
        Files.deleteIfExists(file);
    }

    private static void pattern(final MemorySegment buf, final int seed)
    {
        for (long i = 0; i < buf.byteSize(); i += 8)
        {
            buf.set(ValueLayout.JAVA_LONG, i, seed * 0x9E37_79B9_7F4A_7C15L + i * 31 + (i >>> 12));
        }
    }

    @Test
    void directWritesThenReadsReturnThePatternsByteForByte()
    {
        final int blocks = 48;
        final MemorySegment out = arena.allocate((long)blocks * BLOCK, BLOCK);
        final MemorySegment in = arena.allocate((long)blocks * BLOCK, BLOCK);
        for (int b = 0; b < blocks; b++)
        {
            pattern(out.asSlice((long)b * BLOCK, BLOCK), b + 1);
        }
        final Cqes writes = new Cqes();
        // Write in reverse order, all in flight at once (more than... fits in one 64-entry SQ).
        for (int b = blocks - 1; b >= 0; b--)
        {
            ring.prepWrite(fd, out.address() + (long)b * BLOCK, BLOCK, (long)b * BLOCK, 0, UserData.pack(1, 1, b));
        }
        writes.await(ring, blocks);
        for (int b = 0; b < blocks; b++)
        {
            assertEquals(BLOCK, writes.resOf(UserData.pack(1, 1, b)), "write " + b);
        }
        final Cqes reads = new Cqes();
        for (int b = 0; b < blocks; b++)
        {
            ring.prepRead(fd, in.address() + (long)b * BLOCK, BLOCK, (long)b * BLOCK, UserData.pack(1, 2, b));
        }
        reads.await(ring, blocks);
        for (int b = 0; b < blocks; b++)
        {
            assertEquals(BLOCK, reads.resOf(UserData.pack(1, 2, b)));
        }
        assertEquals(-1, out.mismatch(in), "read back differs");
    }

    @Test
    void fixedBuffersWriteAndRead()
    {
        try (BufferPool pool = new BufferPool(2 * BLOCK, 8))
        {
            assertTrue(pool.registerWith(ring), "root may lock memory: registration must succeed");
            assertTrue(pool.registered());
            final int w = pool.acquire();
            final int r = pool.acquire();
            assertEquals(6, pool.available());
            assertEquals(0, pool.address(w) % BLOCK);
            pattern(pool.segment(w), 77);
            final Cqes c = new Cqes();
            ring.prepWriteFixed(fd, pool.address(w), 2 * BLOCK, BLOCK, pool.bufIndex(w), RWF_DSYNC, 1);
            c.await(ring, 1);
            assertEquals(2 * BLOCK, c.resOf(1));
            ring.prepReadFixed(fd, pool.address(r), 2 * BLOCK, BLOCK, pool.bufIndex(r), 2);
            c.await(ring, 2);
            assertEquals(2 * BLOCK, c.resOf(2));
            assertEquals(-1, pool.segment(w).mismatch(pool.segment(r)));
            // A fixed read whose address is not inside the named registered buffer is refused.
            ring.prepReadFixed(fd, pool.address(r), 2 * BLOCK, 0, pool.bufIndex(w), 3);
            c.await(ring, 3);
            assertEquals(-EFAULT, c.resOf(3));
            pool.release(w);
            pool.release(r);
            assertEquals(8, pool.available());
            assertThrows(IllegalArgumentException.class, () -> pool.release(r));
        }
    }

    @Test
    void vectoredIoFsyncFallocateAndClose()
    {
        final MemorySegment a = arena.allocate(BLOCK, BLOCK);
        final MemorySegment b = arena.allocate(BLOCK, BLOCK);
        pattern(a, 5);
        pattern(b, 6);
        final MemorySegment iov = arena.allocate(Iovec.LAYOUT, 2);
        Iovec.iov_base(iov, a);
        Iovec.iov_len(iov, BLOCK);
        Iovec.iov_base(iov.asSlice(Iovec.SIZEOF), b);
        Iovec.iov_len(iov.asSlice(Iovec.SIZEOF), BLOCK);
        final Cqes c = new Cqes();
        ring.prepFallocate(fd, 0, 0, 1 << 20, 1);
        c.await(ring, 1);
        assertEquals(0, c.resOf(1));
        ring.prepWritev(fd, iov.address(), 2, 3 * BLOCK, 0, 2);
        c.await(ring, 2);
        assertEquals(2 * BLOCK, c.resOf(2));
        ring.prepFsync(fd, false, 3);
        ring.prepFsync(fd, true, 4);
        c.await(ring, 4);
        assertEquals(0, c.resOf(3));
        assertEquals(0, c.resOf(4));

        final MemorySegment a2 = arena.allocate(BLOCK, BLOCK);
        final MemorySegment b2 = arena.allocate(BLOCK, BLOCK);
        Iovec.iov_base(iov, a2);
        Iovec.iov_base(iov.asSlice(Iovec.SIZEOF), b2);
        ring.prepReadv(fd, iov.address(), 2, 3 * BLOCK, 5);
        c.await(ring, 5);
        assertEquals(2 * BLOCK, c.resOf(5));
        assertEquals(-1, a.mismatch(a2));
        assertEquals(-1, b.mismatch(b2));

        final MemorySegment st = arena.allocate(Stat.LAYOUT);
        assertEquals(0, Libc.fstat(fd, st));
        assertEquals(1 << 20, Stat.st_size(st));

        final int dup = Libc.openOrThrow(file.toString(), O_RDONLY | O_CLOEXEC, 0);
        ring.prepClose(dup, 6);
        c.await(ring, 6);
        assertEquals(0, c.resOf(6));
        assertEquals(-EBADF, Libc.close(dup), "the ring closed it");
    }

    @Test
    void shortReadAtEndOfFile()
    {
        final MemorySegment buf = arena.allocate(4 * BLOCK, BLOCK);
        pattern(buf, 9);
        final Cqes c = new Cqes();
        ring.prepWrite(fd, buf.address(), 3 * BLOCK, 0, 0, 1);
        c.await(ring, 1);
        assertEquals(3 * BLOCK, c.resOf(1));
        ring.prepRead(fd, buf.address(), 4 * BLOCK, 2 * BLOCK, 2);
        ring.prepRead(fd, buf.address(), BLOCK, 3 * BLOCK, 3);
        c.await(ring, 3);
        assertEquals(BLOCK, c.resOf(2), "only one block left before EOF");
        assertEquals(0, c.resOf(3), "read at EOF");
    }

    @Test
    void errorsSurfaceAsNegativeErrnoInTheirCqe()
    {
        final MemorySegment buf = arena.allocate(2 * BLOCK, BLOCK);
        // Written data to read: a read of EOF or of an unwritten extent is answered without the alignment check.
        assertEquals(2 * BLOCK, Libc.pwrite(fd, buf, 2 * BLOCK, 0));
        final Cqes c = new Cqes();
        ring.prepRead(987_654, buf.address(), BLOCK, 0, 1);
        // O_DIRECT needs logical-block-aligned buffers, offsets and lengths.
        ring.prepRead(fd, buf.address() + 1, BLOCK, 0, 2);
        ring.prepWrite(fd, buf.address(), BLOCK, 100, 0, 3);
        ring.prepWrite(fd, buf.address(), 100, 0, 0, 4);
        ring.prepNop(5);
        c.await(ring, 5);
        assertEquals(-EBADF, c.resOf(1));
        assertEquals(-EINVAL, c.resOf(2));
        assertEquals(-EINVAL, c.resOf(3));
        assertEquals(-EINVAL, c.resOf(4));
        assertEquals(0, c.resOf(5), "SUBMIT_ALL or not, the batch after a bad SQE still runs");
    }

    @Test
    void registeredFilesAndLinkedRequests()
    {
        final MemorySegment fds = arena.allocate(ValueLayout.JAVA_INT, 2);
        fds.set(ValueLayout.JAVA_INT, 0, -1);
        fds.set(ValueLayout.JAVA_INT, 4, fd);
        assertEquals(0, ring.registerFiles(fds, 2));
        final MemorySegment buf = arena.allocate(BLOCK, BLOCK);
        pattern(buf, 11);
        final Cqes c = new Cqes();
        // Fixed file index 1, linked to an fdatasync that starts only after the write succeeded.
        ring.prepWrite(1, buf.address(), BLOCK, 0, 0, 1);
        ring.lastSqeFlags(io.ringtarget.ffi.IoUringConstants.IOSQE_FIXED_FILE | io.ringtarget.ffi.IoUringConstants.IOSQE_IO_LINK);
        ring.prepFsync(1, true, 2);
        ring.lastSqeFlags(io.ringtarget.ffi.IoUringConstants.IOSQE_FIXED_FILE);
        c.await(ring, 2);
        assertEquals(BLOCK, c.resOf(1));
        assertEquals(0, c.resOf(2));
        assertEquals(1L, c.userData[0], "a link completes in order");
        // A failing head cancels the rest of its chain.
        ring.prepRead(1, buf.address() + 1, BLOCK, 0, 3);
        ring.lastSqeFlags(io.ringtarget.ffi.IoUringConstants.IOSQE_FIXED_FILE | io.ringtarget.ffi.IoUringConstants.IOSQE_IO_LINK);
        ring.prepNop(4);
        c.await(ring, 4);
        assertEquals(-EINVAL, c.resOf(3));
        assertEquals(-ECANCELED, c.resOf(4));
        ring.unregisterFiles();
    }

    @Test
    void aFullSubmissionQueueIsFlushedByPrep()
    {
        final int n = 10 * ring.sqEntries() + 3;
        for (int i = 0; i < n; i++)
        {
            ring.prepNop(UserData.pack(2, 0, i));
        }
        final Cqes c = new Cqes().await(ring, n);
        assertEquals(n, c.count);
        assertTrue(ring.sqFullFlushes() > 0);
        assertEquals(0, ring.pendingSubmissions());
    }
}
