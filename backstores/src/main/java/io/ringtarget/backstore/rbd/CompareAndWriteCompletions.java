package io.ringtarget.backstore.rbd;

import io.ringtarget.backstore.internal.LoopHandOff;
import io.ringtarget.ffi.Librados;
import io.ringtarget.ffi.Librbd;
import io.ringtarget.ring.EventLoop;

import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The completions of rbd_aio_compare_and_write, which librbd 16.2 does not announce through the image's event
 * notification (rbd_poll_io_events never returns them: measured here), so {@link RbdCompletions} never sees them. Each
 * gets a completion callback instead, a Java upcall on librbd's thread that takes the result, releases the
 * completion and hands the result to the request's loop as a task ({@link EventLoop#offer}). COMPARE AND WRITE is rare
 * (VMware's ATS heartbeat: one per host every few seconds), so the task object per completion is not on the I/O path.
 * The stub lives as long as the backstore: librbd's close waits for the requests in flight.
 */
final class CompareAndWriteCompletions implements AutoCloseable
{
    private final RbdBackstore backstore;
    private final Arena arena = Arena.ofShared();
    private final long callback;

    CompareAndWriteCompletions(final RbdBackstore backstore)
    {
        this.backstore = backstore;
        try
        {
            this.callback = Librados.upcall(MethodHandles.lookup().findVirtual(CompareAndWriteCompletions.class,
                "completed", MethodType.methodType(void.class, long.class, long.class)).bindTo(this),
                Librbd.COMPLETION_CALLBACK, arena).address();
        }
        catch (final ReflectiveOperationException ex)
        {
            arena.close();
            throw new IllegalStateException(ex);
        }
    }

    /** The callback's address, for {@link Librbd#aioCreateCompletion(long, long, long)}. */
    long callback()
    {
        return callback;
    }

    /** librbd's thread: the completion's argument names the device (high 32 bits) and its slot. */
    @SuppressWarnings("unused")
    private void completed(final long completion, final long arg)
    {
        try
        {
            final long result = Librbd.aioGetReturnValue(completion);
            Librbd.aioRelease(completion);
            final RbdDevice device = backstore.device((int)(arg >>> 32));
            final int slot = (int)arg;
            // Dropped only by a loop that has stopped taking tasks: it is closing, and so is the request.
            LoopHandOff.offer(device.loop(), loop -> device.onResult(slot, result));
        }
        catch (final Throwable t)
        {
            // Nothing may leave an upcall (the JVM would end); the request's task is answered by its timeout.
        }
    }

    @Override
    public void close()
    {
        arena.close();
    }
}
