package io.ringtarget.ring;

import io.ringtarget.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.ringtarget.ffi.LibcConstants.MADV_HUGEPAGE;
import static io.ringtarget.ffi.LibcConstants.MAP_ANONYMOUS;
import static io.ringtarget.ffi.LibcConstants.MAP_NORESERVE;
import static io.ringtarget.ffi.LibcConstants.MAP_PRIVATE;
import static io.ringtarget.ffi.LibcConstants.PROT_READ;
import static io.ringtarget.ffi.LibcConstants.PROT_WRITE;

/**
 * Zeroed native memory whose pages cost nothing until first touched: an anonymous private mapping (mmap(2),
 * MAP_NORESERVE) instead of {@link Arena#allocate}, which zeroes, and so commits, every byte at once. For buffers
 * sized for the worst case of which a connection usually touches a few pages (its receive buffer and send staging
 * while it logs in), so that thousands of idle connections cost kilobytes each. Page-aligned; unmapped when the
 * arena closes. Setup path.
 * <p>
 * {@link #allocateInHugePages} maps memory for transparent huge pages: a RAM LUN. Random I/O over a large span then
 * costs one TLB entry per 2 MiB instead of per 4 KiB, the kernel's copies to and from sockets included
 * (docs/benchmarks.md, 2026-12-05 23:37: a RAM LUN's QD32 p99.9 0.35-0.44x). Not a loop's data buffers: in huge pages
 * they made no difference beyond the spread (2026-12-06 02:29; a loop uses few of them at a time).
 */
public final class LazyMemory
{
    private static final long PAGE = 4096;
    /** A transparent huge page (x86-64, arm64 with 4 KiB pages). */
    public static final long HUGE_PAGE = 2L << 20;

    private LazyMemory()
    {
    }

    /** {@code size} bytes (rounded up to whole pages), zero, owned by {@code arena}. */
    @SuppressWarnings("restricted")
    public static MemorySegment allocate(final Arena arena, final long size)
    {
        final long length = (size + PAGE - 1) & -PAGE;
        final long address = Libc.check(
            Libc.mmap(0, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0), "mmap");
        return MemorySegment.ofAddress(address).reinterpret(length, arena, segment -> Libc.munmap(address, length));
    }

    /**
     * {@code size} bytes rounded up to whole 2 MiB huge pages, zero, owned by {@code arena}, aligned to 2 MiB (the
     * kernel maps a huge page only at an aligned region wholly inside a mapping) and advised MADV_HUGEPAGE, honoured
     * where the host's transparent huge pages are {@code always} or {@code madvise} (else, or on a kernel without
     * them, 4 KiB pages as {@link #allocate}). The 2 MiB mapped more to align it are never touched, so never
     * committed; a huge page is committed whole at its first touch.
     */
    public static MemorySegment allocateInHugePages(final Arena arena, final long size)
    {
        final long length = (size + HUGE_PAGE - 1) & -HUGE_PAGE;
        final MemorySegment mapping = allocate(arena, length + HUGE_PAGE);
        final MemorySegment aligned = mapping.asSlice(-mapping.address() & (HUGE_PAGE - 1), length);
        Libc.madvise(aligned.address(), length, MADV_HUGEPAGE);   // EINVAL without THP: 4 KiB pages, as asked for
        return aligned;
    }
}
