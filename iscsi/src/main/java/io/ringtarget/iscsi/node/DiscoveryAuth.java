package io.ringtarget.iscsi.node;

/**
 * Authentication of discovery sessions (SessionType=Discovery, RFC 7143 section 4.3): whether CHAP is required and
 * with which credentials (null when none are configured).
 */
public record DiscoveryAuth(boolean chapRequired, ChapCredentials chap)
{
    public static final DiscoveryAuth NONE = new DiscoveryAuth(false, null);
}
