package io.ringtarget.ring;

import io.ringtarget.ffi.Libc;

import java.lang.foreign.ValueLayout;

import static io.ringtarget.ffi.LibcConstants.*;

/**
 * Child-process body of {@link MemlockFallbackTest}: registers a 4 MiB pool under a small RLIMIT_MEMLOCK, then
 * writes and reads a file through it, printing what happened.
 */
public final class MemlockProbeMain
{
    private MemlockProbeMain()
    {
    }

    public static void main(final String[] args)
    {
        final String path = args[0];
        try (Ring ring = Ring.open(new RingConfig().entries(8)); BufferPool pool = new BufferPool(64 * 1024, 64))
        {
            final boolean registered = pool.registerWith(ring);
            System.out.println("registered=" + registered + " pool.registered()=" + pool.registered());
            final int fd = Libc.openOrThrow(path, O_RDWR | O_CREAT | O_DIRECT | O_CLOEXEC, 0600);
            try
            {
                final int w = pool.acquire();
                final int r = pool.acquire();
                for (int i = 0; i < pool.bufferSize(); i += 8)
                {
                    pool.segment(w).set(ValueLayout.JAVA_LONG, i, i * 0x5DEECE66DL);
                }
                final Cqes c = new Cqes();
                ring.prepWrite(fd, pool.address(w), pool.bufferSize(), 0, 0, 1);
                c.await(ring, 1);
                ring.prepRead(fd, pool.address(r), pool.bufferSize(), 0, 2);
                c.await(ring, 2);
                final boolean same = pool.segment(w).mismatch(pool.segment(r)) == -1;
                System.out.println("io=" + (c.resOf(1) == pool.bufferSize() && c.resOf(2) == pool.bufferSize() && same ? "ok" : "bad " + c.resOf(1) + " " + c.resOf(2)));
            }
            finally
            {
                Libc.close(fd);
            }
        }
    }
}
