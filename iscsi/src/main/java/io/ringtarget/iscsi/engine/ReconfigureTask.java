package io.ringtarget.iscsi.engine;

import io.ringtarget.iscsi.connection.PortalListener;
import io.ringtarget.iscsi.loop.LoopConnection;
import io.ringtarget.iscsi.loop.LoopContext;
import io.ringtarget.iscsi.stats.MetricsModel;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.LoopTask;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A live change on one loop: new and removed listeners, every connection rebound and given the engine's receive
 * coalescing, retired handles released.
 */
final class ReconfigureTask implements LoopTask
{
    private final LoopContext context;
    private final List<PortalListener> ofLoop;
    private final EngineChange change;
    private final MetricsModel model;
    private final List<PortalListener> newListeners;
    private final CountDownLatch applied;
    private final CountDownLatch released;
    private final CountDownLatch unlistened;
    private final AtomicInteger ended;
    private final ConcurrentLinkedQueue<Throwable> failures;

    ReconfigureTask(
        final LoopContext context, final List<PortalListener> ofLoop, final EngineChange change,
        final MetricsModel model, final List<PortalListener> newListeners, final CountDownLatch applied,
        final CountDownLatch released, final CountDownLatch unlistened, final AtomicInteger ended,
        final ConcurrentLinkedQueue<Throwable> failures)
    {
        this.context = context;
        this.ofLoop = ofLoop;
        this.change = change;
        this.model = model;
        this.newListeners = newListeners;
        this.applied = applied;
        this.released = released;
        this.unlistened = unlistened;
        this.ended = ended;
        this.failures = failures;
    }

    @Override
    public void runOnLoop(final EventLoop loop)
    {
        try
        {
            context.metrics().model(model);
            for (final PortalListener l : newListeners)
            {
                l.start();
            }
            for (int i = ofLoop.size() - 1; i >= 0; i--)
            {
                if (change.removedPortals().contains(ofLoop.get(i).portal()))
                {
                    ofLoop.remove(i).close(unlistened);
                }
            }
            ofLoop.addAll(newListeners);
            final long coalescingNanos = context.server().receiveCoalescingNanos();
            for (final LoopConnection c : List.copyOf(context.connections()))
            {
                c.receiveCoalescingNanos(coalescingNanos);
                if (c.onTargetsChanged(change.registry()))
                {
                    ended.incrementAndGet();
                }
            }
            context.retire(change.retiredBackstores(), released);
        }
        catch (final RuntimeException ex)
        {
            failures.add(ex);
            released.countDown();
        }
        finally
        {
            applied.countDown();
        }
    }
}
