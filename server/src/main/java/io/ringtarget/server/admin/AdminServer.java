package io.ringtarget.server.admin;

import io.ringtarget.iscsi.log.EventLog;
import io.ringtarget.server.edit.EditResult;
import io.ringtarget.server.startup.TargetServer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The admin endpoint of a running target: a Unix stream socket (default {@value #DEFAULT_PATH}, mode 0600, in a
 * directory created 0700 when missing) where the CLI sends its requests, one JSON line each way
 * ({@link AdminMessages}). Requests are handled on threads of their own, never on an event loop; changes are
 * serialized by {@link LiveTarget}. Only the target's own user (and root) may talk to it: the socket's mode, and the
 * peer's credentials (SO_PEERCRED) checked on each connection.
 */
public final class AdminServer implements AutoCloseable
{
    /** Where {@code serve} listens unless told otherwise ({@code --admin-socket}). */
    public static final String DEFAULT_PATH = "/run/ringtarget/admin.sock";

    private final Path path;
    private final ServerSocketChannel channel;
    private final LiveTarget target;
    private final EventLog log;
    private final Thread acceptor;
    private final String user = System.getProperty("user.name");
    private volatile boolean closed;

    private AdminServer(final Path path, final ServerSocketChannel channel, final LiveTarget target, final EventLog log)
    {
        this.path = path;
        this.channel = channel;
        this.target = target;
        this.log = log;
        this.acceptor = Thread.ofPlatform().daemon().name("ringtarget-admin").unstarted(this::accept);
    }

    /**
     * Listens on {@code path}. A socket file left by a target that is gone is replaced; one a live target answers on
     * is refused.
     *
     * @throws IOException naming the path and the reason, when it cannot listen there.
     */
    public static AdminServer start(final Path path, final LiveTarget target, final EventLog log) throws IOException
    {
        final Path socket = path.toAbsolutePath();
        final Path dir = socket.getParent();
        if (!Files.isDirectory(dir))
        {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        if (Files.exists(socket))
        {
            if (AdminClient.answers(socket))
            {
                throw new IOException("the admin socket " + socket + " is in use by another running target " +
                    "(give this one another: --admin-socket PATH)");
            }
            Files.delete(socket);   // left by a target that is gone
        }
        final ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            channel.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        }
        catch (final IOException ex)
        {
            channel.close();
            throw new IOException("cannot listen on the admin socket " + socket + ": " + ex.getMessage(), ex);
        }
        final AdminServer server = new AdminServer(socket, channel, target, log);
        server.acceptor.start();
        log.info("admin", "listening on " + socket + " (ringtarget ls, sessions, batch and the editing commands " +
            "reach this target there)");
        return server;
    }

    public Path path()
    {
        return path;
    }

    private void accept()
    {
        while (!closed)
        {
            try
            {
                final SocketChannel connection = channel.accept();
                Thread.ofVirtual().name("ringtarget-admin-request").start(() -> serve(connection));
            }
            catch (final ClosedChannelException ex)
            {
                return;
            }
            catch (final IOException ex)
            {
                if (!closed)
                {
                    log.error("admin", "accept on " + path + " failed", ex);
                }
            }
        }
    }

    private void serve(final SocketChannel connection)
    {
        try (connection)
        {
            final BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(connection),
                StandardCharsets.UTF_8));
            final OutputStream out = Channels.newOutputStream(connection);
            final String line = readLine(in);
            final AdminResponse response = null == line ? null : answerOrError(connection, line);
            if (null != response)
            {
                out.write((AdminMessages.write(response) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
        catch (final IOException ex)
        {
            log.warn("admin", "a request on " + path + " failed: " + ex.getMessage());
        }
        catch (final RuntimeException ex)
        {
            log.error("admin", "a request on " + path + " failed", ex);
        }
    }

    private static String readLine(final BufferedReader in) throws IOException
    {
        final StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n')
        {
            if (sb.length() == AdminMessages.MAX_LINE)
            {
                throw new IOException("a request longer than " + AdminMessages.MAX_LINE + " bytes");
            }
            sb.append((char)c);
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    /** The answer, or the reason there is none: a client never waits for an answer that does not come. */
    private AdminResponse answerOrError(final SocketChannel connection, final String line)
    {
        try
        {
            return answer(connection, line);
        }
        catch (final IOException ex)
        {
            log.warn("admin", "a request on " + path + " failed: " + ex.getMessage());
            return response(1, ex.getMessage(), null, null);
        }
        catch (final RuntimeException ex)
        {
            log.error("admin", "a request on " + path + " failed", ex);
            return response(1, "internal error (the target's log has it): " + ex, null, null);
        }
    }

    private AdminResponse answer(final SocketChannel connection, final String line) throws IOException
    {
        final UnixDomainPrincipal peer = connection.getOption(ExtendedSocketOptions.SO_PEERCRED);
        final String who = peer.user().getName();
        if (!who.equals(user) && !"root".equals(who))
        {
            log.warn("admin", "refused a request of user " + who + " on " + path);
            return response(1, "permission denied: only " + user + " may change this target", null, null);
        }
        final AdminRequest request;
        try
        {
            request = AdminMessages.read(line, AdminRequest.class);
        }
        catch (final IOException ex)
        {
            return response(2, "a request the target does not understand: " + ex.getMessage(), null, null);
        }
        final String op = null == request.op() ? "" : request.op();
        if ((AdminRequest.EDIT.equals(op) || AdminRequest.RELOAD.equals(op)) && !servesFile(request.config()))
        {
            return response(2, "this target serves " + target.file() + ", not " + request.config(), null, null);
        }
        return switch (op)
        {
            case AdminRequest.HELLO -> response(0, null, null, null);
            case AdminRequest.EDIT -> edited(target.edit(request.lines(), "ringtarget " + (request.lines().size() == 1 ?
                String.join(" ", request.lines().getFirst().args()) : "batch of " + request.lines().size() + " lines")));
            case AdminRequest.RELOAD -> edited(target.reload("ringtarget reload"));
            case AdminRequest.VIEW -> response(0, null, null, target.view(true));
            case AdminRequest.SESSIONS -> response(0, null, null, target.view(false));
            case AdminRequest.LOG_LEVEL -> null == request.logLevel() || target.logLevel(request.logLevel()) ?
                response(0, null, null, null) : response(2, "\"" + request.logLevel() + "\" is not a log level: " +
                "debug, info, warn or error", null, null);
            case AdminRequest.LOGOUT -> null == request.logout() ||
                (null == request.logout().initiator() && null == request.logout().target()) ?
                response(2, "a logout names the initiator or the target whose sessions end", null, null) :
                response(0, null, null, target.logout(request.logout()));
            default -> response(2, "unknown request \"" + op + "\"", null, null);
        };
    }

    private boolean servesFile(final String config)
    {
        if (null == config)
        {
            return false;
        }
        final Path asked = Path.of(config).toAbsolutePath().normalize();
        try
        {
            return asked.equals(target.file().normalize()) ||
                (Files.exists(asked) && Files.isSameFile(asked, target.file()));
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    private AdminResponse edited(final EditResult result)
    {
        return response(0, null, result, null);
    }

    private AdminResponse response(final int exitCode, final String error, final EditResult edit, final LiveView view)
    {
        return new AdminResponse(ProcessHandle.current().pid(), target.file().toString(), TargetServer.version(), exitCode,
            error, edit, view, target.logLevel());
    }

    /** Stops listening and removes the socket file; requests being handled finish. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            channel.close();
            Files.deleteIfExists(path);
        }
        catch (final IOException ex)
        {
            log.warn("admin", "closing " + path + ": " + ex.getMessage());
        }
    }
}
