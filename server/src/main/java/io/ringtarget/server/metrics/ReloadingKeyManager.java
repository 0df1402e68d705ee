package io.ringtarget.server.metrics;

import io.ringtarget.server.config.MetricsTls;
import io.ringtarget.server.config.MetricsTlsConfig;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The metrics endpoint's certificate and key, read again when their files change, so that a renewed certificate
 * (certbot, cert-manager, an internal CA's short-lived ones) is served without restarting the target, as Prometheus'
 * own exporters do. At a TLS handshake, at most once a second, both files' size and modification time are compared
 * with those of the pair being served; a change is loaded once the files have not changed for a second (a renewal
 * writes the two files one after the other) and served to the handshakes that follow; connections already open keep
 * theirs. A pair that cannot be used (unreadable, not PEM, a key that is not the certificate's) is reported once and
 * the previous pair stays.
 * <p>
 * Each pair read is a generation with its own key manager; the alias a handshake chose carries the generation, so a
 * handshake that began before a reload finishes with the pair it began with.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager
{
    /** What the reloads come to, for the log. */
    interface Listener
    {
        /** @param certificate the new certificate's subject and expiry. */
        void reloaded(String certificate);

        /** @param why what is wrong with the files; the previous pair is still served. */
        void refused(String why);
    }

    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    private record Generation(int number, X509ExtendedKeyManager keys, String stamp)
    {
    }

    private final MetricsTlsConfig tls;
    private final Listener listener;
    private volatile Generation current;
    private volatile Generation previous;
    private long checkedNanos;
    /** The files' stamp at the last check, when it differed from the served pair's: loaded once it holds. */
    private String changing;
    /** A stamp whose pair was refused: not read again until the files change once more. */
    private String refusedStamp;

    /** Reads the pair now: an {@link IllegalArgumentException} says what is wrong with it. */
    ReloadingKeyManager(final MetricsTlsConfig tls, final Listener listener)
    {
        this.tls = tls;
        this.listener = listener;
        final String stamp = stamp();
        this.current = new Generation(1, MetricsTls.keyManager(tls), stamp);
        this.checkedNanos = System.nanoTime();
    }

    @Override
    public String chooseEngineServerAlias(final String keyType, final Principal[] issuers, final SSLEngine engine)
    {
        check();
        final Generation g = current;
        return alias(g, g.keys.chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public String chooseServerAlias(final String keyType, final Principal[] issuers, final Socket socket)
    {
        check();
        final Generation g = current;
        return alias(g, g.keys.chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String[] getServerAliases(final String keyType, final Principal[] issuers)
    {
        final Generation g = current;
        final String[] aliases = g.keys.getServerAliases(keyType, issuers);
        return null == aliases ? null : Arrays.stream(aliases).map(a -> alias(g, a)).toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(final String alias)
    {
        final Generation g = of(alias);
        return null == g ? null : g.keys.getCertificateChain(own(alias));
    }

    @Override
    public PrivateKey getPrivateKey(final String alias)
    {
        final Generation g = of(alias);
        return null == g ? null : g.keys.getPrivateKey(own(alias));
    }

    // The endpoint asks no client for a certificate and is no client.

    @Override
    public String[] getClientAliases(final String keyType, final Principal[] issuers)
    {
        return null;
    }

    @Override
    public String chooseClientAlias(final String[] keyType, final Principal[] issuers, final Socket socket)
    {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(final String[] keyType, final Principal[] issuers, final SSLEngine engine)
    {
        return null;
    }

    /** Reads the pair again if its files changed and have held still for a check interval. */
    synchronized void check()
    {
        final long now = System.nanoTime();
        if (now - checkedNanos < CHECK_INTERVAL_NANOS)
        {
            return;
        }
        checkedNanos = now;
        final Generation served = current;
        final String stamp = stamp();
        if (stamp.equals(served.stamp) || stamp.equals(refusedStamp))
        {
            changing = null;
            return;
        }
        if (!stamp.equals(changing))
        {
            changing = stamp;   // changed since the last check: wait until it holds still
            return;
        }
        changing = null;
        final X509ExtendedKeyManager keys;
        final String certificate;
        try
        {
            keys = MetricsTls.keyManager(tls);
            certificate = MetricsTls.describe(tls);
        }
        catch (final IllegalArgumentException ex)
        {
            refusedStamp = stamp;
            listener.refused(ex.getMessage());
            return;
        }
        previous = served;
        current = new Generation(served.number + 1, keys, stamp);
        refusedStamp = null;
        listener.reloaded(certificate);
    }

    private Generation of(final String alias)
    {
        if (null == alias)
        {
            return null;
        }
        final int colon = alias.indexOf(':');
        final int number;
        try
        {
            number = colon < 0 ? -1 : Integer.parseInt(alias.substring(0, colon));
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
        final Generation c = current;
        if (c.number == number)
        {
            return c;
        }
        final Generation p = previous;
        return null != p && p.number == number ? p : null;
    }

    private static String alias(final Generation g, final String alias)
    {
        return null == alias ? null : g.number + ":" + alias;
    }

    private static String own(final String alias)
    {
        return alias.substring(alias.indexOf(':') + 1);
    }

    /**
     * Inode, size and modification time (nanoseconds) of both files: a file replaced by a rename or rewritten in
     * place changes it; one that cannot be read stamps as missing.
     */
    private String stamp()
    {
        return stamp(Path.of(tls.certificate())) + " " + stamp(Path.of(tls.key()));
    }

    private static String stamp(final Path file)
    {
        try
        {
            final Map<String, Object> a = Files.readAttributes(file, "unix:ino,size,lastModifiedTime");
            final long modified = ((FileTime)a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS);
            return a.get("ino") + ":" + a.get("size") + "@" + modified;
        }
        catch (final IOException ex)
        {
            return "missing";
        }
    }
}
