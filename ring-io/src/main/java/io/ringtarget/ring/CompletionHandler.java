package io.ringtarget.ring;

/**
 * Receives completions as primitives (no event objects): the SQE's user_data, the result ({@code >= 0} success,
 * {@code -errno} failure) and the CQE flags ({@code IORING_CQE_F_MORE}, {@code IORING_CQE_F_BUFFER} + buffer id).
 */
@FunctionalInterface
public interface CompletionHandler
{
    void onCompletion(long userData, int res, int flags);

    /**
     * Called on the loop thread, once, when {@link #onCompletion} threw for {@code userData}: the loop has counted the
     * fault and goes on with the next completion, so the owner should put itself in a safe state (e.g. a connection
     * closes). Return true when the owner has dealt with it (and logged it if it wants to); false, the default, has
     * the loop report {@code cause} to its {@link org.agrona.ErrorHandler}. Should not throw: if it does, that is
     * reported along with {@code cause}.
     */
    default boolean onFault(final long userData, final Throwable cause)
    {
        return false;
    }
}
