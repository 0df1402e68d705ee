package io.ringtarget.server.cli;

import io.ringtarget.server.config.MetricsBasicAuthConfig;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.MetricsTlsConfig;
import io.ringtarget.server.config.RingtargetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code ringtarget metrics set ...}: the file's Prometheus endpoint (address, HTTPS, basic authentication) without
 * editing JSON. It belongs to the process: a change applies at the next start, as the command and the log say.
 */
@Command(name = "metrics", description = "The Prometheus metrics endpoint: address, HTTPS and basic authentication " +
    "(docs/configuration.md, metrics).",
    subcommands = { MetricsCommand.Set.class })
final class MetricsCommand extends CommandGroup
{
    @Command(name = "set", description = "Sets the metrics endpoint; applies at the next start.",
        footer = { "", "Examples:", "  ringtarget metrics set --listen 10.0.9.10:9287",
            "  ringtarget metrics set --tls-certificate /etc/ringtarget/metrics.crt " +
                "--tls-key /etc/ringtarget/metrics.key",
            "  ringtarget metrics set --user prometheus --password 'metrics-Secret-26'",
            "  ringtarget metrics set --no-tls --no-auth", "  ringtarget metrics set --listen off" })
    static final class Set extends EditCommand
    {
        @Option(names = "--listen", paramLabel = "HOST:PORT|off", description = "Where GET /metrics answers.")
        String listen;

        @Option(names = "--tls-certificate", paramLabel = "PATH",
            description = "Serve HTTPS with this PEM certificate (with --tls-key).")
        Path certificate;

        @Option(names = "--tls-key", paramLabel = "PATH",
            description = "The certificate's private key, PEM, unencrypted PKCS#8 (BEGIN PRIVATE KEY).")
        Path key;

        @Option(names = "--no-tls", description = "Plain HTTP again.")
        boolean noTls;

        @Option(names = "--user", paramLabel = "NAME", description = "Ask every request for this user (with " +
            "--password; HTTP basic authentication).")
        String user;

        @Option(names = "--password", paramLabel = "PASSWORD", description = "Its password, at least 12 characters.")
        String password;

        @Option(names = "--no-auth", description = "No authentication again.")
        boolean noAuth;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            if (null == listen && null == certificate && null == key && !noTls && null == user && null == password &&
                !noAuth)
            {
                throw new IllegalArgumentException("nothing to set (see ringtarget metrics set --help)");
            }
            if ((null == certificate) != (null == key))
            {
                throw new IllegalArgumentException("--tls-certificate and --tls-key go together");
            }
            if ((null == user) != (null == password))
            {
                throw new IllegalArgumentException("--user and --password go together");
            }
            if (noTls && null != certificate || noAuth && null != user)
            {
                throw new IllegalArgumentException("--no-tls and --no-auth take nothing with them");
            }
            final MetricsConfig m = null == current.metrics() ? new MetricsConfig(MetricsConfig.OFF) :
                current.metrics();
            final MetricsTlsConfig tls = noTls ? null : null == certificate ? m.tls() :
                new MetricsTlsConfig(certificate.toAbsolutePath().toString(), key.toAbsolutePath().toString());
            final MetricsBasicAuthConfig auth = noAuth ? null : null == user ? m.basicAuth() :
                new MetricsBasicAuthConfig(user, password);
            return current.withMetrics(new MetricsConfig(null == listen ? m.listen() : listen, tls, auth));
        }

        @Override
        String done(final RingtargetConfig before, final RingtargetConfig after)
        {
            final MetricsConfig m = after.metrics();
            return "Metrics: " + (m.enabled() ? (null == m.tls() ? "http://" : "https://") + m.listen() + "/metrics" +
                (null == m.basicAuth() ? "" : ", user " + m.basicAuth().username()) : "off") + ".";
        }
    }
}
