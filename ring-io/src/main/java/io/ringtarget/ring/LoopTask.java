package io.ringtarget.ring;

/** Work handed to a loop from another thread (e.g. a new connection), run on the loop's thread. */
@FunctionalInterface
public interface LoopTask
{
    void runOnLoop(EventLoop loop);
}
