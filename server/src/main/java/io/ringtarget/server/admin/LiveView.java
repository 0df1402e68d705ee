package io.ringtarget.server.admin;

import io.ringtarget.iscsi.session.SessionSnapshot;

import java.util.List;
import java.util.Map;

/**
 * What a running target serves now, for {@code ringtarget ls} and {@code ringtarget sessions}: the configuration as
 * JSON with its secrets masked (null when only sessions were asked for), the logged-in sessions, the ALUA state of
 * each served TPG ({@code "IQN TAG"}: state, which an initiator may have changed) and the size each open backstore
 * serves (by name, in bytes).
 */
public record LiveView(String config, List<SessionSnapshot> sessions, Map<String, String> alua, Map<String, Long> sizes)
{
    public LiveView
    {
        sessions = List.copyOf(sessions);
        alua = null == alua ? Map.of() : Map.copyOf(alua);
        sizes = null == sizes ? Map.of() : Map.copyOf(sizes);
    }

    /** The key of a TPG in {@link #alua()}. */
    public static String tpgKey(final String iqn, final int tag)
    {
        return iqn.toLowerCase(java.util.Locale.ROOT) + " " + tag;
    }
}
