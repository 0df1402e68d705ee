package io.ringtarget.target.config;

/**
 * Engine settings: {@code loops} event loops (0 = one per core), {@code pinCpus} pins loop i to CPU i,
 * {@code idleStrategy} "ring" (block in io_uring_enter when idle), "busy" or "backoff",
 * {@code nopInIntervalSeconds}/{@code nopInTimeoutSeconds} the target's NOP-In pings that drop dead connections.
 */
public record EngineConfig(int loops, boolean pinCpus, String idleStrategy, int nopInIntervalSeconds, int nopInTimeoutSeconds)
{
}
