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

    /** Reads a handle (a pointer) written by an out-parameter. */
    public static long handle(final MemorySegment out)
    {
        return out.get(ValueLayout.JAVA_LONG, 0);
    }
}
