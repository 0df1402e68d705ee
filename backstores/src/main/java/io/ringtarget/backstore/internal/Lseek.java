package io.ringtarget.backstore.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * lseek(2) for SEEK_DATA / SEEK_HOLE (GET LBA STATUS on sparse files). Not in ffi-bindings, which another
 * engineer owns, so a private downcall here. SEEK_DATA/SEEK_HOLE consult extent maps and do no data I/O.
 */
public final class Lseek
{
    public static final int SEEK_SET = 0;
    public static final int SEEK_END = 2;
    public static final int SEEK_DATA = 3;
    public static final int SEEK_HOLE = 4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(
        java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle LSEEK = LINKER.downcallHandle(
        LINKER.defaultLookup().find("lseek").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
        Linker.Option.captureCallState("errno"));
    private static final ThreadLocal<MemorySegment> STATE =
        ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    private Lseek()
    {
    }

    /**
     * @return the new offset, or -errno (ENXIO when there is no data / hole at or after offset).
     */
    public static long lseek(final int fd, final long offset, final int whence)
    {
        final MemorySegment state = STATE.get();
        try
        {
            final long r = (long)LSEEK.invokeExact(state, fd, offset, whence);
            return r >= 0 ? r : -(int)ERRNO.get(state, 0L);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException(t);
        }
    }
}
