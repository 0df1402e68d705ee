package io.ringtarget.iscsi.engine;

import io.ringtarget.iscsi.connection.PortalListener;
import io.ringtarget.iscsi.loop.LoopConnection;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopTask;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Drain on each loop: stop accepting, close every connection once its in-flight I/O completes. */
final class DrainTask implements LoopTask
{
    private final LoopContext context;
    private final List<PortalListener> ofLoop;
    private final CountDownLatch done;

    DrainTask(final LoopContext context, final List<PortalListener> ofLoop, final CountDownLatch done)
    {
        this.context = context;
        this.ofLoop = ofLoop;
        this.done = done;
    }

    @Override
    public void runOnLoop(final EventLoop loop)
    {
        for (final PortalListener l : ofLoop)
        {
            l.close();
        }
        for (final LoopConnection c : context.connections())
        {
            c.requestLogout();   // the loop's timer sends the Async Message, then closes
        }
        done.countDown();
    }
}
