package io.ringtarget.ring;

/**
 * Receives completions as primitives (no event objects): the SQE's user_data, the result ({@code >= 0} success,
 * {@code -errno} failure) and the CQE flags ({@code IORING_CQE_F_MORE}, {@code IORING_CQE_F_BUFFER} + buffer id).
 */
@FunctionalInterface
public interface CompletionHandler
{
    void onCompletion(long userData, int res, int flags);
}
