package io.ringtarget.iscsi.node;

import java.util.List;

/**
 * A node ACL of a TPG: the initiator admitted, its CHAP credentials (null when it has none), the LUNs of the TPG it
 * sees and under which numbers (its mapped LUNs), or null when it sees all of them under theirs, whether it may
 * only read them, and its own NOP-In interval and answer timeout in seconds ({@link #TPG_NOP_IN}: the TPG's).
 */
public record NodeAcl(String initiatorName, ChapCredentials chap, List<MappedLun> mappedLuns, boolean readOnly,
    int nopInIntervalSeconds, int nopInTimeoutSeconds)
{
    /** A NOP-In setting the ACL leaves to its TPG. */
    public static final int TPG_NOP_IN = -1;

    public NodeAcl
    {
        mappedLuns = null == mappedLuns ? null : List.copyOf(mappedLuns);
    }

    /** An ACL with its TPG's NOP-In settings. */
    public NodeAcl(final String initiatorName, final ChapCredentials chap, final List<MappedLun> mappedLuns,
        final boolean readOnly)
    {
        this(initiatorName, chap, mappedLuns, readOnly, TPG_NOP_IN, TPG_NOP_IN);
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
