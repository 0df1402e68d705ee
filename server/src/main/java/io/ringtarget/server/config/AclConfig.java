package io.ringtarget.server.config;

import java.util.List;

/**
 * A node ACL: the initiator IQN admitted to the TPG, its CHAP credentials (when the TPG requires CHAP) and its mapped
 * LUNs: the LUN numbers of the TPG it sees (LUN masking; targetcli's mapped LUNs, under the TPG's own numbers). Null
 * {@code mappedLuns} sees every LUN of the TPG, also those added later; an empty list sees none.
 */
public record AclConfig(String initiatorIqn, ChapConfig chap, List<Integer> mappedLuns)
{
    /** An ACL that sees every LUN of its TPG. */
    public AclConfig(final String initiatorIqn, final ChapConfig chap)
    {
        this(initiatorIqn, chap, null);
    }

    public AclConfig withChap(final ChapConfig newChap)
    {
        return new AclConfig(initiatorIqn, newChap, mappedLuns);
    }

    public AclConfig withMappedLuns(final List<Integer> newMappedLuns)
    {
        return new AclConfig(initiatorIqn, chap, null == newMappedLuns ? null : List.copyOf(newMappedLuns));
    }
}
