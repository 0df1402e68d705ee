package io.ringtarget.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * {@code sem_t} from {@code <semaphore.h>} (opaque: its size only) and the POSIX semaphore calls. A C library that
 * wants a callback {@code void f(void *arg)} can be given {@link #SEM_POST} with a semaphore as its argument: its
 * thread then only posts the semaphore, and a Java thread waiting in {@link #semWait} does the work (librbd's update
 * watch, so that no librbd thread ever runs Java code).
 * <p>
 * Written in the shape jextract generates; the size is checked against the C headers by {@code LayoutCheckTest}.
 */
public final class SemT
{
    public static final GroupLayout LAYOUT = MemoryLayout.structLayout(
        MemoryLayout.sequenceLayout(32, ValueLayout.JAVA_BYTE).withName("__size")
    ).withName("sem_t");

    public static final long SIZEOF = 32;

    private static final Linker LINKER = Linker.nativeLinker();
    /** The address of libc's sem_post, to hand to C code as a callback. */
    public static final MemorySegment SEM_POST = LINKER.defaultLookup().find("sem_post").orElseThrow();
    private static final MethodHandle INIT = LINKER.downcallHandle(LINKER.defaultLookup().find("sem_init").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle WAIT = LINKER.downcallHandle(LINKER.defaultLookup().find("sem_wait").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle POST = LINKER.downcallHandle(SEM_POST, FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle DESTROY = LINKER.downcallHandle(
        LINKER.defaultLookup().find("sem_destroy").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));

    private SemT()
    {
    }

    public static long sizeof()
    {
        return SIZEOF;
    }

    /** A semaphore in {@code arena}, initialised to 0, shared between the threads of this process. */
    public static MemorySegment allocate(final Arena arena)
    {
        final MemorySegment sem = arena.allocate(LAYOUT);
        try
        {
            final int r = (int)INIT.invokeExact(sem, 0, 0);
            if (r != 0)
            {
                throw new IllegalStateException("sem_init failed");
            }
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Throwable t)
        {
            throw new AssertionError(t);
        }
        return sem;
    }

    /** Blocks until the semaphore is posted (or a signal interrupts: -1). */
    public static int semWait(final MemorySegment sem)
    {
        try
        {
            return (int)WAIT.invokeExact(sem);
        }
        catch (final Throwable t)
        {
            throw new AssertionError(t);
        }
    }

    public static int semPost(final MemorySegment sem)
    {
        try
        {
            return (int)POST.invokeExact(sem);
        }
        catch (final Throwable t)
        {
            throw new AssertionError(t);
        }
    }

    public static int semDestroy(final MemorySegment sem)
    {
        try
        {
            return (int)DESTROY.invokeExact(sem);
        }
        catch (final Throwable t)
        {
            throw new AssertionError(t);
        }
    }
}
