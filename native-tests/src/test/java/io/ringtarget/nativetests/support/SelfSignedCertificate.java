package io.ringtarget.nativetests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed EC P-256 certificate for an IP address, made by the JDK's own keytool (always beside the JVM that runs
 * the tests) and written as an administrator would have it from openssl: a PEM certificate and an unencrypted PKCS#8
 * PEM key. {@link #trustingIt()} is a client context that trusts it and nothing else.
 */
public final class SelfSignedCertificate
{
    private static final String STORE_PASSWORD = "changeit";

    private final Path certificate;
    private final Path key;
    private final Certificate x509;

    private SelfSignedCertificate(final Path certificate, final Path key, final Certificate x509)
    {
        this.certificate = certificate;
        this.key = key;
        this.x509 = x509;
    }

    /** Makes {@code DIR/NAME.crt} and {@code DIR/NAME.key} (mode 0600) for {@code ip} (CN and subjectAltName). */
    public static SelfSignedCertificate create(final Path dir, final String name, final String ip)
    {
        final Path store = dir.resolve(name + ".p12");
        final Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        final ExternalProcess.Result made = ExternalProcess.run(Duration.ofSeconds(60), keytool.toString(),
            "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + ip,
            "-ext", "san=ip:" + ip, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
            "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        if (!made.ok())
        {
            throw new IllegalStateException("keytool failed: " + made.output());
        }
        try (InputStream in = Files.newInputStream(store))
        {
            final KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, STORE_PASSWORD.toCharArray());
            final Certificate cert = keys.getCertificate(name);
            final Path certificate = dir.resolve(name + ".crt");
            final Path key = dir.resolve(name + ".key");
            Files.writeString(certificate, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(key, pem("PRIVATE KEY", keys.getKey(name, STORE_PASSWORD.toCharArray()).getEncoded()));
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.delete(store);
            return new SelfSignedCertificate(certificate, key, cert);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static String pem(final String type, final byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" +
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der) +
            "\n-----END " + type + "-----\n";
    }

    public Path certificate()
    {
        return certificate;
    }

    public Path key()
    {
        return key;
    }

    /** A TLS client context that trusts this certificate only. */
    public SSLContext trustingIt()
    {
        try
        {
            final KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("server", x509);
            final TrustManagerFactory trust = TrustManagerFactory.getInstance(
                TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        }
        catch (final IOException | GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
