package io.ringtarget.ring;

import io.ringtarget.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

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
 */
public final class LazyMemory
{
    private static final long PAGE = 4096;

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
}
