package io.ringtarget.iscsi.node;


import java.util.List;

/**
 * Authentication of discovery sessions (SessionType=Discovery, RFC 7143 section 4.3): whether CHAP is required, with
 * which credentials (null when none are configured) and which CHAP algorithms are allowed.
 */
public record DiscoveryAuth(boolean chapRequired, ChapCredentials chap, List<ChapAlgorithm> chapAlgorithms)
{
    public static final DiscoveryAuth NONE = new DiscoveryAuth(false, null);

    public DiscoveryAuth
    {
        chapAlgorithms = chapAlgorithms == null || chapAlgorithms.isEmpty() ? ChapAlgorithm.DEFAULT_ORDER :
            List.copyOf(chapAlgorithms);
    }

    /** With {@link ChapAlgorithm#DEFAULT_ORDER}. */
    public DiscoveryAuth(final boolean chapRequired, final ChapCredentials chap)
    {
        this(chapRequired, chap, ChapAlgorithm.DEFAULT_ORDER);
    }
}
