package io.ringtarget.backstore.rbd;

import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.Librados;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * One connection to a Ceph cluster (a librados client), shared by every image opened with the same ceph.conf,
 * client id and keyring in this process: librados starts several threads per connection (messenger, timers), and
 * one connection per image made the per-image cost grow with the images (SPDK's bdev_rbd, issues 2204 and 3547).
 * Reference-counted; the last {@link #release()} shuts it down.
 */
final class CephClient
{
    /** rados_osd_op_timeout when the ceph.conf sets none ({@link #boundOperations}). */
    static final int DEFAULT_OSD_OP_TIMEOUT_SECONDS = 30;
    private static final String OSD_OP_TIMEOUT = "rados_osd_op_timeout";
    private static final Map<Key, CephClient> OPEN = new HashMap<>();

    private record Key(String cephConf, String cephId, String keyring)
    {
    }

    private final Key key;
    private final long cluster;
    private final String fsid;
    private final java.util.concurrent.CopyOnWriteArrayList<Runnable> blocklistListeners =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    private int references;

    private CephClient(final Key key, final long cluster, final String fsid)
    {
        this.key = key;
        this.cluster = cluster;
        this.fsid = fsid;
    }

    /**
     * The connection for {@code spec}'s ceph.conf, id and keyring: the open one, or a new one (which blocks while it
     * connects, up to librados' client_mount_timeout).
     */
    static CephClient acquire(final RbdImageSpec spec) throws IOException
    {
        final Key key = new Key(spec.cephConf(), spec.cephId(), spec.keyring());
        synchronized (OPEN)
        {
            CephClient client = OPEN.get(key);
            if (null == client)
            {
                client = connect(key);
                OPEN.put(key, client);
            }
            client.references++;
            return client;
        }
    }

    private static CephClient connect(final Key key) throws IOException
    {
        final long cluster;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment out = arena.allocate(8);
            check(Librados.create(out, key.cephId()), "rados_create (client." + key.cephId() + ")");
            cluster = Librados.handle(out);
        }
        try
        {
            check(Librados.confReadFile(cluster, key.cephConf()), "reading " + key.cephConf());
            boundOperations(cluster);
            if (null != key.keyring())
            {
                check(Librados.confSet(cluster, "keyring", key.keyring()), "keyring " + key.keyring());
            }
            check(Librados.connect(cluster), "connecting to the cluster of " + key.cephConf() + " as client." +
                key.cephId());
            return new CephClient(key, cluster, Librados.clusterFsid(cluster));
        }
        catch (final IOException ex)
        {
            Librados.shutdown(cluster);
            throw ex;
        }
    }

    /**
     * A cluster that does not answer fails an operation after {@link #DEFAULT_OSD_OP_TIMEOUT_SECONDS} (the command
     * gets BUSY and the initiator sends it again) rather than holding the command, the task management that aborts it
     * and the initiator's next session for ever: librados waits without a limit unless rados_osd_op_timeout is set
     * (ceph-iscsi's gateways set 30 s too). A ceph.conf that sets it keeps its value; 0 there reads as not set.
     */
    private static void boundOperations(final long cluster) throws IOException
    {
        final String value = Librados.confGet(cluster, OSD_OP_TIMEOUT);
        if (null == value || value.trim().matches("0*(\\.0*)?s?"))
        {
            check(Librados.confSet(cluster, OSD_OP_TIMEOUT, Integer.toString(DEFAULT_OSD_OP_TIMEOUT_SECONDS)),
                OSD_OP_TIMEOUT);
        }
    }

    static void check(final int r, final String what) throws IOException
    {
        if (r < 0)
        {
            throw new IOException(what + ": " + Errno.describe(r));
        }
    }

    long cluster()
    {
        return cluster;
    }

    String fsid()
    {
        return fsid;
    }

    /** An option as librbd sees it (the ceph.conf's value or the default). */
    String option(final String name)
    {
        return Librados.confGet(cluster, name);
    }

    /**
     * Images opened from now on get a new connection (this one was blocklisted, or its lock lost): the blocklist
     * entry (this client's address and nonce) does not cover a new one. Those open on this one keep it until closed.
     */
    void retire()
    {
        synchronized (OPEN)
        {
            OPEN.remove(key, this);
        }
    }

    /** {@code fenced} runs when Ceph has refused this connection (any thread), for every image open on it. */
    void onBlocklisted(final Runnable fenced)
    {
        blocklistListeners.addIfAbsent(fenced);
    }

    void removeOnBlocklisted(final Runnable fenced)
    {
        blocklistListeners.remove(fenced);
    }

    /**
     * An operation was refused with EBLOCKLISTED: Ceph blocklisted this client, so every image open on it is fenced,
     * not only the one that met it (each would otherwise learn it from its next I/O, after its target port groups had
     * been reported available in between).
     */
    void blocklisted()
    {
        retire();
        for (final Runnable fenced : blocklistListeners)
        {
            fenced.run();
        }
    }

    /** One more user of this connection (which must not be shut down yet): {@link #release()} it too. */
    void retain()
    {
        synchronized (OPEN)
        {
            if (references == 0)
            {
                throw new IllegalStateException("connection already shut down");
            }
            references++;
        }
    }

    void release()
    {
        synchronized (OPEN)
        {
            if (--references == 0)
            {
                OPEN.remove(key, this);
                Librados.shutdown(cluster);
            }
        }
    }
}
