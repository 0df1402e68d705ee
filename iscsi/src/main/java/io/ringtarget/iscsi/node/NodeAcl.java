package io.ringtarget.iscsi.node;

import java.util.List;

/**
 * A node ACL of a TPG: the initiator admitted, its CHAP credentials (null when it has none), the LUNs of the TPG it
 * sees and under which numbers (its mapped LUNs), or null when it sees all of them under theirs, and whether it may
 * only read them.
 */
public record NodeAcl(String initiatorName, ChapCredentials chap, List<MappedLun> mappedLuns, boolean readOnly)
{
    public NodeAcl
    {
        mappedLuns = null == mappedLuns ? null : List.copyOf(mappedLuns);
    }

    /** An ACL that may read and write the LUNs it sees. */
    public NodeAcl(final String initiatorName, final ChapCredentials chap, final List<MappedLun> mappedLuns)
    {
        this(initiatorName, chap, mappedLuns, false);
    }

    /** An ACL that sees, reads and writes every LUN of its TPG. */
    public NodeAcl(final String initiatorName, final ChapCredentials chap)
    {
        this(initiatorName, chap, null, false);
    }
}
