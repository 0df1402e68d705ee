package io.ringtarget.ring;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CompletionOwnersTest
{
    private static final CompletionHandler NONE = (userData, res, flags) -> { };

    @Test
    void idsStartAfterTheLoopsOwnGrowPastTheInitialTablesAndAreReusedOldestFreedFirst()
    {
        final CompletionOwners owners = new CompletionOwners();
        final CompletionHandler[] handlers = new CompletionHandler[200];
        for (int i = 0; i < handlers.length; i++)
        {
            handlers[i] = (userData, res, flags) -> { };
            assertEquals(CompletionOwners.LOOP + 1 + i, owners.register(handlers[i]), "ids in order, table grown");
        }
        for (int i = 0; i < handlers.length; i++)
        {
            assertSame(handlers[i], owners.get(1 + i));
        }
        assertNull(owners.get(CompletionOwners.LOOP), "id 0 is the loop's, never an owner's");
        assertNull(owners.get(201));
        assertNull(owners.get(1 << 20), "beyond the table: no owner, no exception");

        // Free 150 ids (more than the free list's first 64 slots) in a scattered order, then take them back.
        final int[] freed = new int[150];
        for (int i = 0; i < freed.length; i++)
        {
            freed[i] = 1 + (i * 7) % 200;
        }
        for (final int id : freed)
        {
            owners.unregister(id);
            assertNull(owners.get(id));
        }
        for (final int id : freed)
        {
            assertEquals(id, owners.register(NONE), "the oldest freed id first");
        }
        assertEquals(201, owners.register(NONE), "no freed id left: a new one");
    }

    @Test
    void unregisteringAnIdNotRegisteredIsRefused()
    {
        final CompletionOwners owners = new CompletionOwners();
        final int id = owners.register(NONE);
        assertThrows(IllegalArgumentException.class, () -> owners.unregister(CompletionOwners.LOOP));
        assertThrows(IllegalArgumentException.class, () -> owners.unregister(id + 1));
        assertThrows(IllegalArgumentException.class, () -> owners.unregister(-1));
        owners.unregister(id);
        assertThrows(IllegalArgumentException.class, () -> owners.unregister(id), "twice");
    }
}
