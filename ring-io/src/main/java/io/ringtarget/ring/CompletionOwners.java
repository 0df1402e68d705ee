package io.ringtarget.ring;

/**
 * The {@link CompletionHandler}s of one {@link EventLoop} by owner id, the id each puts in its operations' user_data
 * ({@link UserData}): dispatching a CQE is an array read. Id 0 is the loop's own ({@link #LOOP}) and never handed out.
 * Freed ids are reused oldest first (a ring buffer of them), so that a late completion of an owner just unregistered
 * is less likely to reach the next one; still, unregister only when none of an owner's operations is in flight.
 * Loop thread only (or before the loop starts).
 */
final class CompletionOwners
{
    static final int LOOP = 0;

    private CompletionHandler[] owners = new CompletionHandler[64];
    private int nextId = LOOP + 1;
    private int[] freeIds = new int[64];
    private int freeHead;
    private int freeTail;

    /** The owner registered under {@code ownerId}, or null (never registered, unregistered, or the loop's own). */
    CompletionHandler get(final int ownerId)
    {
        final CompletionHandler[] os = owners;
        return ownerId < os.length ? os[ownerId] : null;
    }

    int register(final CompletionHandler owner)
    {
        final int id;
        if (freeHead != freeTail)
        {
            id = freeIds[freeHead & (freeIds.length - 1)];
            freeHead++;
        }
        else
        {
            id = nextId++;
            if (id > UserData.MAX_OWNER_ID)
            {
                throw new IllegalStateException("more than " + UserData.MAX_OWNER_ID + " completion owners");
            }
            if (id >= owners.length)
            {
                final CompletionHandler[] grown = new CompletionHandler[owners.length * 2];
                System.arraycopy(owners, 0, grown, 0, owners.length);
                owners = grown;
            }
        }
        owners[id] = owner;
        return id;
    }

    void unregister(final int ownerId)
    {
        if (ownerId <= LOOP || ownerId >= owners.length || owners[ownerId] == null)
        {
            throw new IllegalArgumentException("owner " + ownerId + " is not registered");
        }
        owners[ownerId] = null;
        if (freeTail - freeHead == freeIds.length)
        {
            final int[] grown = new int[freeIds.length * 2];
            for (int i = 0; i < freeIds.length; i++)
            {
                grown[i] = freeIds[(freeHead + i) & (freeIds.length - 1)];
            }
            freeTail = freeIds.length;
            freeHead = 0;
            freeIds = grown;
        }
        freeIds[freeTail & (freeIds.length - 1)] = ownerId;
        freeTail++;
    }
}
