package io.ringtarget.server.admin;

import io.ringtarget.iscsi.session.SessionSnapshot;

import java.util.List;
import java.util.Map;

/**
 * What a running target serves now, for {@code ringtarget ls} and {@code ringtarget sessions}: the configuration as
 * JSON with its secrets masked (null when only sessions were asked for), the logged-in sessions, the ALUA state of
 * each served TPG ({@code "IQN TAG"}: state, which an initiator may have changed), the size each open backstore
 * serves (by name, in bytes), what is being done to a backstore's medium, for those where something is (by name:
 * "sanitize in progress 37%", a failure mode, "self-test 12%"), the memory each RAM backstore holds now (by
 * name, in bytes: what was written to it, which is all it costs), what initiators set by MODE SELECT that the
 * configuration does not say (by name: "write cache enabled (saved), write-protected by SWP"), and the persistent
 * reservations of a backstore's logical unit where there are registrations (by name: "1 registration, Write
 * Exclusive reservation held by ...").
 */
public record LiveView(String config, List<SessionSnapshot> sessions, Map<String, String> alua, Map<String, Long> sizes,
    Map<String, String> media, Map<String, Long> memory, Map<String, String> modes, Map<String, String> reservations)
{
    public LiveView
    {
        modes = null == modes ? Map.of() : Map.copyOf(modes);
        reservations = null == reservations ? Map.of() : Map.copyOf(reservations);
        sessions = List.copyOf(sessions);
        alua = null == alua ? Map.of() : Map.copyOf(alua);
        sizes = null == sizes ? Map.of() : Map.copyOf(sizes);
        media = null == media ? Map.of() : Map.copyOf(media);
        memory = null == memory ? Map.of() : Map.copyOf(memory);
    }

    /** A view without medium states or memory. */
    public LiveView(final String config, final List<SessionSnapshot> sessions, final Map<String, String> alua,
        final Map<String, Long> sizes)
    {
        this(config, sessions, alua, sizes, null, null, null, null);
    }

    /** The key of a TPG in {@link #alua()}. */
    public static String tpgKey(final String iqn, final int tag)
    {
        return iqn.toLowerCase(java.util.Locale.ROOT) + " " + tag;
    }
}
