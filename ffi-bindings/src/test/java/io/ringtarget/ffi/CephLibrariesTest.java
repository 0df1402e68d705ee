package io.ringtarget.ffi;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * librados and librbd load and every bound symbol is found (the classes' initialisers look each one up); the
 * semaphore that librbd's update watch posts works. The calls themselves run against a real cluster in the
 * backstores module (RbdBackstoreTest).
 */
class CephLibrariesTest
{
    @Test
    void librariesLoadAndEverySymbolIsFound()
    {
        assertNull(CephLibraries.unavailableReason(), "install-test-deps installs librbd1");
        // Initialising the classes resolves all their downcall handles.
        assertEquals(0, Librados.handle(Arena.global().allocate(8)));
        assertEquals(0, Librbd.handle(Arena.global().allocate(8)));
    }

    @Test
    void aClientHandleTakesAndGivesBackOptions()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment out = arena.allocate(8);
            assertEquals(0, Librados.create(out, "ringtarget-test"));
            final long cluster = Librados.handle(out);
            assertTrue(cluster != 0);
            // librbd's defaults the rbd backstore relies on (docs/admin-guide.md, "rbd backstores").
            assertEquals("65536", Librados.confGet(cluster, "rbd_discard_granularity_bytes"));
            assertEquals("true", Librados.confGet(cluster, "rbd_blocklist_on_break_lock"));
            assertEquals(0, Librados.confSet(cluster, "rbd_cache", "false"));
            assertEquals("false", Librados.confGet(cluster, "rbd_cache"));
            assertTrue(Librados.confSet(cluster, "no_such_option", "1") < 0);
            Librados.shutdown(cluster); // never connected: nothing is sent anywhere
        }
    }

    @Test
    void aPostedSemaphoreReleasesTheWaiter() throws Exception
    {
        try (Arena arena = Arena.ofShared())
        {
            final MemorySegment sem = SemT.allocate(arena);
            final Thread waiter = Thread.ofPlatform().start(() -> SemT.semWait(sem));
            assertEquals(0, SemT.semPost(sem));
            waiter.join(10_000);
            assertTrue(!waiter.isAlive());
            assertEquals(0, SemT.semDestroy(sem));
        }
    }
}
