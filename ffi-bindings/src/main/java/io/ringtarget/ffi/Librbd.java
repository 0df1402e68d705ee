package io.ringtarget.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * librbd's C API ({@code <rbd/librbd.h>}, Debian's librbd1 16.2): opening an image, its size and identity, the
 * exclusive lock, the update watch, and asynchronous I/O whose completions are announced on an eventfd
 * ({@link #setImageNotification}) and taken with {@link #pollIoEvents}, so that no librbd thread calls into Java.
 * Every function returns what librbd returns: a count, 0, or {@code -errno}.
 * <p>
 * Handles ({@code rbd_image_t}, {@code rbd_completion_t}) and I/O buffers are passed as {@code long} (their address;
 * see {@link Librados}): the aio functions make no object per call. The completion argument is a plain number the
 * caller chooses, returned by {@link #aioGetArg}. Methods taking a {@link String} allocate: setup paths only.
 */
public final class Librbd
{
    private static final SymbolLookup LIB = CephLibraries.load(CephLibraries.LIBRBD);

    private static final MethodHandle OPEN =
        downcall("rbd_open", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle OPEN_READ_ONLY =
        downcall("rbd_open_read_only", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle SNAP_GET_ID =
        downcall("rbd_snap_get_id", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle CLOSE = downcall("rbd_close", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    private static final MethodHandle STAT =
        downcall("rbd_stat", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
    private static final MethodHandle GET_SIZE = downcall("rbd_get_size", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle GET_FEATURES =
        downcall("rbd_get_features", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle GET_ID =
        downcall("rbd_get_id", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
    private static final MethodHandle SET_IMAGE_NOTIFICATION =
        downcall("rbd_set_image_notification", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT));
    private static final MethodHandle UPDATE_WATCH =
        downcall("rbd_update_watch", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle UPDATE_UNWATCH =
        downcall("rbd_update_unwatch", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle IS_EXCLUSIVE_LOCK_OWNER =
        downcall("rbd_is_exclusive_lock_owner", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle LOCK_ACQUIRE =
        downcall("rbd_lock_acquire", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle LOCK_RELEASE = downcall("rbd_lock_release", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    private static final MethodHandle LOCK_GET_OWNERS =
        downcall("rbd_lock_get_owners", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle LOCK_GET_OWNERS_CLEANUP =
        downcall("rbd_lock_get_owners_cleanup", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG));
    private static final MethodHandle LOCK_BREAK =
        downcall("rbd_lock_break", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, ADDRESS));

    // The I/O path: longs and ints only.
    private static final MethodHandle AIO_CREATE_COMPLETION =
        downcall("rbd_aio_create_completion", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle AIO_RELEASE = downcall("rbd_aio_release", FunctionDescriptor.ofVoid(JAVA_LONG));
    private static final MethodHandle AIO_GET_RETURN_VALUE =
        downcall("rbd_aio_get_return_value", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle AIO_GET_ARG = downcall("rbd_aio_get_arg", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle AIO_READ =
        downcall("rbd_aio_read", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle AIO_WRITE =
        downcall("rbd_aio_write", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle AIO_FLUSH = downcall("rbd_aio_flush", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle AIO_DISCARD =
        downcall("rbd_aio_discard", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle AIO_WRITE_ZEROES = downcall("rbd_aio_write_zeroes",
        FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT));
    private static final MethodHandle AIO_COMPARE_AND_WRITE = downcall("rbd_aio_compare_and_write",
        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
            JAVA_INT));
    private static final MethodHandle POLL_IO_EVENTS =
        downcall("rbd_poll_io_events", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));

    private Librbd()
    {
    }

    private static MethodHandle downcall(final String name, final FunctionDescriptor fd)
    {
        return Librados.downcall(LIB, name, fd);
    }

    /** rbd_open: the image {@code name} of the pool of {@code ioctx}, head (no snapshot), into {@code imageOut}. */
    public static int open(final long ioctx, final String name, final MemorySegment imageOut)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)OPEN.invokeExact(ioctx, arena.allocateFrom(name), imageOut, 0L);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /**
     * rbd_open_read_only: the image {@code name} of the pool of {@code ioctx} at its snapshot {@code snapshot} (or its
     * head when null), read-only: the exclusive lock is never taken and writes are refused.
     */
    public static int openReadOnly(final long ioctx, final String name, final String snapshot,
        final MemorySegment imageOut)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment snapName = null == snapshot ? MemorySegment.NULL : arena.allocateFrom(snapshot);
            return (int)OPEN_READ_ONLY.invokeExact(ioctx, arena.allocateFrom(name), imageOut, snapName);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /** rbd_snap_get_id: the id of the image's snapshot {@code snapshot} (never reused in its pool) into a uint64. */
    public static int snapGetId(final long image, final String snapshot, final MemorySegment idOut)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)SNAP_GET_ID.invokeExact(image, arena.allocateFrom(snapshot), idOut);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    public static int close(final long image)
    {
        try
        {
            return (int)CLOSE.invokeExact(image);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /** rbd_stat into an {@link RbdImageInfo}. */
    public static int stat(final long image, final MemorySegment info)
    {
        try
        {
            return (int)STAT.invokeExact(image, info, RbdImageInfo.SIZEOF);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /** rbd_get_size: refreshes the image's header first when a watch notification said it changed. */
    public static int getSize(final long image, final MemorySegment sizeOut)
    {
        try
        {
            return (int)GET_SIZE.invokeExact(image, sizeOut);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    public static int getFeatures(final long image, final MemorySegment featuresOut)
    {
        try
        {
            return (int)GET_FEATURES.invokeExact(image, featuresOut);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /** The image's id (format 2: a hex string that stays when the image is renamed), or null. */
    public static String getId(final long image)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment buf = arena.allocate(128);
            final int r = (int)GET_ID.invokeExact(image, buf, buf.byteSize());
            return r < 0 ? null : buf.getString(0, StandardCharsets.UTF_8);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /**
     * rbd_set_image_notification: librbd writes to {@code fd} when a completion is ready. Call before any I/O: an
     * operation started before it is not announced.
     */
    public static int setImageNotification(final long image, final int fd, final int type)
    {
        try
        {
            return (int)SET_IMAGE_NOTIFICATION.invokeExact(image, fd, type);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /**
     * rbd_update_watch: librbd calls {@code callback(arg)} on its own thread when the image's header changes (a
     * resize, a feature change). {@code callback} must be a C function (e.g. libc's sem_post), never a Java upcall.
     */
    public static int updateWatch(final long image, final MemorySegment handleOut, final long callback, final long arg)
    {
        try
        {
            return (int)UPDATE_WATCH.invokeExact(image, handleOut, callback, arg);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    public static int updateUnwatch(final long image, final long handle)
    {
        try
        {
            return (int)UPDATE_UNWATCH.invokeExact(image, handle);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /** @return 1 when this handle holds the exclusive lock, 0 when not, or -errno. */
    public static int isExclusiveLockOwner(final long image)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment out = arena.allocate(JAVA_INT);
            final int r = (int)IS_EXCLUSIVE_LOCK_OWNER.invokeExact(image, out);
            return r < 0 ? r : out.get(JAVA_INT, 0);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /**
     * rbd_lock_acquire: takes the lock and keeps it (librbd then refuses other clients' requests for it: their
     * writes fail with EROFS). Fails with EROFS while another client holds it. Blocks: not on an event loop.
     */
    public static int lockAcquire(final long image, final int mode)
    {
        try
        {
            return (int)LOCK_ACQUIRE.invokeExact(image, mode);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    public static int lockRelease(final long image)
    {
        try
        {
            return (int)LOCK_RELEASE.invokeExact(image);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /**
     * rbd_lock_get_owners: the clients holding the image's lock ("ADDRESS" strings as rbd_lock_break takes them).
     *
     * @param owners receives them (cleared first).
     * @return 0 (none is 0 too, with {@code owners} empty) or -errno.
     */
    public static int lockGetOwners(final long image, final List<String> owners)
    {
        owners.clear();
        final int max = 8;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment mode = arena.allocate(JAVA_INT);
            final MemorySegment array = arena.allocate(ADDRESS, max);
            final MemorySegment count = arena.allocate(JAVA_LONG);
            count.set(JAVA_LONG, 0, max);
            final int r = (int)LOCK_GET_OWNERS.invokeExact(image, mode, array, count);
            if (r == -LibcConstants.ENOENT)
            {
                return 0; // no lock at all
            }
            if (r < 0)
            {
                return r;
            }
            final long n = count.get(JAVA_LONG, 0);
            final List<String> found = new ArrayList<>();
            for (int i = 0; i < n; i++)
            {
                found.add(array.getAtIndex(ADDRESS, i).reinterpret(4096).getString(0, StandardCharsets.UTF_8));
            }
            LOCK_GET_OWNERS_CLEANUP.invokeExact(array, n);
            owners.addAll(found);
            return 0;
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /**
     * rbd_lock_break: removes {@code owner}'s lock; with rbd_blocklist_on_break_lock (the default) the owner is first
     * blocklisted, so that the OSDs refuse whatever it still sends. Blocks: not on an event loop.
     */
    public static int lockBreak(final long image, final int mode, final String owner)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)LOCK_BREAK.invokeExact(image, mode, arena.allocateFrom(owner));
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /**
     * rbd_aio_create_completion without a callback (NULL): the completion is announced on the image's eventfd.
     *
     * @param arg     returned by {@link #aioGetArg} (any number; librbd never dereferences it).
     * @param outAddr the address of 8 bytes that receive the completion.
     */
    public static int aioCreateCompletion(final long arg, final long outAddr)
    {
        try
        {
            return (int)AIO_CREATE_COMPLETION.invokeExact(arg, 0L, outAddr);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /** {@code rbd_callback_t}: {@code void (rbd_completion_t c, void *arg)}, pointers as longs. */
    public static final FunctionDescriptor COMPLETION_CALLBACK = FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG);

    /**
     * A completion that calls {@code callback} (a {@link #COMPLETION_CALLBACK} stub's address) on a librbd thread when
     * it completes: for the requests librbd 16.2 does not announce through the image's event notification
     * (rbd_aio_compare_and_write).
     */
    public static int aioCreateCompletion(final long arg, final long callback, final long outAddr)
    {
        try
        {
            return (int)AIO_CREATE_COMPLETION.invokeExact(arg, callback, outAddr);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    public static void aioRelease(final long completion)
    {
        try
        {
            AIO_RELEASE.invokeExact(completion);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /** Reads complete with the byte count; writes, flushes, discards and write-zeroes with 0; failures -errno. */
    public static long aioGetReturnValue(final long completion)
    {
        try
        {
            return (long)AIO_GET_RETURN_VALUE.invokeExact(completion);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    public static long aioGetArg(final long completion)
    {
        try
        {
            return (long)AIO_GET_ARG.invokeExact(completion);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    public static int aioRead(final long image, final long offset, final long length, final long buf, final long completion)
    {
        try
        {
            return (int)AIO_READ.invokeExact(image, offset, length, buf, completion);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    public static int aioWrite(final long image, final long offset, final long length, final long buf, final long completion)
    {
        try
        {
            return (int)AIO_WRITE.invokeExact(image, offset, length, buf, completion);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /**
     * rbd_aio_compare_and_write: the OSD compares {@code length} bytes at {@code offset} with {@code compareBuf} and,
     * only if they are equal, writes {@code writeBuf} there, as one operation (atomic against every client). The range
     * must lie within one object. The completion's result is -EILSEQ on a mismatch, and the image offset of the first
     * differing byte is then at {@code mismatchOffsetAddress} (a uint64 that must live until the completion).
     *
     * @return 0 when started, else -errno (nothing started).
     */
    public static int aioCompareAndWrite(final long image, final long offset, final long length,
        final long compareBuf, final long writeBuf, final long completion, final long mismatchOffsetAddress)
    {
        try
        {
            return (int)(long)AIO_COMPARE_AND_WRITE.invokeExact(image, offset, length, compareBuf, writeBuf,
                completion, mismatchOffsetAddress, 0);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /** Completes when every write started before it is stored (librbd's cache written back). */
    public static int aioFlush(final long image, final long completion)
    {
        try
        {
            return (int)AIO_FLUSH.invokeExact(image, completion);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /**
     * Deallocates; the parts of the range not aligned to rbd_discard_granularity_bytes (64 KiB by default) are left
     * as they were, so it reads back as zeros only where the range is aligned.
     */
    public static int aioDiscard(final long image, final long offset, final long length, final long completion)
    {
        try
        {
            return (int)AIO_DISCARD.invokeExact(image, offset, length, completion);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /** Makes the range read back as zeros, deallocating what it can. */
    public static int aioWriteZeroes(final long image, final long offset, final long length, final long completion)
    {
        try
        {
            return (int)AIO_WRITE_ZEROES.invokeExact(image, offset, length, completion, 0, 0);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /**
     * rbd_poll_io_events: up to {@code max} ready completions into the array at {@code completionsAddr} (8 bytes
     * each); returns how many. Read the eventfd before calling it, so that a completion that comes in between wakes
     * the reader again.
     */
    public static int pollIoEvents(final long image, final long completionsAddr, final int max)
    {
        try
        {
            return (int)POLL_IO_EVENTS.invokeExact(image, completionsAddr, max);
        }
        catch (final Throwable t)
        {
            throw Librados.unexpected(t);
        }
    }

    /** Reads a handle written by an out-parameter. */
    public static long handle(final MemorySegment out)
    {
        return out.get(ValueLayout.JAVA_LONG, 0);
    }
}
