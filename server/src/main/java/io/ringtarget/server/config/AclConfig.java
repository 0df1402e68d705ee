package io.ringtarget.server.config;

import java.util.List;

/**
 * A node ACL: the initiator IQN admitted to the TPG, its CHAP credentials (when the TPG requires CHAP), its mapped
 * LUNs: the LUNs of the TPG it sees, each under the TPG's number or another (LUN masking; targetcli's mapped LUNs),
 * whether it may only read them, and its own NOP-In interval and timeout (targetcli's per-ACL nopin_timeout and
 * nopin_response_timeout). Null {@code mappedLuns} sees every LUN of the TPG under its number, also those added
 * later; an empty list sees none. Null {@code readOnly} is false, null NOP-In settings are the TPG's (left out of
 * the file, which older versions can then read).
 */
public record AclConfig(String initiatorIqn, ChapConfig chap, List<MappedLunConfig> mappedLuns, Boolean readOnly,
    Integer nopInIntervalSeconds, Integer nopInTimeoutSeconds)
{
    /** An ACL with the TPG's NOP-In settings. */
    public AclConfig(final String initiatorIqn, final ChapConfig chap, final List<MappedLunConfig> mappedLuns,
        final Boolean readOnly)
    {
        this(initiatorIqn, chap, mappedLuns, readOnly, null, null);
    }

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

    /** The NOP-In interval its sessions get: its own, the TPG's, or the engine's. */
    public int nopInIntervalSeconds(final TpgConfig tpg, final EngineConfig engine)
    {
        return null != nopInIntervalSeconds ? nopInIntervalSeconds : tpg.nopInIntervalSeconds(engine);
    }

    /** The NOP-In answer timeout its sessions get: its own, the TPG's, or the engine's. */
    public int nopInTimeoutSeconds(final TpgConfig tpg, final EngineConfig engine)
    {
        return null != nopInTimeoutSeconds ? nopInTimeoutSeconds : tpg.nopInTimeoutSeconds(engine);
    }

    public AclConfig withChap(final ChapConfig newChap)
    {
        return new AclConfig(initiatorIqn, newChap, mappedLuns, readOnly, nopInIntervalSeconds, nopInTimeoutSeconds);
    }

    public AclConfig withMappedLuns(final List<MappedLunConfig> newMappedLuns)
    {
        return new AclConfig(initiatorIqn, chap, null == newMappedLuns ? null : List.copyOf(newMappedLuns), readOnly,
            nopInIntervalSeconds, nopInTimeoutSeconds);
    }

    /** Read-only, or (false) left out of the file. */
    public AclConfig withReadOnly(final boolean newReadOnly)
    {
        return new AclConfig(initiatorIqn, chap, mappedLuns, newReadOnly ? Boolean.TRUE : null, nopInIntervalSeconds,
            nopInTimeoutSeconds);
    }

    /** Its own NOP-In settings; null: the TPG's. */
    public AclConfig withNopIn(final Integer intervalSeconds, final Integer timeoutSeconds)
    {
        return new AclConfig(initiatorIqn, chap, mappedLuns, readOnly, intervalSeconds, timeoutSeconds);
    }
}
