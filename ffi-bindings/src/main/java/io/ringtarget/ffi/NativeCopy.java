package io.ringtarget.ffi;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Large copies into memory that will not be read again soon (a RAM LUN's, larger than the caches), with libc's memcpy
 * instead of the JIT's vector copy stub. A 1 MiB write into a RAM LUN spent 48 % of its CPU in that stub (perf);
 * with memcpy ({@code rep movsb} at these sizes by default) such writes ran 1.06x faster at 0.96x the CPU per I/O
 * (docs/benchmarks.md, 2026-12-02 09:00), and with the non-temporal stores the launcher asks glibc for from 32 KiB
 * (bin/jvm-env.sh: no read of each line before it is written) 1.37x faster again (2026-12-02 11:20). Those stores
 * leave the destination out of the caches, which makes a copy into a buffer read at once slower (0.55x in a
 * test here): copy such data with MemorySegment.copy. Below {@link #THRESHOLD} the JIT's copy needs no call and is
 * kept.
 */
public final class NativeCopy
{
    /** Copies of at least this many bytes go to memcpy. */
    public static final long THRESHOLD = 16 * 1024;

    /**
     * memcpy(void *dst, const void *src, size_t n), pointers passed as the 64-bit integers the x86-64 and AArch64
     * ABIs pass them in; critical: no thread-state transition around a call that neither blocks nor calls back.
     */
    private static final MethodHandle MEMCPY = Linker.nativeLinker().downcallHandle(
        Linker.nativeLinker().defaultLookup().find("memcpy")
            .orElseThrow(() -> new UnsatisfiedLinkError("libc symbol not found: memcpy")),
        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.critical(false));

    private NativeCopy()
    {
    }

    /**
     * As {@link MemorySegment#copy(MemorySegment, long, MemorySegment, long, long)}, bounds checked alike; native,
     * disjoint segments of {@link #THRESHOLD} bytes or more are copied by memcpy. The caller keeps both segments'
     * memory alive during the call (the copy runs on the thread that owns the request).
     */
    public static void copy(
        final MemorySegment src, final long srcOffset, final MemorySegment dst, final long dstOffset, final long length)
    {
        if (length < THRESHOLD || !src.isNative() || !dst.isNative() || dst.isReadOnly())
        {
            // MemorySegment.copy copies these, and refuses a read-only destination as the JDK does
            MemorySegment.copy(src, srcOffset, dst, dstOffset, length);
            return;
        }
        Objects.checkFromIndexSize(srcOffset, length, src.byteSize());
        Objects.checkFromIndexSize(dstOffset, length, dst.byteSize());
        final long from = src.address() + srcOffset;
        final long to = dst.address() + dstOffset;
        if (from < to + length && to < from + length)
        {
            MemorySegment.copy(src, srcOffset, dst, dstOffset, length);   // overlapping: memcpy's result is undefined
            return;
        }
        try
        {
            final long ignored = (long)MEMCPY.invokeExact(to, from, length);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("memcpy", t);
        }
    }
}
