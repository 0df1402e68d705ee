package io.ringtarget.backstore.internal;

import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.LibcConstants;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * ioctl(BLKDISCARD) blocks until the device has discarded, so it never runs on an event loop: one daemon thread
 * per block backstore takes requests from a bounded queue and hands each result back through a callback (which
 * posts it to the owning loop). Used only when the device refuses fallocate(PUNCH_HOLE) (no WRITE ZEROES).
 */
public final class DiscardThread implements AutoCloseable
{
    public static final int QUEUE_CAPACITY = 64;
    private static final int EAGAIN = 11;

    /** Receives the result (0 or -errno) on the discard thread. */
    public interface Callback
    {
        void onDiscarded(Request request, int result);
    }

    /** One discard; reused by its owner. */
    public static final class Request
    {
        public int fd;
        public long offset;
        public long length;
        public Callback callback;
        public int slot;
        public Object owner;
    }

    private final ArrayBlockingQueue<Request> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private volatile boolean running = true;

    public DiscardThread(final String name)
    {
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * @return false when the queue is full (the caller fails the command with -EAGAIN rather than blocking).
     */
    public boolean submit(final Request request)
    {
        return queue.offer(request);
    }

    public static int eagain()
    {
        return -EAGAIN;
    }

    private void run()
    {
        final MemorySegment range = Arena.ofAuto().allocate(16, 8);
        while (running)
        {
            final Request r;
            try
            {
                r = queue.take();
            }
            catch (final InterruptedException e)
            {
                return;
            }
            range.set(ValueLayout.JAVA_LONG, 0, r.offset);
            range.set(ValueLayout.JAVA_LONG, 8, r.length);
            final int result = Libc.ioctl(r.fd, LibcConstants.BLKDISCARD, range);
            r.callback.onDiscarded(r, Math.min(result, 0));
        }
    }

    public void close()
    {
        running = false;
        thread.interrupt();
    }
}
