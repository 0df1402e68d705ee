package io.ringtarget.iscsi.engine;

import io.ringtarget.iscsi.connection.PortalListener;
import io.ringtarget.iscsi.loop.ConnectionTimer;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.iscsi.loop.SpillTrimmer;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopTask;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/** Start-up work a loop runs on its own thread: arm accepts, add the timer worker. */
final class StartTask implements LoopTask
{
    private final LoopContext context;
    private final List<PortalListener> listeners;
    private final List<PortalListener> ofLoop;
    private final CountDownLatch armed;
    private final AtomicReference<Throwable> failure;

    StartTask(final LoopContext context, final List<PortalListener> listeners, final List<PortalListener> ofLoop,
        final CountDownLatch armed, final AtomicReference<Throwable> failure)
    {
        this.context = context;
        this.listeners = listeners;
        this.ofLoop = ofLoop;
        this.armed = armed;
        this.failure = failure;
    }

    @Override
    public void runOnLoop(final EventLoop loop)
    {
        try
        {
            context.registerBuffers();
            for (final PortalListener l : listeners)
            {
                l.start();
            }
            ofLoop.addAll(listeners);
            loop.addWorker(context.readyWorker());
            loop.addWorker(new ConnectionTimer(context));
            loop.addWorker(new SpillTrimmer(context.buffers()));
            loop.addWorker(context.metrics().tcpSampler());
        }
        catch (final Throwable t)
        {
            failure.compareAndSet(null, t);
        }
        finally
        {
            armed.countDown();
        }
    }
}
