package io.ringtarget.server.config;

/**
 * The ALUA settings of a TPG, which is one target port group of its target (SPC-4 5.15): its asymmetric access
 * {@code state} at start ("active-optimized", "active-non-optimized", "standby" or "unavailable") and whether it is
 * the {@code preferred} group (the PREF bit multipath's "prio alua" adds to). An initiator can change the state
 * with SET TARGET PORT GROUPS while the target runs; the file keeps the state to start with.
 */
public record AluaConfig(String state, boolean preferred)
{
    public static final String ACTIVE_OPTIMIZED = "active-optimized";
    public static final String ACTIVE_NON_OPTIMIZED = "active-non-optimized";
    public static final String STANDBY = "standby";
    public static final String UNAVAILABLE = "unavailable";

    /** What a TPG without ALUA settings is: active/optimized, not preferred. */
    public static final AluaConfig DEFAULT = new AluaConfig(ACTIVE_OPTIMIZED, false);
}
