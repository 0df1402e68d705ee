package io.ringtarget.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The part of librados ({@code <rados/librados.h>}) a client of RBD images needs: a cluster handle from a ceph.conf,
 * a client id and a keyring, and an I/O context of a pool. librados returns {@code -errno} itself; nothing here
 * reads errno.
 * <p>
 * Handles ({@code rados_t}, {@code rados_ioctx_t}) are passed as {@code long} (their address): jextract would use
 * {@code ADDRESS}, which is the same register on x86_64 (the one platform of these bindings), and a long keeps
 * {@link Librbd}'s I/O path free of a MemorySegment per call. Methods taking a {@link String} allocate a native copy:
 * setup paths only.
 */
public final class Librados
{
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = CephLibraries.load(CephLibraries.LIBRADOS);

    private static final MethodHandle CREATE = downcall("rados_create", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CONF_READ_FILE =
        downcall("rados_conf_read_file", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
    private static final MethodHandle CONF_SET =
        downcall("rados_conf_set", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle CONF_GET =
        downcall("rados_conf_get", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle CONNECT = downcall("rados_connect", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    private static final MethodHandle SHUTDOWN = downcall("rados_shutdown", FunctionDescriptor.ofVoid(JAVA_LONG));
    private static final MethodHandle CLUSTER_FSID =
        downcall("rados_cluster_fsid", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG));
    private static final MethodHandle IOCTX_CREATE =
        downcall("rados_ioctx_create", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle IOCTX_DESTROY = downcall("rados_ioctx_destroy", FunctionDescriptor.ofVoid(JAVA_LONG));
    private static final MethodHandle IOCTX_GET_ID = downcall("rados_ioctx_get_id", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle IOCTX_SET_NAMESPACE =
        downcall("rados_ioctx_set_namespace", FunctionDescriptor.ofVoid(JAVA_LONG, ADDRESS));
    private static final MethodHandle READ =
        downcall("rados_read", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle GET_LAST_VERSION =
        downcall("rados_get_last_version", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CREATE_WRITE_OP =
        downcall("rados_create_write_op", FunctionDescriptor.of(JAVA_LONG));
    private static final MethodHandle RELEASE_WRITE_OP =
        downcall("rados_release_write_op", FunctionDescriptor.ofVoid(JAVA_LONG));
    private static final MethodHandle WRITE_OP_ASSERT_VERSION =
        downcall("rados_write_op_assert_version", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG));
    private static final MethodHandle WRITE_OP_CREATE =
        downcall("rados_write_op_create", FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_INT, ADDRESS));
    private static final MethodHandle WRITE_OP_WRITE_FULL =
        downcall("rados_write_op_write_full", FunctionDescriptor.ofVoid(JAVA_LONG, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE_OP_OPERATE =
        downcall("rados_write_op_operate", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS,
            JAVA_INT));
    private static final MethodHandle WATCH2 = downcall("rados_watch2",
        FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle UNWATCH2 =
        downcall("rados_unwatch2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle WATCH_FLUSH =
        downcall("rados_watch_flush", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    private static final MethodHandle NOTIFY2 = downcall("rados_notify2",
        FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle NOTIFY_ACK = downcall("rados_notify_ack",
        FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT));
    private static final MethodHandle BUFFER_FREE = downcall("rados_buffer_free", FunctionDescriptor.ofVoid(ADDRESS));

    /** {@code LIBRADOS_CREATE_IDEMPOTENT}: rados_write_op_create succeeds when the object exists already. */
    public static final int CREATE_IDEMPOTENT = 0;

    /**
     * {@code rados_watchcb2_t}: {@code void (void *arg, uint64_t notify_id, uint64_t cookie, uint64_t notifier_id,
     * void *data, size_t data_len)}.
     */
    public static final FunctionDescriptor WATCH_CALLBACK =
        FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_LONG);
    /** {@code rados_watcherrcb_t}: {@code void (void *pre, uint64_t cookie, int err)}. */
    public static final FunctionDescriptor WATCH_ERROR_CALLBACK =
        FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_INT);

    private Librados()
    {
    }

    static MethodHandle downcall(final SymbolLookup lib, final String name, final FunctionDescriptor fd)
    {
        final MemorySegment symbol = lib.find(name).orElseThrow(() -> new UnsatisfiedLinkError("symbol not found: " + name));
        return LINKER.downcallHandle(symbol, fd);
    }

    private static MethodHandle downcall(final String name, final FunctionDescriptor fd)
    {
        return downcall(LIB, name, fd);
    }

    static AssertionError unexpected(final Throwable t)
    {
        return new AssertionError("downcall failed", t);
    }

    /** rados_create: a cluster handle for client {@code id} ("admin" for client.admin) into {@code clusterOut}. */
    public static int create(final MemorySegment clusterOut, final String id)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)CREATE.invokeExact(clusterOut, arena.allocateFrom(id));
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    public static int confReadFile(final long cluster, final String path)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)CONF_READ_FILE.invokeExact(cluster, arena.allocateFrom(path));
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    public static int confSet(final long cluster, final String option, final String value)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)CONF_SET.invokeExact(cluster, arena.allocateFrom(option), arena.allocateFrom(value));
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    /** rados_conf_get: an option's value as librbd will see it (ceph.conf, defaults), or null when there is none. */
    public static String confGet(final long cluster, final String option)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment buf = arena.allocate(256);
            final int r = (int)CONF_GET.invokeExact(cluster, arena.allocateFrom(option), buf, buf.byteSize());
            return r < 0 ? null : buf.getString(0, StandardCharsets.UTF_8);
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    public static int connect(final long cluster)
    {
        try
        {
            return (int)CONNECT.invokeExact(cluster);
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    public static void shutdown(final long cluster)
    {
        try
        {
            SHUTDOWN.invokeExact(cluster);
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    /** The cluster's fsid (a UUID), or null when it cannot be read. */
    public static String clusterFsid(final long cluster)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment buf = arena.allocate(64);
            final int r = (int)CLUSTER_FSID.invokeExact(cluster, buf, buf.byteSize());
            return r < 0 ? null : buf.getString(0, StandardCharsets.UTF_8);
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    public static int ioctxCreate(final long cluster, final String pool, final MemorySegment ioctxOut)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)IOCTX_CREATE.invokeExact(cluster, arena.allocateFrom(pool), ioctxOut);
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    public static void ioctxDestroy(final long ioctx)
    {
        try
        {
            IOCTX_DESTROY.invokeExact(ioctx);
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    /** The pool's id: with the image's id, a name of the image that renames do not change. */
    public static long ioctxGetId(final long ioctx)
    {
        try
        {
            return (long)IOCTX_GET_ID.invokeExact(ioctx);
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    /**
     * rados_ioctx_set_namespace: the I/O context's objects (an RBD image's) are those of {@code namespace} in its
     * pool from now on; librados copies the name.
     */
    public static void ioctxSetNamespace(final long ioctx, final String namespace)
    {
        try (Arena arena = Arena.ofConfined())
        {
            IOCTX_SET_NAMESPACE.invokeExact(ioctx, arena.allocateFrom(namespace));
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    /**
     * rados_read: up to {@code buf}'s size from offset 0 of object {@code oid}.
     *
     * @return the bytes read, or -errno (-ENOENT: no such object).
     */
    public static int read(final long ioctx, final String oid, final MemorySegment buf)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)READ.invokeExact(ioctx, arena.allocateFrom(oid), buf, buf.byteSize(), 0L);
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    /**
     * rados_get_last_version: the version of the object the last operation of this I/O context read or wrote (one
     * thread at a time per context, then).
     */
    public static long lastVersion(final long ioctx)
    {
        try
        {
            return (long)GET_LAST_VERSION.invokeExact(ioctx);
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    /**
     * One compound write, applied whole or not at all by the OSD: creates the object when {@code create}, else asserts
     * its version is still {@code expectedVersion} (-ERANGE or -EOVERFLOW when not), then replaces its data with
     * {@code data} unless it is null.
     *
     * @return 0 or -errno.
     */
    public static int writeFull(final long ioctx, final String oid, final boolean create, final long expectedVersion,
        final MemorySegment data)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final long op = (long)CREATE_WRITE_OP.invokeExact();
            if (op == 0)
            {
                return -12; // ENOMEM
            }
            try
            {
                if (create)
                {
                    WRITE_OP_CREATE.invokeExact(op, CREATE_IDEMPOTENT, MemorySegment.NULL);
                }
                else
                {
                    WRITE_OP_ASSERT_VERSION.invokeExact(op, expectedVersion);
                }
                if (null != data)
                {
                    WRITE_OP_WRITE_FULL.invokeExact(op, data, data.byteSize());
                }
                return (int)WRITE_OP_OPERATE.invokeExact(op, ioctx, arena.allocateFrom(oid), MemorySegment.NULL, 0);
            }
            finally
            {
                RELEASE_WRITE_OP.invokeExact(op);
            }
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    /**
     * rados_watch2: {@code callback} (a {@link #WATCH_CALLBACK} stub) is called on a librados thread for each notify
     * of the object, which waits for {@link #notifyAck}; {@code errorCallback} ({@link #WATCH_ERROR_CALLBACK}) when
     * the watch was lost (it must be registered again). The object must exist.
     *
     * @param cookieOut receives the watch's handle (uint64).
     * @return 0 or -errno.
     */
    public static int watch(final long ioctx, final String oid, final MemorySegment cookieOut,
        final MemorySegment callback, final MemorySegment errorCallback)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)WATCH2.invokeExact(ioctx, arena.allocateFrom(oid), cookieOut, callback, errorCallback,
                MemorySegment.NULL);
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    /** rados_unwatch2; then {@link #watchFlush} before freeing what the callbacks use. */
    public static int unwatch(final long ioctx, final long cookie)
    {
        try
        {
            return (int)UNWATCH2.invokeExact(ioctx, cookie);
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    /** rados_watch_flush: no watch callback of the cluster handle is running or will run for an ended watch. */
    public static int watchFlush(final long cluster)
    {
        try
        {
            return (int)WATCH_FLUSH.invokeExact(cluster);
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    /**
     * rados_notify2: sends {@code message} to every watcher of the object (this client's own included) and waits
     * until each has acknowledged it or {@code timeoutMillis} passed. The replies are read and freed here.
     *
     * @param counts receives two ints: how many watches acknowledged, and how many did not in time.
     * @return 0 when every watcher acknowledged, -ETIMEDOUT when some did not in time, or another -errno.
     */
    public static int notify(final long ioctx, final String oid, final MemorySegment message, final long timeoutMillis,
        final MemorySegment counts)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment reply = arena.allocate(ADDRESS);
            final MemorySegment replyLength = arena.allocate(JAVA_LONG);
            final int r = (int)NOTIFY2.invokeExact(ioctx, arena.allocateFrom(oid), message, (int)message.byteSize(),
                timeoutMillis, reply, replyLength);
            final MemorySegment buffer = reply.get(ADDRESS, 0);
            counts.set(JAVA_INT, 0, 0);
            counts.set(JAVA_INT, 4, 0);
            if (!MemorySegment.NULL.equals(buffer))
            {
                countReplies(buffer.reinterpret(replyLength.get(JAVA_LONG, 0)), counts);
                BUFFER_FREE.invokeExact(buffer);
            }
            return r;
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    /**
     * The reply of rados_notify2 (librados.h): le32 acks, then per ack le64 gid, le64 cookie, le32 length and that
     * many bytes; le32 timeouts, then per timeout le64 gid, le64 cookie.
     */
    private static void countReplies(final MemorySegment reply, final MemorySegment counts)
    {
        final ValueLayout.OfInt le32 = JAVA_INT.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN).withByteAlignment(1);
        if (reply.byteSize() < 8)
        {
            return;
        }
        final int acks = reply.get(le32, 0);
        long at = 4;
        for (int i = 0; i < acks && at + 20 <= reply.byteSize(); i++)
        {
            at += 20 + (reply.get(le32, at + 16) & 0xFFFF_FFFFL);
        }
        counts.set(JAVA_INT, 0, acks);
        if (at + 4 <= reply.byteSize())
        {
            counts.set(JAVA_INT, 4, reply.get(le32, at));
        }
    }

    /** rados_notify_ack: this watcher is done with notify {@code notifyId} (no reply payload). */
    public static int notifyAck(final long ioctx, final String oid, final long notifyId, final long cookie)
    {
        try (Arena arena = Arena.ofConfined())
        {
            return (int)NOTIFY_ACK.invokeExact(ioctx, arena.allocateFrom(oid), notifyId, cookie, MemorySegment.NULL,
                0);
        }
        catch (final Throwable t)
        {
            throw unexpected(t);
        }
    }

    /** A C function pointer for a Java method handle of the given C signature, valid while {@code arena} is open. */
    public static MemorySegment upcall(final MethodHandle target, final FunctionDescriptor signature, final Arena arena)
    {
        return LINKER.upcallStub(target, signature, arena);
    }

    /** Reads a handle (a pointer) written by an out-parameter. */
    public static long handle(final MemorySegment out)
    {
        return out.get(ValueLayout.JAVA_LONG, 0);
    }
}
