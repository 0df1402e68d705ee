package io.ringtarget.ring;

import io.ringtarget.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** CPU pinning through sched_setaffinity(2) (a cpu_set_t of 1024 bits). */
final class Affinity
{
    private static final int CPU_SET_BYTES = 128;

    private Affinity()
    {
    }

    /** Pins the calling thread to {@code cpu}; returns 0 or -errno. */
    static int pinCurrentThread(final int cpu)
    {
        if (cpu < 0 || cpu >= CPU_SET_BYTES * 8)
        {
            throw new IllegalArgumentException("cpu out of range: " + cpu);
        }
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment mask = arena.allocate(CPU_SET_BYTES, 8);
            final long word = mask.get(ValueLayout.JAVA_LONG, (cpu >>> 6) * 8L);
            mask.set(ValueLayout.JAVA_LONG, (cpu >>> 6) * 8L, word | (1L << (cpu & 63)));
            return Libc.schedSetaffinity(0, CPU_SET_BYTES, mask);
        }
    }
}
