package io.ringtarget.backstore.rbd;

import java.util.Objects;

/**
 * Which RBD image, and how to reach its cluster: the pool, the namespace in it (null: the pool's default one), the
 * image and, optionally, one of its snapshots (served read-only); a ceph.conf (monitor addresses and any librbd
 * options, such as the cache), the client id (the {@code admin} of {@code client.admin}) and, optionally, a keyring
 * other than the one the ceph.conf names.
 *
 * @param pool      the pool's name.
 * @param namespace the namespace's name in the pool, or null for the default namespace.
 * @param image     the image's name in the pool (and namespace).
 * @param snapshot  the snapshot's name, or null for the image itself (its head, writable).
 * @param cephConf  the ceph.conf path.
 * @param cephId    the client id, without "client.".
 * @param keyring   a keyring path, or null for the ceph.conf's.
 */
public record RbdImageSpec(String pool, String namespace, String image, String snapshot, String cephConf,
    String cephId, String keyring)
{
    /** What librados calls a client without an id: client.admin. */
    public static final String DEFAULT_CEPH_ID = "admin";

    public RbdImageSpec
    {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(cephConf, "cephConf");
        namespace = null == namespace || namespace.isEmpty() ? null : namespace;
        snapshot = null == snapshot || snapshot.isEmpty() ? null : snapshot;
        cephId = null == cephId || cephId.isBlank() ? DEFAULT_CEPH_ID : cephId;
        keyring = null == keyring || keyring.isBlank() ? null : keyring;
    }

    /** The head of an image in the pool's default namespace. */
    public RbdImageSpec(final String pool, final String image, final String cephConf, final String cephId,
        final String keyring)
    {
        this(pool, null, image, null, cephConf, cephId, keyring);
    }

    /**
     * @param spec "POOL/[NAMESPACE/]IMAGE[@SNAPSHOT]", as the rbd command names images and their snapshots.
     * @return the spec.
     * @throws IllegalArgumentException when it is not two or three non-empty names separated by '/', and optionally
     *                                  '@' and a snapshot's name.
     */
    public static RbdImageSpec of(final String spec, final String cephConf, final String cephId,
        final String keyring)
    {
        final String problem = problem(spec);
        if (null != problem)
        {
            throw new IllegalArgumentException(problem);
        }
        final int at = spec.indexOf('@');
        final String path = at < 0 ? spec : spec.substring(0, at);
        final String snapshot = at < 0 ? null : spec.substring(at + 1);
        final int first = path.indexOf('/');
        final int last = path.lastIndexOf('/');
        return new RbdImageSpec(path.substring(0, first), first == last ? null : path.substring(first + 1, last),
            path.substring(last + 1), snapshot, cephConf, cephId, keyring);
    }

    /** @return what is wrong with a "POOL/[NAMESPACE/]IMAGE[@SNAPSHOT]" name, or null. */
    public static String problem(final String spec)
    {
        if (null == spec || spec.isBlank())
        {
            return "an image is named POOL/IMAGE, POOL/NAMESPACE/IMAGE, or either with @SNAPSHOT";
        }
        for (int i = 0; i < spec.length(); i++)
        {
            final char c = spec.charAt(i);
            if (c <= ' ' || c > '~')
            {
                return "\"" + spec + "\": names of printable ASCII without spaces";
            }
        }
        final int at = spec.indexOf('@');
        if (at >= 0 && (at == spec.length() - 1 || spec.indexOf('@', at + 1) >= 0 || spec.indexOf('/', at) >= 0))
        {
            return "\"" + spec + "\": a snapshot is named after one '@' at the end, without '/' or '@'";
        }
        final String path = at < 0 ? spec : spec.substring(0, at);
        final String[] names = path.split("/", -1);
        if (names.length < 2 || names.length > 3)
        {
            return "\"" + spec + "\" is not POOL/IMAGE or POOL/NAMESPACE/IMAGE (with @SNAPSHOT for a snapshot)";
        }
        for (final String name : names)
        {
            if (name.isEmpty())
            {
                return "\"" + spec + "\" has an empty name between its '/'";
            }
        }
        return null;
    }

    /** "POOL/[NAMESPACE/]IMAGE[@SNAPSHOT]", as the rbd command names it. */
    public String name()
    {
        return pool + "/" + (null == namespace ? "" : namespace + "/") + image +
            (null == snapshot ? "" : "@" + snapshot);
    }

    /** A snapshot: read-only, whatever the LUNs mapping it say. */
    public boolean isSnapshot()
    {
        return null != snapshot;
    }
}
