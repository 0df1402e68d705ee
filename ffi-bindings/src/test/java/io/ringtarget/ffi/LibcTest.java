package io.ringtarget.ffi;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.ringtarget.ffi.LibcConstants.*;
import static org.junit.jupiter.api.Assertions.*;

/** The downcalls against the real kernel: results, -errno conventions, messages. */
class LibcTest
{
    @Test
    void failedCallsReturnNegativeErrnoAndThrowingHelpersNameIt()
    {
        assertEquals(-EBADF, Libc.close(-1));
        assertEquals(-ENOENT, Libc.open("/nonexistent/ringtarget", O_RDONLY, 0));
        final ErrnoException ex = assertThrows(ErrnoException.class,
            () -> Libc.openOrThrow("/nonexistent/ringtarget", O_RDONLY, 0));
        assertEquals(ENOENT, ex.errno());
        assertTrue(ex.getMessage().contains("ENOENT (No such file or directory)"), ex.getMessage());
        assertEquals("EBADF (Bad file descriptor)", Errno.describe(-EBADF));
    }

    @Test
    void fileRoundTripAndFstat() throws Exception
    {
        final Path file = Files.createTempFile(Path.of("/var/tmp"), "ringtarget-libc", ".bin");
        try (Arena arena = Arena.ofConfined())
        {
            final int fd = Libc.openOrThrow(file.toString(), O_RDWR | O_CLOEXEC, 0);
            try
            {
                final MemorySegment buf = arena.allocate(4096, 4096);
                for (int i = 0; i < 4096; i++)
                {
                    buf.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte)(i * 7));
                }
                assertEquals(4096, Libc.pwrite(fd, buf, 4096, 8192));
                final MemorySegment st = arena.allocate(Stat.LAYOUT);
                assertEquals(0, Libc.fstat(fd, st));
                assertEquals(12288, Stat.st_size(st));
                assertEquals(S_IFREG, Stat.st_mode(st) & S_IFMT);
                final MemorySegment back = arena.allocate(4096, 4096);
                assertEquals(4096, Libc.pread(fd, back, 4096, 8192));
                assertEquals(-1, buf.mismatch(back));
                assertEquals(0, Libc.fallocate(fd, 0, 0, 1 << 20));
                assertEquals(0, Libc.fstat(fd, st));
                assertEquals(1 << 20, Stat.st_size(st));
                assertEquals(0, Libc.ftruncate(fd, 0));
            }
            finally
            {
                assertEquals(0, Libc.close(fd));
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void mmapAnonymousAndGetpid()
    {
        final long addr = Libc.mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        assertTrue(addr > 0, "mmap: " + addr);
        final MemorySegment m = MemorySegment.ofAddress(addr).reinterpret(8192);
        m.set(java.lang.foreign.ValueLayout.JAVA_LONG, 4096, 42L);
        assertEquals(42L, m.get(java.lang.foreign.ValueLayout.JAVA_LONG, 4096));
        assertEquals(0, Libc.munmap(addr, 8192));
        assertEquals(ProcessHandle.current().pid(), Libc.getpid());
        assertEquals(-EINVAL, Libc.mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    }

    @Test
    void mincoreSaysWhichPagesAreInMemory()
    {
        final long addr = Libc.mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        assertTrue(addr > 0, "mmap: " + addr);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment m = MemorySegment.ofAddress(addr).reinterpret(3 * 4096);
            m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 4096 + 17, (byte)1);   // the middle page only
            final MemorySegment residency = arena.allocate(3);
            assertEquals(0, Libc.mincore(addr, 3 * 4096, residency));
            assertEquals(0, residency.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) & 1);
            assertEquals(1, residency.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1) & 1);
            assertEquals(0, residency.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 2) & 1);
            assertEquals(0, Libc.madvise(addr + 4096, 4096, MADV_DONTNEED));
            assertEquals(0, Libc.mincore(addr, 3 * 4096, residency));
            assertEquals(0, residency.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 1) & 1);
            assertEquals(-EINVAL, Libc.mincore(addr + 1, 4096, residency));
        }
        finally
        {
            assertEquals(0, Libc.munmap(addr, 3 * 4096));
        }
    }

    @Test
    void flockIsPerOpenFileDescriptionAndAcceptsODirectDescriptors() throws Exception
    {
        // /var/tmp: a disk file system, where O_DIRECT opens succeed (tmpfs refuses them).
        final Path file = Files.createTempFile(Path.of("/var/tmp"), "ringtarget-flock", ".bin");
        final int direct = Libc.openOrThrow(file.toString(), O_RDWR | O_DIRECT | O_CLOEXEC, 0);
        final int other = Libc.openOrThrow(file.toString(), O_RDONLY | O_CLOEXEC, 0);
        try
        {
            assertEquals(0, Libc.flock(direct, LOCK_EX | LOCK_NB));
            // A second open of the same file is another open file description: it conflicts, even in this process.
            assertEquals(-EWOULDBLOCK, Libc.flock(other, LOCK_SH | LOCK_NB));
            assertEquals(0, Libc.flock(direct, LOCK_UN));
            assertEquals(0, Libc.flock(other, LOCK_SH | LOCK_NB));
            assertEquals(-EWOULDBLOCK, Libc.flock(direct, LOCK_EX | LOCK_NB));
            assertEquals(-EBADF, Libc.flock(-1, LOCK_EX | LOCK_NB));
        }
        finally
        {
            Libc.close(direct);
            Libc.close(other);
            Files.deleteIfExists(file);
        }
    }

    @Test
    void getsockoptReadsBackWhatSetsockoptSet()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final int fd = Libc.check(Libc.socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
            try
            {
                final MemorySegment value = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
                final MemorySegment length = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
                value.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 17);
                assertEquals(0, Libc.setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, value, 4));
                value.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 0);
                length.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 4);
                assertEquals(0, Libc.getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, value, length));
                assertEquals(17, value.get(java.lang.foreign.ValueLayout.JAVA_INT, 0));
                assertEquals(4, length.get(java.lang.foreign.ValueLayout.JAVA_INT, 0));
            }
            finally
            {
                Libc.close(fd);
            }
        }
    }

    @Test
    void tcpInfoOfAnEstablishedLoopbackConnection()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final int listener = Libc.check(Libc.socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
            final MemorySegment addr = arena.allocate(SockaddrIn.LAYOUT);
            SockaddrIn.sin_family(addr, (short)AF_INET);
            SockaddrIn.sin_addr(addr, Integer.reverseBytes(0x7f000001));   // 127.0.0.1, network order
            final MemorySegment len = arena.allocate(java.lang.foreign.ValueLayout.JAVA_INT);
            int client = -1;
            int server = -1;
            try
            {
                Libc.check(Libc.bind(listener, addr, (int)SockaddrIn.SIZEOF), "bind");
                Libc.check(Libc.listen(listener, 1), "listen");
                len.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, (int)SockaddrIn.SIZEOF);
                Libc.check(Libc.getsockname(listener, addr, len), "getsockname");
                client = Libc.check(Libc.socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
                Libc.check(Libc.connect(client, addr, (int)SockaddrIn.SIZEOF), "connect");
                server = Libc.check(Libc.accept4(listener, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC), "accept4");

                final MemorySegment info = arena.allocate(TcpInfo.LAYOUT);
                len.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, (int)TcpInfo.SIZEOF);
                final MemorySegment errno = Libc.allocateErrnoState(arena);
                assertEquals(0, Libc.getsockopt(errno, server, IPPROTO_TCP, TCP_INFO, info, len));
                assertEquals((int)TcpInfo.SIZEOF, len.get(java.lang.foreign.ValueLayout.JAVA_INT, 0),
                    "the kernel's struct is larger: it fills the whole prefix we ask for");
                assertEquals(1, TcpInfo.tcpi_state(info), "TCP_ESTABLISHED");
                assertEquals(0, TcpInfo.tcpi_total_retrans(info));
                assertTrue(TcpInfo.tcpi_rto(info) > 0, "rto " + TcpInfo.tcpi_rto(info));
                assertTrue(TcpInfo.tcpi_snd_mss(info) > 0, "mss " + TcpInfo.tcpi_snd_mss(info));

                final int notASocket = Libc.eventfd(0, 0);
                assertEquals(-ENOTSOCK, Libc.getsockopt(errno, notASocket, IPPROTO_TCP, TCP_INFO, info, len));
                Libc.close(notASocket);
                assertEquals(-EBADF, Libc.getsockopt(-1, IPPROTO_TCP, TCP_INFO, info, len));
            }
            finally
            {
                Libc.close(server);
                Libc.close(client);
                Libc.close(listener);
            }
        }
    }
}
