package io.ringtarget.server.admin;

import io.ringtarget.server.edit.EditLine;

import java.util.List;

/**
 * One request on the admin socket (a JSON line): {@code op} is {@link #HELLO}, {@link #EDIT}, {@link #RELOAD},
 * {@link #VIEW}, {@link #SESSIONS}, {@link #LOG_LEVEL} or {@link #LOGOUT}; {@code config} the configuration file the
 * client means (an edit of another file is refused); {@code lines} the editing commands of an edit; {@code logLevel}
 * the level a {@link #LOG_LEVEL} request sets (null: it asks); {@code logout} which sessions a {@link #LOGOUT} ends.
 */
public record AdminRequest(String op, String config, List<EditLine> lines, String logLevel, Logout logout)
{
    /** Who are you: the target's pid, file and version. */
    public static final String HELLO = "hello";
    /** Run editing commands on the served configuration, apply and save the result. */
    public static final String EDIT = "edit";
    /** Read the file again and apply the difference (what SIGHUP does). */
    public static final String RELOAD = "reload";
    /** The served configuration (secrets masked) with the live state: sessions, ALUA states, sizes. */
    public static final String VIEW = "view";
    /** The sessions only. */
    public static final String SESSIONS = "sessions";
    /** The running target's log level, or a new one (until it stops: the file and the command line do not change). */
    public static final String LOG_LEVEL = "log-level";
    /** End an initiator's sessions: ask them to log out, or close them ({@code ringtarget sessions logout}). */
    public static final String LOGOUT = "logout";

    /**
     * The sessions a {@link #LOGOUT} ends: an initiator's (null: every initiator's), of one target (null: of any;
     * one of the two is given) and one ISID (null: any); {@code now} closes them at once instead of asking them to
     * log out.
     */
    public record Logout(String initiator, String target, String isid, boolean now)
    {
    }

    public AdminRequest
    {
        lines = null == lines ? List.of() : List.copyOf(lines);
    }

    public AdminRequest(final String op, final String config, final List<EditLine> lines, final String logLevel)
    {
        this(op, config, lines, logLevel, null);
    }

    public AdminRequest(final String op, final String config, final List<EditLine> lines)
    {
        this(op, config, lines, null);
    }
}
