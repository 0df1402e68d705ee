package io.ringtarget.server.config;

/**
 * Where an {@code rbd} backstore's image is: {@code image} as the rbd command names it ("POOL/IMAGE",
 * "POOL/NAMESPACE/IMAGE", either with "@SNAPSHOT" for a snapshot of it, served read-only), the ceph.conf
 * that says how to reach the cluster (monitor addresses, librbd options such as the cache), the client id
 * ({@code admin} for client.admin; default {@value #DEFAULT_CEPH_ID}) and a keyring (default: the one the ceph.conf
 * names, else librados' own search path).
 */
public record RbdConfig(String image, String cephConf, String cephId, String keyring)
{
    public static final String DEFAULT_CEPH_ID = "admin";

    /** A snapshot of an image ("...@SNAPSHOT"): its logical unit is write-protected, whatever its LUNs say. */
    public boolean servesSnapshot()
    {
        return null != image && image.indexOf('@') >= 0;
    }

    /** The client id to connect as: the configured one or {@value #DEFAULT_CEPH_ID}. */
    public String cephIdOrDefault()
    {
        return null == cephId || cephId.isBlank() ? DEFAULT_CEPH_ID : cephId;
    }
}
