package io.ringtarget.backstore.rbd;

import io.ringtarget.ffi.Libc;
import io.ringtarget.ffi.Librados;
import io.ringtarget.ffi.Librbd;
import io.ringtarget.ffi.RbdImageInfo;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.ringtarget.ffi.LibcConstants.EFD_CLOEXEC;
import static io.ringtarget.ffi.LibcConstants.ENOENT;
import static io.ringtarget.ffi.LibrbdConstants.EVENT_TYPE_EVENTFD;
import static io.ringtarget.ffi.LibrbdConstants.RBD_FEATURE_EXCLUSIVE_LOCK;

/**
 * One open RBD image: the pool's I/O context, the image handle and the eventfd librbd announces its completions on
 * (registered before any I/O, as librbd requires: an operation started earlier is never announced). Opened and
 * closed off the event loops (these calls block on the cluster); the handle itself is thread-safe in librbd.
 */
final class RbdImage implements AutoCloseable
{
    private final RbdImageSpec spec;
    private final CephClient client;
    private final long ioctx;
    private final long image;
    private final int eventFd;
    private final long features;
    private final long objectSize;
    private final String identityKey;
    private final long initialSize;
    /** The snapshot's id (-1 for the head). */
    private final long snapshotId;
    /** The image's id in its pool (its name for an image of the old format, which has none). */
    private final String imageId;

    private RbdImage(final RbdImageSpec spec, final CephClient client, final long ioctx, final long image,
        final int eventFd, final long features, final long objectSize, final String identityKey, final long size,
        final long snapshotId, final String imageId)
    {
        this.snapshotId = snapshotId;
        this.imageId = imageId;
        this.spec = spec;
        this.client = client;
        this.ioctx = ioctx;
        this.image = image;
        this.eventFd = eventFd;
        this.features = features;
        this.objectSize = objectSize;
        this.identityKey = identityKey;
        this.initialSize = size;
    }

    static RbdImage open(final RbdImageSpec spec) throws IOException
    {
        final CephClient client = CephClient.acquire(spec);
        long ioctx = 0;
        long image = 0;
        int eventFd = -1;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment out = arena.allocate(8);
            CephClient.check(Librados.ioctxCreate(client.cluster(), spec.pool(), out), "pool " + spec.pool());
            ioctx = Librados.handle(out);
            if (null != spec.namespace())
            {
                Librados.ioctxSetNamespace(ioctx, spec.namespace());
            }
            // A snapshot is opened read-only: librbd then never takes the exclusive lock and refuses writes.
            CephClient.check(spec.isSnapshot() ? Librbd.openReadOnly(ioctx, spec.image(), spec.snapshot(), out) :
                Librbd.open(ioctx, spec.image(), out), "image " + spec.name());
            image = Librbd.handle(out);
            eventFd = Libc.eventfd(0, EFD_CLOEXEC);
            CephClient.check(eventFd, "eventfd");
            CephClient.check(Librbd.setImageNotification(image, eventFd, EVENT_TYPE_EVENTFD),
                "rbd_set_image_notification " + spec.name());
            final MemorySegment info = arena.allocate(RbdImageInfo.LAYOUT);
            CephClient.check(Librbd.stat(image, info), "rbd_stat " + spec.name());
            CephClient.check(Librbd.getFeatures(image, out), "rbd_get_features " + spec.name());
            final long features = out.get(ValueLayout.JAVA_LONG, 0);
            final String id = Librbd.getId(image);
            // The image's id survives renames; the pool's id and the cluster's fsid make it unique everywhere. A
            // snapshot's id is never reused in its pool: a snapshot made again under the same name is another LU.
            final StringBuilder key = new StringBuilder("rbd:").append(client.fsid()).append(':')
                .append(Librados.ioctxGetId(ioctx)).append(':');
            if (null != spec.namespace())
            {
                key.append(spec.namespace()).append('/');
            }
            key.append(null == id ? spec.image() : id);
            long snapshotId = -1;
            if (spec.isSnapshot())
            {
                CephClient.check(Librbd.snapGetId(image, spec.snapshot(), out), "rbd_snap_get_id " + spec.name());
                snapshotId = out.get(ValueLayout.JAVA_LONG, 0);
                key.append('@').append(snapshotId);
            }
            return new RbdImage(spec, client, ioctx, image, eventFd, features, RbdImageInfo.obj_size(info),
                key.toString(), RbdImageInfo.size(info), snapshotId, null == id ? spec.image() : id);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (eventFd >= 0)
            {
                Libc.close(eventFd);
            }
            if (0 != image)
            {
                Librbd.close(image);
            }
            if (0 != ioctx)
            {
                Librados.ioctxDestroy(ioctx);
            }
            client.release();
            throw ex;
        }
    }

    RbdImageSpec spec()
    {
        return spec;
    }

    CephClient client()
    {
        return client;
    }

    long handle()
    {
        return image;
    }

    int eventFd()
    {
        return eventFd;
    }

    boolean hasExclusiveLock()
    {
        return (features & RBD_FEATURE_EXCLUSIVE_LOCK) != 0;
    }

    String imageId()
    {
        return imageId;
    }

    /** The snapshot's id, or -1 for the image itself. */
    long snapshotId()
    {
        return snapshotId;
    }

    long objectSize()
    {
        return objectSize;
    }

    String identityKey()
    {
        return identityKey;
    }

    long initialSize()
    {
        return initialSize;
    }

    /**
     * Whether the snapshot this image was opened at still exists, as the same snapshot (its id). Asked with an open of
     * its own: librbd registers no header watch for a read-only image, so this handle's own view never changes.
     * Blocks on the cluster; a failure other than ENOENT counts as existing (asked again later).
     */
    boolean snapshotExists()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment out = arena.allocate(8);
            final int r = Librbd.openReadOnly(ioctx, spec.image(), spec.snapshot(), out);
            if (r < 0)
            {
                return r != -ENOENT;
            }
            final long probe = Librbd.handle(out);
            try
            {
                final int id = Librbd.snapGetId(probe, spec.snapshot(), out);
                return id != -ENOENT && (id < 0 || out.get(ValueLayout.JAVA_LONG, 0) == snapshotId);
            }
            finally
            {
                Librbd.close(probe);
            }
        }
    }

    /** The size now (rbd_get_size refreshes the header when a notification said it changed), or -errno. */
    long size()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment out = arena.allocate(8);
            final int r = Librbd.getSize(image, out);
            return r < 0 ? r : out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /**
     * Closes the image (librbd waits for its operations in flight and releases the exclusive lock it holds, so a
     * clean stop hands the image over without a blocklist), then the pool's context and the connection.
     */
    @Override
    public void close()
    {
        Librbd.close(image);
        Libc.close(eventFd);
        Librados.ioctxDestroy(ioctx);
        client.release();
    }
}
