package io.ringtarget.server.cli;

import io.ringtarget.server.config.BcryptHash;
import io.ringtarget.server.config.MetricsBasicAuthConfig;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.MetricsTlsConfig;
import io.ringtarget.server.config.RingtargetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ringtarget metrics set ...}: the file's Prometheus endpoint (address, HTTPS, basic authentication) without
 * editing JSON. It belongs to the process: a change applies at the next start, as the command and the log say.
 */
@Command(name = "metrics", description = "The Prometheus metrics endpoint: address, HTTPS and basic authentication " +
    "(docs/configuration.md, metrics).",
    subcommands = { MetricsCommand.Set.class, MetricsCommand.HashPassword.class })
final class MetricsCommand extends CommandGroup
{
    @Command(name = "set", description = "Sets the metrics endpoint; applies at the next start.",
        footer = { "", "Examples:", "  ringtarget metrics set --listen 10.0.9.10:9287",
            "  ringtarget metrics set --tls-certificate /etc/ringtarget/metrics.crt " +
                "--tls-key /etc/ringtarget/metrics.key",
            "  ringtarget metrics set --user prometheus --password 'metrics-Secret-26'",
            "  ringtarget metrics set --user prometheus --password-hash \"$(ringtarget metrics hash-password)\"",
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
            "--password or --password-hash; HTTP basic authentication).")
        String user;

        @Option(names = "--password", paramLabel = "PASSWORD", description = "Its password, at least 12 characters.")
        String password;

        @Option(names = "--password-hash", paramLabel = "BCRYPT", description = "Its password as a bcrypt hash " +
            "($2y$..., from ringtarget metrics hash-password or htpasswd -nBC 10 USER): the file does not hold " +
            "the password.")
        String passwordHash;

        @Option(names = "--no-auth", description = "No authentication again.")
        boolean noAuth;

        @Override
        RingtargetConfig edit(final RingtargetConfig current)
        {
            if (null == listen && null == certificate && null == key && !noTls && null == user && null == password &&
                null == passwordHash && !noAuth)
            {
                throw new IllegalArgumentException("nothing to set (see ringtarget metrics set --help)");
            }
            if ((null == certificate) != (null == key))
            {
                throw new IllegalArgumentException("--tls-certificate and --tls-key go together");
            }
            if (null != password && null != passwordHash)
            {
                throw new IllegalArgumentException("--password or --password-hash, not both");
            }
            if ((null == user) != (null == password && null == passwordHash))
            {
                throw new IllegalArgumentException("--user goes with --password or --password-hash");
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
                null == passwordHash ? new MetricsBasicAuthConfig(user, password) :
                MetricsBasicAuthConfig.hashed(user, passwordHash);
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

    @Command(name = "hash-password", description = "Reads a password (one line of standard input, or typed at the " +
        "terminal without echo) and prints its bcrypt hash, for metrics set --password-hash or the file's " +
        "metrics.basicAuth.passwordHash.",
        footer = { "", "Examples:", "  ringtarget metrics hash-password            # type the password, then Enter",
            "  ringtarget metrics set --user prometheus --password-hash \"$(ringtarget metrics hash-password " +
                "< /etc/prometheus/ringtarget.pass)\"" })
    static final class HashPassword implements Callable<Integer>
    {
        @Option(names = "--cost", paramLabel = "N", description = "bcrypt's cost, 4 to 31: each step doubles the " +
            "work of a check (default: ${DEFAULT-VALUE}).", defaultValue = "" + BcryptHash.DEFAULT_COST)
        int cost;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception
        {
            // From a terminal without echo (the prompt goes to the terminal, not to what $(...) captures).
            final java.io.Console console = System.console();
            final String line;
            if (null != console && console.isTerminal())
            {
                final char[] typed = console.readPassword("Password: ");
                line = null == typed ? null : new String(typed);
            }
            else
            {
                line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            }
            if (null == line || line.isEmpty())
            {
                throw new IllegalArgumentException("no password on standard input");
            }
            if (line.length() < MetricsBasicAuthConfig.MIN_PASSWORD_LENGTH)
            {
                throw new IllegalArgumentException("the password must have at least " +
                    MetricsBasicAuthConfig.MIN_PASSWORD_LENGTH + " characters");
            }
            spec.commandLine().getOut().println(BcryptHash.hash(line, cost));
            return ExitCodes.OK;
        }
    }
}
