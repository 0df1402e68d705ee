package io.ringtarget.iscsi.node;

import java.util.List;

/**
 * A node ACL of a TPG: the initiator admitted, its CHAP credentials (null when it has none) and the LUN numbers of
 * the TPG it sees (its mapped LUNs), or null when it sees all of them.
 */
public record NodeAcl(String initiatorName, ChapCredentials chap, List<Integer> mappedLuns)
{
    public NodeAcl
    {
        mappedLuns = null == mappedLuns ? null : List.copyOf(mappedLuns);
    }

    /** An ACL that sees every LUN of its TPG. */
    public NodeAcl(final String initiatorName, final ChapCredentials chap)
    {
        this(initiatorName, chap, null);
    }
}
