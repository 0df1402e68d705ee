package io.ringtarget.server.admin;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.iscsi.session.SessionSnapshot;
import io.ringtarget.server.config.BackstoreConfig;
import io.ringtarget.server.config.ConfigException;
import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.ConfigProblem;
import io.ringtarget.server.config.ConfigValidator;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.config.Secrets;
import io.ringtarget.server.config.TargetConfig;
import io.ringtarget.server.config.TpgConfig;
import io.ringtarget.server.edit.EditFailure;
import io.ringtarget.server.edit.EditLine;
import io.ringtarget.server.edit.EditOutcome;
import io.ringtarget.server.edit.EditResult;
import io.ringtarget.server.edit.EditRunner;
import io.ringtarget.server.startup.AppliedChange;
import io.ringtarget.server.startup.ChangeNotTakenException;
import io.ringtarget.server.startup.JulBridge;
import io.ringtarget.server.startup.TargetServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A running target and the file it serves, changed one change at a time (this object's monitor is the lock every
 * change takes: the admin socket's edits and reloads, and SIGHUP). An edit runs the editing commands on the served
 * configuration ({@link EditRunner}: the same rules as the CLI on a file), then the target applies the result and
 * saves it ({@link TargetServer#apply}: prepared, saved, applied; a refused change changes nothing). A reload reads
 * the file again and applies the difference.
 * <p>
 * The file is the served configuration's: an edit made by hand and not reloaded yet would be overwritten by the next
 * edit, so an edit is refused while the file differs from what the target last read or wrote ("apply it first").
 */
public final class LiveTarget
{
    private final TargetServer server;
    private final Path file;
    private final EditRunner runner;
    private final EventLog log;
    private byte[] fingerprint;

    /**
     * @param loaded the bytes of {@code file} the served configuration was read from.
     */
    public LiveTarget(
        final TargetServer server, final Path file, final byte[] loaded, final EditRunner runner, final EventLog log)
    {
        this.server = server;
        this.file = file.toAbsolutePath();
        this.runner = runner;
        this.log = log;
        this.fingerprint = digest(loaded);
    }

    public Path file()
    {
        return file;
    }

    /** The log level, in lower case as administrators write it. */
    public String logLevel()
    {
        return log.threshold().name().toLowerCase(Locale.ROOT);
    }

    /**
     * Logs from {@code level} up from now on, until the target stops ({@code ringtarget log-level}: to look closer at a
     * problem without a restart). The line saying so is logged at INFO while INFO is written: before the level is
     * raised above it, after it is lowered to it.
     *
     * @return false when {@code level} is not one (debug, info, warn, error).
     */
    public synchronized boolean logLevel(final String level)
    {
        final EventLog.Level to = EventLog.Level.parse(level);
        if (null == to)
        {
            return false;
        }
        final EventLog.Level from = log.threshold();
        if (to == from)
        {
            return true;
        }
        final String line = "log level " + from.name().toLowerCase(Locale.ROOT) + " -> " + level.toLowerCase(Locale.ROOT) +
            " (ringtarget log-level; until the target stops)";
        if (to.ordinal() > from.ordinal())
        {
            log.info("admin", line);   // while INFO is still written
        }
        log.threshold(to);
        JulBridge.levels(to);
        if (to.ordinal() < from.ordinal())
        {
            log.info("admin", line);
        }
        return true;
    }

    /** Runs editing commands on the served configuration, applies and saves the result. */
    public synchronized EditResult edit(final List<EditLine> lines, final String source)
    {
        final String changedOnDisk = changedOnDisk();
        if (null != changedOnDisk)
        {
            return refused(lines.size(), changedOnDisk);
        }
        final RingtargetConfig served = server.config();
        final EditOutcome outcome = runner.run(served, lines);
        if (outcome.applied() == 0)
        {
            return EditResult.of(outcome, lines.size());
        }
        try
        {
            final AppliedChange change = server.apply(outcome.config(), this::save);
            logged(source, change);
            return new EditResult(outcome.applied(), lines.size(), outcome.output(), outcome.warnings(),
                outcome.stillToFix(), outcome.failure(), change.done(), change.warnings());
        }
        catch (final ChangeNotTakenException ex)
        {
            return notTaken(lines.size(), outcome.applied(), outcome.output(), source, ex);
        }
        catch (final IllegalArgumentException | IOException ex)
        {
            return refusedByTarget(lines, outcome, ex, source);
        }
    }

    /**
     * The target refused the configuration the lines make: the first line whose prefix it refuses is found (each try
     * prepares the change and takes it back: nothing is saved or applied), the lines before it are applied, and the
     * batch stops there with the target's reason.
     */
    private EditResult refusedByTarget(
        final List<EditLine> lines, final EditOutcome outcome, final Exception cause, final String source)
    {
        int valid = 0;
        int refused = outcome.applied();
        Exception reason = cause;
        while (refused - valid > 1)
        {
            final int mid = (valid + refused) >>> 1;
            try
            {
                server.check(outcome.prefixes().get(mid - 1));
                valid = mid;
            }
            catch (final IllegalArgumentException | IOException ex)
            {
                refused = mid;
                reason = ex;
            }
        }
        List<String> changes = List.of();
        List<String> changeWarnings = List.of();
        if (valid > 0)
        {
            try
            {
                final AppliedChange change = server.apply(outcome.prefixes().get(valid - 1), this::save);
                logged(source, change);
                changes = change.done();
                changeWarnings = change.warnings();
            }
            catch (final IllegalArgumentException | IOException ex)
            {
                valid = 0;
                reason = ex;
            }
        }
        final EditFailure failure = new EditFailure(lines.get(refused - 1).number(),
            reason instanceof IOException ? 1 : 2, "the running target " + (reason instanceof IOException ?
                "could not apply it: " : "refused it: ") + reason.getMessage(), List.of());
        log.warn("config", "change refused (" + source + "): " + reason.getMessage());
        return new EditResult(valid, lines.size(), outcome.output().subList(0, valid), outcome.warnings(),
            outcome.stillToFix(), failure, changes, changeWarnings);
    }

    /** Saved but not taken by the loops: a failure to report as such (exit 1), never one to bisect. */
    private EditResult notTaken(
        final int lines, final int applied, final List<String> output, final String source,
        final ChangeNotTakenException ex)
    {
        log.error("config", "change (" + source + ") " + ex.getMessage(), ex);
        return new EditResult(applied, lines, output, List.of(), List.of(),
            new EditFailure(lines, 1, "the running target " + ex.getMessage(), List.of()), List.of(), List.of());
    }

    /** SIGHUP: the file again, validated, and the difference applied. */
    public synchronized EditResult reload(final String source)
    {
        final byte[] bytes;
        final RingtargetConfig loaded;
        try
        {
            bytes = Files.readAllBytes(file);
            loaded = ConfigFiles.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), file.toString());
        }
        catch (final ConfigException ex)
        {
            return reloadRefused(source, ex.getMessage(), problems(ex.problems()));
        }
        catch (final IOException ex)
        {
            return reloadRefused(source, "cannot read " + file + ": " + ex.getMessage(), List.of());
        }
        final List<ConfigProblem> problems = ConfigValidator.validate(loaded, true);
        if (ConfigProblem.hasErrors(problems))
        {
            return reloadRefused(source, file + " is not valid", problems(ConfigProblem.errors(problems)));
        }
        try
        {
            final AppliedChange change = server.apply(loaded, config -> fingerprint = digest(bytes));
            logged(source, change);
            return new EditResult(1, 1, List.of("Reloaded " + file + "."), problems(problems), List.of(), null,
                change.done(), change.warnings());
        }
        catch (final ChangeNotTakenException ex)
        {
            return notTaken(1, 1, List.of("Reloaded " + file + "."), source, ex);
        }
        catch (final IllegalArgumentException | IOException ex)
        {
            return reloadRefused(source, "the running target " + (ex instanceof IOException ?
                "could not apply it: " : "refused it: ") + ex.getMessage(), List.of());
        }
    }

    private EditResult reloadRefused(final String source, final String message, final List<String> details)
    {
        log.warn("config", "reload refused (" + source + "), still serving the configuration before: " + message +
            (details.isEmpty() ? "" : ": " + String.join("; ", details)));
        return new EditResult(0, 1, List.of(), List.of(), List.of(), new EditFailure(1, 2, message, details),
            List.of(), List.of());
    }

    /** What the target serves now, with the secrets masked (and the sessions, when asked). */
    /**
     * Ends the sessions {@code which} names ({@code ringtarget sessions logout}), and logs each.
     *
     * @return a view of the sessions told, as they were just before.
     */
    public LiveView logout(final AdminRequest.Logout which) throws IOException
    {
        final List<SessionSnapshot> told = server.logout(which.initiator(), which.target(), which.isid(), which.now());
        for (final SessionSnapshot s : told)
        {
            log.info("admin", (which.now() ? "closing the session of " : "asking the session of ") +
                s.initiatorName() + " (ISID " + s.isidHex() + ", TSIH " + s.tsih() + ", " + s.targetName() + " tpg " +
                s.tpgTag() + ", from " + s.peer() + ")" + (which.now() ? "" : " to log out") +
                " (ringtarget sessions logout)");
        }
        return new LiveView(null, told, Map.of(), Map.of());
    }

    public LiveView view(final boolean withConfig) throws IOException
    {
        final List<SessionSnapshot> sessions = server.sessions();
        if (!withConfig)
        {
            return new LiveView(null, sessions, Map.of(), Map.of());
        }
        final RingtargetConfig config = server.config();
        final Map<String, String> alua = new LinkedHashMap<>();
        for (final TargetConfig t : config.targets())
        {
            for (final TpgConfig tpg : t.tpgs())
            {
                final String state = server.aluaState(t.iqn(), tpg.tag());
                if (null != state)
                {
                    alua.put(LiveView.tpgKey(t.iqn(), tpg.tag()), state);
                }
            }
        }
        final Map<String, Long> sizes = new LinkedHashMap<>();
        final Map<String, String> media = new LinkedHashMap<>();
        final Map<String, Long> memory = new LinkedHashMap<>();
        final Map<String, String> modes = new LinkedHashMap<>();
        final Map<String, String> reservations = new LinkedHashMap<>();
        for (final BackstoreConfig b : config.backstores())
        {
            final String set = server.initiatorSettings(b.name());
            if (null != set)
            {
                modes.put(b.name(), set);
            }
            final long size = server.sizeBytes(b.name());
            if (size >= 0)
            {
                sizes.put(b.name(), size);
            }
            final String medium = server.mediumState(b.name());
            if (null != medium)
            {
                media.put(b.name(), medium);
            }
            final String registered = server.reservations(b.name());
            if (null != registered)
            {
                reservations.put(b.name(), registered);
            }
            final long held = server.memoryBytes(b.name());
            if (held >= 0)
            {
                memory.put(b.name(), held);
            }
        }
        return new LiveView(ConfigFiles.toJson(Secrets.masked(config)), sessions, alua, sizes, media, memory,
            modes, reservations);
    }

    private void save(final RingtargetConfig config) throws IOException
    {
        ConfigFiles.save(config, file);
        fingerprint = digest(Files.readAllBytes(file));
    }

    /** Why an edit must wait: the file differs from what the target last read or wrote; null when it does not. */
    private String changedOnDisk()
    {
        final byte[] now;
        try
        {
            now = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException ex)
        {
            return null;   // deleted: the edit writes it again
        }
        catch (final IOException ex)
        {
            return "cannot read " + file + ": " + ex.getMessage();
        }
        if (Arrays.equals(digest(now), fingerprint))
        {
            return null;
        }
        return file + " was changed since the running target read it (by hand?): apply it first with " +
            "\"systemctl reload ringtarget\" or \"kill -HUP " + ProcessHandle.current().pid() + "\" (or " +
            "\"ringtarget reload\"), or put the target's version back from " + file + ".bak";
    }

    private static EditResult refused(final int lines, final String message)
    {
        return new EditResult(0, lines, List.of(), List.of(), List.of(), new EditFailure(1, 2, message, List.of()),
            List.of(), List.of());
    }

    private void logged(final String source, final AppliedChange change)
    {
        if (change.nothing())
        {
            log.info("config", "configuration applied (" + source + "): nothing changed");
            return;
        }
        // Only what waits for the next start (the metrics endpoint, engine settings): the warnings below say what.
        log.info("config", "configuration applied (" + source + "): " + (change.done().isEmpty() ?
            "saved; nothing in it changes the running target" : String.join("; ", change.done())));
        for (final String warning : change.warnings())
        {
            log.warn("config", warning);
        }
    }

    private static List<String> problems(final List<ConfigProblem> problems)
    {
        final List<String> lines = new ArrayList<>();
        problems.forEach(p -> lines.add(p.toString()));
        return lines;
    }

    private static byte[] digest(final byte[] bytes)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is part of every JDK", ex);
        }
    }
}
