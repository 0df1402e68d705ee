package io.ringtarget.ring;

/** Called on every duty cycle of its loop, on the loop's thread; returns the amount of work done (0 = idle). */
@FunctionalInterface
public interface LoopWorker
{
    int doWork(long nowNanos);
}
