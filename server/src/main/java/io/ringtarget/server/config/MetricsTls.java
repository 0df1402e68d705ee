package io.ringtarget.server.config;


import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The metrics endpoint's TLS context from PEM files, as Prometheus' own web configuration takes them (a certificate
 * chain and a PKCS#8 key), with the JDK's providers only: no key store to create, no password to keep. Each problem
 * is an {@link IllegalArgumentException} naming the file and what to do.
 */
public final class MetricsTls
{
    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";

    private MetricsTls()
    {
    }

    /** An SSLContext serving the certificate chain of {@code tls.certificate()} with the key of {@code tls.key()}. */
    public static SSLContext context(final MetricsTlsConfig tls)
    {
        return context(keyManager(tls));
    }

    /** An SSLContext whose server identity is {@code keys}'s. */
    public static SSLContext context(final X509ExtendedKeyManager keys)
    {
        try
        {
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keys}, null, null);
            return context;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalArgumentException("cannot serve TLS: " + ex.getMessage(), ex);
        }
    }

    /**
     * The JDK's key manager for the certificate chain of {@code tls.certificate()} and the key of {@code tls.key()},
     * read now; every problem is an {@link IllegalArgumentException} naming the file.
     */
    public static X509ExtendedKeyManager keyManager(final MetricsTlsConfig tls)
    {
        final X509Certificate[] chain = certificates(Path.of(tls.certificate()));
        final PrivateKey key = privateKey(Path.of(tls.key()), chain[0].getPublicKey().getAlgorithm());
        checkPair(tls, chain[0], key);
        try
        {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            final char[] transientPassword = new char[0];
            store.setKeyEntry("metrics", key, transientPassword, chain);
            final KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, transientPassword);
            for (final KeyManager manager : keys.getKeyManagers())
            {
                if (manager instanceof X509ExtendedKeyManager x509)
                {
                    return x509;
                }
            }
            throw new IllegalArgumentException("the JDK offers no X.509 key manager");
        }
        catch (final GeneralSecurityException | IOException ex)
        {
            throw new IllegalArgumentException("cannot serve TLS with " + tls.certificate() + " and " + tls.key() +
                ": " + ex.getMessage(), ex);
        }
    }

    /** The certificate file's first certificate, for the log: its subject and when it expires. */
    public static String describe(final MetricsTlsConfig tls)
    {
        final X509Certificate first = certificates(Path.of(tls.certificate()))[0];
        return first.getSubjectX500Principal().getName() + ", valid until " + first.getNotAfter().toInstant();
    }

    private static X509Certificate[] certificates(final Path file)
    {
        try (InputStream in = Files.newInputStream(file))
        {
            final Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509")
                .generateCertificates(in);
            if (read.isEmpty())
            {
                throw new IllegalArgumentException(file + " holds no certificate (PEM, \"BEGIN CERTIFICATE\")");
            }
            return read.stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read the certificate " + file + ": " + ex.getMessage(), ex);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalArgumentException(file + " is not a PEM certificate: " + ex.getMessage(), ex);
        }
    }

    private static PrivateKey privateKey(final Path file, final String algorithm)
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read the key " + file + ": " + ex.getMessage(), ex);
        }
        final int begin = text.indexOf(PKCS8_BEGIN);
        final int end = text.indexOf(PKCS8_END);
        if (begin < 0 || end < begin)
        {
            throw new IllegalArgumentException(file + " is not an unencrypted PKCS#8 key (\"" + PKCS8_BEGIN + "\")" +
                (text.contains("ENCRYPTED PRIVATE KEY") ? ": it is encrypted" : "") +
                "; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out " + file + ".pk8");
        }
        try
        {
            final byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + PKCS8_BEGIN.length(), end));
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        }
        catch (final IllegalArgumentException | GeneralSecurityException ex)
        {
            throw new IllegalArgumentException(file + " is not a " + algorithm + " key for the certificate: " +
                ex.getMessage(), ex);
        }
    }

    /** A signature the key makes must verify with the certificate's public key: the two files belong together. */
    private static void checkPair(final MetricsTlsConfig tls, final X509Certificate certificate, final PrivateKey key)
    {
        final String algorithm = switch (key.getAlgorithm())
        {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();   // Ed25519, Ed448, EdDSA: the algorithm signs as itself
        };
        try
        {
            final byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            final Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            final Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certificate.getPublicKey());
            verify.update(probe);
            if (!verify.verify(sign.sign()))
            {
                throw new IllegalArgumentException("the key " + tls.key() + " is not the certificate's (" +
                    tls.certificate() + ")");
            }
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalArgumentException("cannot check that " + tls.key() + " is the key of " +
                tls.certificate() + ": " + ex.getMessage(), ex);
        }
    }
}
