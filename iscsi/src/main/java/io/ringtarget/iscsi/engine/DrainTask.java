package io.ringtarget.iscsi.engine;

import io.ringtarget.iscsi.connection.PortalListener;
import io.ringtarget.iscsi.loop.LoopConnection;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopTask;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Drain on each loop: stop accepting (each listening socket counts {@code unlistened} down once it is really closed,
 * its accept request's last completion in), close every connection once its in-flight I/O completes.
 */
final class DrainTask implements LoopTask
{
    private final LoopContext context;
    private final List<PortalListener> ofLoop;
    private final CountDownLatch done;
    private final CountDownLatch unlistened;

    DrainTask(
        final LoopContext context, final List<PortalListener> ofLoop, final CountDownLatch done,
        final CountDownLatch unlistened)
    {
        this.context = context;
        this.ofLoop = ofLoop;
        this.done = done;
        this.unlistened = unlistened;
    }

    @Override
    public void runOnLoop(final EventLoop loop)
    {
        for (final PortalListener l : ofLoop)
        {
            l.close(unlistened);
        }
        for (final LoopConnection c : context.connections())
        {
            c.requestLogout();   // the loop's timer sends the Async Message, then closes
        }
        done.countDown();
    }
}
