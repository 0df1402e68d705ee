package io.ringtarget.backstore.rbd;

import java.util.Objects;

/**
 * Which RBD image, and how to reach its cluster: the pool and image names, a ceph.conf (monitor addresses and any
 * librbd options, such as the cache), the client id (the {@code admin} of {@code client.admin}) and, optionally, a
 * keyring other than the one the ceph.conf names.
 *
 * @param pool     the pool's name.
 * @param image    the image's name in the pool.
 * @param cephConf the ceph.conf path.
 * @param cephId   the client id, without "client.".
 * @param keyring  a keyring path, or null for the ceph.conf's.
 */
public record RbdImageSpec(String pool, String image, String cephConf, String cephId, String keyring)
{
    /** What librados calls a client without an id: client.admin. */
    public static final String DEFAULT_CEPH_ID = "admin";

    public RbdImageSpec
    {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(cephConf, "cephConf");
        cephId = null == cephId || cephId.isBlank() ? DEFAULT_CEPH_ID : cephId;
        keyring = null == keyring || keyring.isBlank() ? null : keyring;
    }

    /**
     * @param poolSlashImage "POOL/IMAGE", as the rbd command names images.
     * @return the spec.
     * @throws IllegalArgumentException when it is not two non-empty names separated by one '/'.
     */
    public static RbdImageSpec of(final String poolSlashImage, final String cephConf, final String cephId,
        final String keyring)
    {
        final String problem = problem(poolSlashImage);
        if (null != problem)
        {
            throw new IllegalArgumentException(problem);
        }
        final int slash = poolSlashImage.indexOf('/');
        return new RbdImageSpec(poolSlashImage.substring(0, slash), poolSlashImage.substring(slash + 1), cephConf,
            cephId, keyring);
    }

    /** @return what is wrong with a "POOL/IMAGE" name, or null. */
    public static String problem(final String poolSlashImage)
    {
        if (null == poolSlashImage || poolSlashImage.isBlank())
        {
            return "an image is named POOL/IMAGE";
        }
        final int slash = poolSlashImage.indexOf('/');
        if (slash <= 0 || slash == poolSlashImage.length() - 1 || poolSlashImage.indexOf('/', slash + 1) >= 0)
        {
            return "\"" + poolSlashImage + "\" is not POOL/IMAGE (two names and one '/'; namespaces are not supported)";
        }
        for (int i = 0; i < poolSlashImage.length(); i++)
        {
            final char c = poolSlashImage.charAt(i);
            if (c <= ' ' || c == '@' || c > '~')
            {
                return "\"" + poolSlashImage + "\": names of printable ASCII without spaces, and no snapshot (@)";
            }
        }
        return null;
    }

    /** "POOL/IMAGE". */
    public String name()
    {
        return pool + "/" + image;
    }
}
