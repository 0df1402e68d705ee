package io.ringtarget.server.config;

import java.util.List;

/**
 * A node ACL: the initiator IQN admitted to the TPG, its CHAP credentials (when the TPG requires CHAP), its mapped
 * LUNs: the LUNs of the TPG it sees, each under the TPG's number or another (LUN masking; targetcli's mapped LUNs),
 * and whether it may only read them. Null {@code mappedLuns} sees every LUN of the TPG under its number, also those
 * added later; an empty list sees none. Null {@code readOnly} is false (left out of the file, which older versions
 * can then read).
 */
public record AclConfig(String initiatorIqn, ChapConfig chap, List<MappedLunConfig> mappedLuns, Boolean readOnly)
{
    /** An ACL that may write. */
    public AclConfig(final String initiatorIqn, final ChapConfig chap, final List<MappedLunConfig> mappedLuns)
    {
        this(initiatorIqn, chap, mappedLuns, null);
    }

    /** An ACL that sees and may write every LUN of its TPG. */
    public AclConfig(final String initiatorIqn, final ChapConfig chap)
    {
        this(initiatorIqn, chap, null, null);
    }

    /** Whether its initiator may only read: writes fail with DATA PROTECT. */
    public boolean readOnlyOrDefault()
    {
        return Boolean.TRUE.equals(readOnly);
    }

    public AclConfig withChap(final ChapConfig newChap)
    {
        return new AclConfig(initiatorIqn, newChap, mappedLuns, readOnly);
    }

    public AclConfig withMappedLuns(final List<MappedLunConfig> newMappedLuns)
    {
        return new AclConfig(initiatorIqn, chap, null == newMappedLuns ? null : List.copyOf(newMappedLuns), readOnly);
    }

    /** Read-only, or (false) left out of the file. */
    public AclConfig withReadOnly(final boolean newReadOnly)
    {
        return new AclConfig(initiatorIqn, chap, mappedLuns, newReadOnly ? Boolean.TRUE : null);
    }
}
