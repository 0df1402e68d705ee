package io.ringtarget.ring;

import io.ringtarget.ffi.Libc;

import org.junit.jupiter.api.Test;

import java.io.File;

import static io.ringtarget.ffi.IoUringConstants.*;
import static org.junit.jupiter.api.Assertions.*;

class RingLifecycleTest
{
    private static int openFds()
    {
        final String[] fds = new File("/proc/self/fd").list();
        assertNotNull(fds);
        return fds.length;
    }

    @Test
    void teardownLeaksNoFileDescriptors()
    {
        // Warm up class loading and lazily opened JDK files before the first count.
        try (Ring ring = Ring.open(new RingConfig()))
        {
            ring.prepNop(1);
            new Cqes().await(ring, 1);
        }
        final int before = openFds();
        for (int i = 0; i < 40; i++)
        {
            try (Ring ring = Ring.open(new RingConfig().entries(32 + i));
                BufferPool pool = new BufferPool(4096, 4);
                ProvidedBufferRing pbr = new ProvidedBufferRing(ring, 1, 4, 256))
            {
                assertTrue(pool.registerWith(ring));
                ring.prepNop(1);
                new Cqes().await(ring, 1);
                assertEquals(4, pbr.entries());
            }
            final EventLoop loop = new EventLoop("leak-" + i, Ring.open(new RingConfig().entries(8)));
            loop.doWork();
            loop.onClose();
            loop.ring().close();
        }
        assertEquals(before, openFds(), "fds after 40 rings, pools, buffer rings and loops");
    }

    @Test
    void completionsBeyondTheCqSizeAreKeptAndFlushedByPoll()
    {
        try (Ring ring = Ring.open(new RingConfig().entries(8).cqEntries(8)))
        {
            assertEquals(8, ring.cqEntries());
            final int total = 64;
            for (int i = 0; i < total; i++)
            {
                ring.prepNop(UserData.pack(3, 0, i));
                if ((i & 7) == 7)
                {
                    // Completions posted without reaping: from the 9th on they go to the kernel's overflow list.
                    assertTrue(ring.submitAndWait(0, 0) >= 0);
                }
            }
            final boolean[] seen = new boolean[total];
            final int[] n = {0};
            for (int i = 0; i < 1000 && n[0] < total; i++)
            {
                ring.poll((ud, res, flags) ->
                {
                    assertEquals(0, res);
                    assertFalse(seen[UserData.tag(ud)], "delivered once");
                    seen[UserData.tag(ud)] = true;
                    n[0]++;
                }, 16);
                ring.submitAndWait(0, 0);
            }
            assertEquals(total, n[0], "no completion lost (IORING_FEAT_NODROP)");
            assertEquals(0, ring.cqOverflowCount(), "nothing dropped");
            assertTrue(ring.cqOverflowFlushes() > 0, "the overflow flag was seen and flushed");
        }
    }

    @Test
    void registrationIsForTheIssuerOnceTheRingIsEnabled() throws Exception
    {
        // Resources close in reverse: the ring first, so the pools need not unregister from a non-owner thread.
        try (BufferPool early = new BufferPool(4096, 2);
            BufferPool late = new BufferPool(4096, 2);
            Ring ring = Ring.open(new RingConfig().entries(8)))
        {
            // Before the first enter the ring is still R_DISABLED: any thread may register (e.g. the main thread
            // while building a loop).
            assertTrue(early.registerWith(ring));
            final Thread owner = Thread.ofPlatform().start(() ->
            {
                ring.prepNop(1);
                new Cqes().await(ring, 1);
            });
            owner.join(30_000);
            final boolean singleIssuer = (ring.setupFlags() & IORING_SETUP_SINGLE_ISSUER) != 0;
            // Afterwards a SINGLE_ISSUER ring refuses other threads (EEXIST): the pool logs and falls back.
            assertEquals(!singleIssuer, late.registerWith(ring));
            assertFalse(late.registered() && singleIssuer);
        }
    }

    @Test
    void useAfterCloseFailsCleanlyAndCloseIsIdempotent()
    {
        final Ring ring = Ring.open(new RingConfig().entries(8));
        final int fd = ring.ringFd();
        ring.close();
        ring.close();
        assertTrue(ring.isClosed());
        assertThrows(IllegalStateException.class, () -> ring.prepNop(1));
        assertThrows(IllegalStateException.class, ring::submit);
        assertThrows(IllegalStateException.class, () -> ring.submitAndWait(1, 1000));
        assertThrows(IllegalStateException.class, () -> ring.poll((u, r, f) -> fail("no completion after close"), 8));
        assertThrows(IllegalStateException.class, ring::unregisterBuffers);
        assertEquals(-9, Libc.close(fd), "the ring fd is closed");
    }

    @Test
    void describesWhatItUsesAndProbesOpcodes()
    {
        try (Ring ring = Ring.open(new RingConfig()))
        {
            final String d = ring.describe();
            assertTrue(d.contains("setup=") && d.contains("features="), d);
            assertTrue(ring.supports(IORING_OP_READ));
            assertTrue(ring.supports(IORING_OP_SEND));
            assertFalse(ring.supports(255));
            assertFalse(ring.supports(-1));
            assertEquals(1024, ring.sqEntries());
            assertEquals(4096, ring.cqEntries());
            if ((ring.setupFlags() & IORING_SETUP_DEFER_TASKRUN) != 0)
            {
                assertTrue((ring.setupFlags() & IORING_SETUP_SINGLE_ISSUER) != 0);
            }
        }
    }

    @Test
    void fallsBackWhenDeferredTaskRunIsNotWanted()
    {
        try (Ring ring = Ring.open(new RingConfig().entries(8).deferTaskrun(false).singleIssuer(false)))
        {
            assertEquals(0, ring.setupFlags() & (IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER));
            ring.prepNop(7);
            assertEquals(7, new Cqes().await(ring, 1).userData[0]);
        }
        try (Ring ring = Ring.open(new RingConfig().entries(8).deferTaskrun(false).coopTaskrun(false).singleIssuer(false)))
        {
            assertTrue(ring.describe().contains("setup="));
            ring.prepNop(8);
            assertEquals(8, new Cqes().await(ring, 1).userData[0]);
        }
    }

    @Test
    void aSingleIssuerRingBelongsToTheFirstThreadThatEntersIt() throws Exception
    {
        final Ring ring = Ring.open(new RingConfig().entries(8));
        try
        {
            // Built here, driven by another thread: R_DISABLED until that thread's first enter.
            final Thread t = Thread.ofPlatform().start(() ->
            {
                ring.prepNop(1);
                new Cqes().await(ring, 1);
            });
            t.join(30_000);
            assertFalse(t.isAlive());
            assertEquals(t, ring.issuer());
            if ((ring.setupFlags() & IORING_SETUP_SINGLE_ISSUER) != 0)
            {
                ring.prepNop(2);
                assertEquals(-17, ring.submit(), "another thread entering a SINGLE_ISSUER ring gets EEXIST");
            }
        }
        finally
        {
            ring.close();
        }
    }
}
