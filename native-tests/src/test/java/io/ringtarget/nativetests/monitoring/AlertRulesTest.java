package io.ringtarget.nativetests.monitoring;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Tools;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alert rules and the example Prometheus configuration in monitoring/prometheus, checked and unit-tested by
 * Debian's promtool: {@code check rules}, {@code test rules} (each alert firing on a series made for it, and not on
 * its near misses), {@code check config}.
 */
class AlertRulesTest
{
    private static final Path DIR = Tools.repoRoot().resolve("monitoring/prometheus");

    private static ExternalProcess.Result promtool(final String... args)
    {
        final String[] command = new String[args.length + 1];
        command[0] = Tools.require("promtool").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        return ExternalProcess.run(Duration.ofSeconds(60), command);
    }

    @Test
    void rulesAreValid() throws java.io.IOException
    {
        final ExternalProcess.Result r = promtool("check", "rules", DIR.resolve("ringtarget-rules.yml").toString());
        assertEquals(0, r.exitCode(), r.output());
        final long shipped = java.nio.file.Files.readAllLines(DIR.resolve("ringtarget-rules.yml")).stream()
            .filter(l -> l.matches("\\s*- (alert|record):.*")).count();
        assertTrue(shipped >= 20, "the rule file's rules: " + shipped);
        assertTrue(r.output().contains("SUCCESS: " + shipped + " rules found"), r.output());
    }

    @Test
    void rulesPassTheirUnitTests()
    {
        final ExternalProcess.Result r = promtool("test", "rules", DIR.resolve("ringtarget-rules.test.yml").toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("SUCCESS"), r.output());
    }

    @Test
    void theExampleConfigurationLoadsTheRules()
    {
        final ExternalProcess.Result r = promtool("check", "config", DIR.resolve("prometheus.yml").toString());
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("SUCCESS: 1 rule files found"), r.output());
    }
}
