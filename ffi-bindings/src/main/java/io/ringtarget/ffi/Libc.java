package io.ringtarget.ffi;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcalls into glibc, each with errno captured ({@link Linker.Option#captureCallState}) so that no later JVM
 * activity can clobber it.
 * <p>
 * Convention: every method returns the call's non-negative result or {@code -errno}; none throws for a failed call
 * (the {@code *OrThrow} helpers and {@link #check} turn a result into an {@link ErrnoException} where a caller
 * is not on a hot path). Methods taking a {@link String} allocate a temporary native copy: setup paths only.
 * <p>
 * The errno capture buffer is per thread, so the methods are thread-safe; a thread that calls often (the ring's
 * io_uring_enter) passes its own buffer to the overloads taking {@code errnoState}.
 */
public final class Libc
{
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO_HANDLE =
        CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final ThreadLocal<MemorySegment> ERRNO_STATE =
        ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));
    /** A char* whose string we read up to this many bytes (strerror texts are short). */
    private static final AddressLayout C_STRING = ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256, ValueLayout.JAVA_BYTE));

    private static final MethodHandle SYSCALL6 = downcall("syscall",
        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1);
    private static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2);
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle FSTAT = downcall("fstat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), -1);
    private static final MethodHandle FSTATVFS =
        downcall("fstatvfs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), -1);
    private static final MethodHandle STATX =
        downcall("statx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), -1);
    private static final MethodHandle IOCTL = downcall("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), 2);
    private static final MethodHandle FALLOCATE =
        downcall("fallocate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), -1);
    private static final MethodHandle FTRUNCATE = downcall("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), -1);
    private static final MethodHandle PREAD =
        downcall("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), -1);
    private static final MethodHandle PWRITE =
        downcall("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), -1);
    private static final MethodHandle READ = downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle WRITE = downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle SOCKET = downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle SETSOCKOPT =
        downcall("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
    private static final MethodHandle GETSOCKOPT =
        downcall("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), -1);
    private static final MethodHandle FLOCK = downcall("flock", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle BIND = downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
    private static final MethodHandle LISTEN = downcall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle GETSOCKNAME =
        downcall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), -1);
    private static final MethodHandle CONNECT = downcall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), -1);
    private static final MethodHandle ACCEPT4 =
        downcall("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT), -1);
    private static final MethodHandle SHUTDOWN = downcall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle SCHED_SETAFFINITY =
        downcall("sched_setaffinity", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), -1);
    private static final MethodHandle MMAP =
        downcall("mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), -1);
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle MADVISE =
        downcall("madvise", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);
    private static final MethodHandle MINCORE =
        downcall("mincore", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS), -1);
    private static final MethodHandle EVENTFD = downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle SCHED_YIELD = LINKER.downcallHandle(
        LINKER.defaultLookup().find("sched_yield").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPID = LINKER.downcallHandle(
        LINKER.defaultLookup().find("getpid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(
        LINKER.defaultLookup().find("strerror").orElseThrow(), FunctionDescriptor.of(C_STRING, JAVA_INT));

    private Libc()
    {
    }

    private static MethodHandle downcall(final String name, final FunctionDescriptor fd, final int firstVariadic)
    {
        final MemorySegment symbol = LINKER.defaultLookup().find(name)
            .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: " + name));
        return firstVariadic < 0 ?
            LINKER.downcallHandle(symbol, fd, CAPTURE_ERRNO) :
            LINKER.downcallHandle(symbol, fd, CAPTURE_ERRNO, Linker.Option.firstVariadicArg(firstVariadic));
    }

    /** A buffer for {@code errnoState} parameters: one per calling thread, kept by the caller. */
    public static MemorySegment allocateErrnoState(final Arena arena)
    {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /** The errno a call captured into this buffer. */
    public static int errno(final MemorySegment errnoState)
    {
        return (int)ERRNO_HANDLE.get(errnoState, 0L);
    }

    private static MemorySegment state()
    {
        return ERRNO_STATE.get();
    }

    private static int result(final int r, final MemorySegment state)
    {
        return r >= 0 ? r : -errno(state);
    }

    private static long result(final long r, final MemorySegment state)
    {
        return r >= 0 ? r : -errno(state);
    }

    private static RuntimeException fatal(final Throwable t)
    {
        if (t instanceof RuntimeException re)
        {
            return re;
        }
        if (t instanceof Error e)
        {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /** Returns {@code result} when it is >= 0, otherwise throws an {@link ErrnoException} naming {@code what}. */
    public static int check(final int result, final String what)
    {
        if (result < 0)
        {
            throw new ErrnoException(what, -result);
        }
        return result;
    }

    /** As {@link #check(int, String)} for long results. */
    public static long check(final long result, final String what)
    {
        if (result < 0)
        {
            throw new ErrnoException(what, (int)-result);
        }
        return result;
    }

    /** syscall(2) with six arguments; returns the result or -errno. */
    public static long syscall6(
        final MemorySegment errnoState, final long nr,
        final long a1, final long a2, final long a3, final long a4, final long a5, final long a6)
    {
        try
        {
            return result((long)SYSCALL6.invokeExact(errnoState, nr, a1, a2, a3, a4, a5, a6), errnoState);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** syscall(2) using this thread's errno buffer. */
    public static long syscall6(
        final long nr, final long a1, final long a2, final long a3, final long a4, final long a5, final long a6)
    {
        return syscall6(state(), nr, a1, a2, a3, a4, a5, a6);
    }

    public static int open(final MemorySegment path, final int flags, final int mode)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)OPEN.invokeExact(s, path, flags, mode), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** open(2); setup path (allocates the C string). */
    public static int open(final String path, final int flags, final int mode)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return open(arena.allocateFrom(path), flags, mode);
        }
    }

    /** open(2) or an {@link ErrnoException} naming the path. */
    public static int openOrThrow(final String path, final int flags, final int mode)
    {
        return check(open(path, flags, mode), "open(" + path + ")");
    }

    public static int close(final int fd)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)CLOSE.invokeExact(s, fd), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** fstat(2) into a {@link Stat#LAYOUT}-sized buffer. */
    public static int fstat(final int fd, final MemorySegment stat)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)FSTAT.invokeExact(s, fd, stat), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** fstatvfs(3) into a {@link Statvfs#LAYOUT}-sized buffer. */
    public static int fstatvfs(final int fd, final MemorySegment statvfs)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)FSTATVFS.invokeExact(s, fd, statvfs), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /**
     * statx(2) of an open file ({@link Statx#AT_EMPTY_PATH}) into a {@link Statx#LAYOUT}-sized buffer; setup path.
     */
    public static int fstatx(final int fd, final int mask, final MemorySegment statx)
    {
        final MemorySegment s = state();
        try (Arena arena = Arena.ofConfined())
        {
            return result((int)STATX.invokeExact(s, fd, arena.allocateFrom(""), Statx.AT_EMPTY_PATH, mask, statx), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** ioctl(2) with a pointer argument (BLKGETSIZE64, BLKSSZGET, BLKDISCARD take one). */
    public static int ioctl(final int fd, final long request, final MemorySegment arg)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)IOCTL.invokeExact(s, fd, request, arg), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    public static int fallocate(final int fd, final int mode, final long offset, final long length)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)FALLOCATE.invokeExact(s, fd, mode, offset, length), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    public static int ftruncate(final int fd, final long length)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)FTRUNCATE.invokeExact(s, fd, length), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** pread(2): synchronous, for tests and setup. */
    public static long pread(final int fd, final MemorySegment buf, final long count, final long offset)
    {
        final MemorySegment s = state();
        try
        {
            return result((long)PREAD.invokeExact(s, fd, buf, count, offset), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** pwrite(2): synchronous, for tests and setup. */
    public static long pwrite(final int fd, final MemorySegment buf, final long count, final long offset)
    {
        final MemorySegment s = state();
        try
        {
            return result((long)PWRITE.invokeExact(s, fd, buf, count, offset), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    public static long read(final int fd, final MemorySegment buf, final long count)
    {
        final MemorySegment s = state();
        try
        {
            return result((long)READ.invokeExact(s, fd, buf, count), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    public static long write(final int fd, final MemorySegment buf, final long count)
    {
        final MemorySegment s = state();
        try
        {
            return result((long)WRITE.invokeExact(s, fd, buf, count), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    public static int socket(final int domain, final int type, final int protocol)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)SOCKET.invokeExact(s, domain, type, protocol), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    public static int setsockopt(final int fd, final int level, final int name, final MemorySegment value, final int length)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)SETSOCKOPT.invokeExact(s, fd, level, name, value, length), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /**
     * getsockopt(2); {@code lengthInOut} points to a socklen_t holding the size of {@code value} and receives the
     * size written. Uses the caller's {@code errnoState} (no thread-local lookup): for loop threads.
     */
    public static int getsockopt(
        final MemorySegment errnoState, final int fd, final int level, final int name, final MemorySegment value,
        final MemorySegment lengthInOut)
    {
        try
        {
            return result((int)GETSOCKOPT.invokeExact(errnoState, fd, level, name, value, lengthInOut), errnoState);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** getsockopt(2) using this thread's errno buffer. */
    public static int getsockopt(
        final int fd, final int level, final int name, final MemorySegment value, final MemorySegment lengthInOut)
    {
        return getsockopt(state(), fd, level, name, value, lengthInOut);
    }

    /**
     * flock(2): an advisory lock on the open file description, released when its last descriptor closes (so also
     * when the process dies); {@code LOCK_EX | LOCK_NB} answers {@code -EWOULDBLOCK} while another holds it.
     */
    public static int flock(final int fd, final int operation)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)FLOCK.invokeExact(s, fd, operation), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    public static int bind(final int fd, final MemorySegment address, final int length)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)BIND.invokeExact(s, fd, address, length), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    public static int listen(final int fd, final int backlog)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)LISTEN.invokeExact(s, fd, backlog), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** getsockname(2); {@code lengthInOut} points to a socklen_t holding the buffer size. */
    public static int getsockname(final int fd, final MemorySegment address, final MemorySegment lengthInOut)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)GETSOCKNAME.invokeExact(s, fd, address, lengthInOut), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    public static int connect(final int fd, final MemorySegment address, final int length)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)CONNECT.invokeExact(s, fd, address, length), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** accept4(2); address and lengthInOut may be {@link MemorySegment#NULL}. */
    public static int accept4(final int fd, final MemorySegment address, final MemorySegment lengthInOut, final int flags)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)ACCEPT4.invokeExact(s, fd, address, lengthInOut, flags), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    public static int shutdown(final int fd, final int how)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)SHUTDOWN.invokeExact(s, fd, how), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** sched_setaffinity(2); pid 0 is the calling thread. */
    public static int schedSetaffinity(final int pid, final long maskSize, final MemorySegment mask)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)SCHED_SETAFFINITY.invokeExact(s, pid, maskSize, mask), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** mmap(2); returns the mapping's address, or -errno (user addresses are below 2^47, never negative). */
    public static long mmap(final long address, final long length, final int prot, final int flags, final int fd, final long offset)
    {
        final MemorySegment s = state();
        try
        {
            final MemorySegment m = (MemorySegment)MMAP.invokeExact(s, MemorySegment.ofAddress(address), length, prot, flags, fd, offset);
            return m.address() == LibcConstants.MAP_FAILED ? -errno(s) : m.address();
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    public static int munmap(final long address, final long length)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)MUNMAP.invokeExact(s, MemorySegment.ofAddress(address), length), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** madvise(2) on {@code length} bytes from the page-aligned {@code address}; 0 or -errno. */
    public static int madvise(final long address, final long length, final int advice)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)MADVISE.invokeExact(s, MemorySegment.ofAddress(address), length, advice), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /**
     * mincore(2): for each page of {@code length} bytes from the page-aligned {@code address}, one byte of
     * {@code residency} whose lowest bit says whether the page is in memory now; 0 or -errno.
     */
    public static int mincore(final long address, final long length, final MemorySegment residency)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)MINCORE.invokeExact(s, MemorySegment.ofAddress(address), length, residency), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    public static int eventfd(final int initial, final int flags)
    {
        final MemorySegment s = state();
        try
        {
            return result((int)EVENTFD.invokeExact(s, initial, flags), s);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** sched_yield(2): lets a runnable thread sharing this CPU run first; returns at once when there is none. */
    public static int schedYield()
    {
        try
        {
            return (int)SCHED_YIELD.invokeExact();
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    public static int getpid()
    {
        try
        {
            return (int)GETPID.invokeExact();
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }

    /** strerror(3) text of a positive errno (allocates a String). */
    public static String strerror(final int errno)
    {
        try
        {
            final MemorySegment text = (MemorySegment)STRERROR.invokeExact(errno);
            return text.getString(0);
        }
        catch (final Throwable t)
        {
            throw fatal(t);
        }
    }
}
