package io.ringtarget.server.cli;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.server.admin.AdminServer;
import io.ringtarget.server.admin.LiveTarget;
import io.ringtarget.server.config.ConfigFileLock;
import io.ringtarget.server.edit.EditResult;
import io.ringtarget.server.startup.TargetServer;
import io.ringtarget.server.systemd.SystemdNotify;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What makes {@code serve} a live target rather than a fixed one: the admin socket (edits, ls, sessions, reload), the
 * configuration file's lock saying where that socket is, and SIGHUP reading the file again ({@code systemctl reload}),
 * with the service manager told ({@code RELOADING=1}, then {@code READY=1}).
 */
final class LiveService implements AutoCloseable
{
    /** The file a target serves: its path, the bytes it was read from, its lock (null: none could be taken), the
     * admin socket to listen on. */
    record ServedFile(Path file, byte[] bytes, ConfigFileLock lock, Path socket)
    {
    }

    private final ServedFile served;
    private final AdminServer admin;

    private LiveService(final ServedFile served, final AdminServer admin)
    {
        this.served = served;
        this.admin = admin;
    }

    /**
     * @throws IOException when the admin socket cannot listen (nothing is left open: the caller stops the target).
     */
    static LiveService start(
        final TargetServer server, final ServedFile served, final SystemdNotify notify, final EventLog log)
        throws IOException
    {
        final LiveTarget live = new LiveTarget(server, served.file(), served.bytes(), new EditBatch(), log);
        final AdminServer admin = AdminServer.start(served.socket(), live, log);
        if (null != served.lock())
        {
            try
            {
                served.lock().advertise(ProcessHandle.current().pid(), admin.path());
            }
            catch (final IOException ex)
            {
                log.warn("admin", "cannot write " + served.lock().file() + " (" + ex.getMessage() + "): commands " +
                    "reach this target with --admin-socket " + admin.path() + " only");
            }
        }
        try
        {
            // SIGHUP: what systemctl reload sends (ExecReload). The JVM's default would run the shutdown hooks.
            Signal.handle(new Signal("HUP"), signal -> Thread.ofPlatform().name("ringtarget-reload").start(() ->
            {
                notify.send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000 + "\nSTATUS=reloading " +
                    served.file());
                final EditResult result = live.reload("SIGHUP");
                notify.send("READY=1\nSTATUS=" + (null == result.failure() ? "serving " + served.file() :
                    "serving the configuration before; reload refused: " + result.failure().message()));
            }));
        }
        catch (final IllegalArgumentException ex)
        {
            // The JVM keeps SIGHUP for itself when run with -Xrs.
            log.warn("admin", "SIGHUP cannot reload (" + ex.getMessage() + "): use ringtarget reload");
        }
        return new LiveService(served, admin);
    }

    /** No more requests: the admin socket closes (the target itself is stopped after, then {@link #close}). */
    void stopListening()
    {
        admin.close();
    }

    /** Releases the file's lock: another target may serve it, edits go to the file again. */
    @Override
    public void close()
    {
        admin.close();
        if (null != served.lock())
        {
            served.lock().close();
        }
    }
}
