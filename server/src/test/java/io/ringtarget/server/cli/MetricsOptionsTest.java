package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigFiles;
import io.ringtarget.server.config.ConfigProblem;
import io.ringtarget.server.config.ConfigValidator;
import io.ringtarget.server.config.MetricsConfig;
import io.ringtarget.server.config.RingtargetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.ringtarget.server.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics endpoint in the file ({@code metrics.listen}) and on the command line ({@code --metrics}). */
class MetricsOptionsTest
{
    @TempDir
    Path dir;

    @Test
    void theSectionIsOptionalAndListenDefaultsToOff() throws IOException
    {
        assertNull(ConfigFiles.parse("{}", "empty").metrics(), "no section: no endpoint, and none written back");
        assertFalse(ConfigFiles.toJson(ConfigFiles.parse("{}", "empty")).contains("metrics"));
        final RingtargetConfig empty = ConfigFiles.parse("{\"metrics\": {}}", "empty section");
        assertEquals(new MetricsConfig("off"), empty.metrics());
        assertFalse(empty.metrics().enabled());
        assertTrue(ConfigFiles.parse("{\"metrics\": {\"listen\": \"0.0.0.0:9287\"}}", "on").metrics().enabled());
    }

    @Test
    void listenIsAnAddressAndAPortOrOff() throws IOException
    {
        assertEquals("metrics.listen: 99999 is not a TCP port (1..65535)", problem("127.0.0.1:99999"));
        assertTrue(problem("localhost:9287").startsWith("metrics.listen: "), problem("localhost:9287"));
        assertTrue(problem("127.0.0.1").startsWith("metrics.listen: "), problem("127.0.0.1"));
        assertEquals("", problem("[::1]:9287"));
        assertEquals("", problem("off"));
        assertTrue(problem("OFF").startsWith("metrics.listen: \"OFF\" is not a metrics address"), problem("OFF"));
    }

    private static String problem(final String listen) throws IOException
    {
        final RingtargetConfig c = ConfigFiles.parse("{\"metrics\": {\"listen\": \"" + listen + "\"}}", "t");
        return String.join("; ", ConfigValidator.validate(c).stream().filter(ConfigProblem::isError)
            .map(p -> p.path() + ": " + p.message()).toList());
    }

    @Test
    void demoServesMetricsOnItsOwnPortUnlessTold()
    {
        final CliRunner.Result standard = run("demo", "--dry-run");
        assertEquals(0, standard.exitCode(), standard::toString);
        assertTrue(standard.out().contains("\"listen\" : \"127.0.0.1:9287\""), standard.out());
        assertTrue(standard.out().contains("  metrics:     curl http://127.0.0.1:9287/metrics"), standard.out());
        final CliRunner.Result off = run("demo", "--dry-run", "--metrics", "off");
        assertTrue(off.out().contains("\"listen\" : \"off\""), off.out());
        assertFalse(off.out().contains("curl"), off.out());
        final CliRunner.Result bad = run("demo", "--dry-run", "--metrics", "9287");
        assertEquals(ExitCodes.INVALID, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains("metrics.listen: \"9287\" is not a metrics address: HOST:PORT"), bad.err());
    }

    @Test
    void configShowSaysWhereTheEndpointListens() throws IOException
    {
        final Path file = dir.resolve("saveconfig.json");
        Files.writeString(file, "{\"metrics\": {\"listen\": \"127.0.0.1:9287\"}}");
        final CliRunner.Result on = run("config", "show", "--config", file.toString());
        assertEquals(0, on.exitCode(), on::toString);
        assertTrue(on.out().contains("\n  o- metrics .") && on.out().contains(". [listen 127.0.0.1:9287]\n"), on.out());
        Files.writeString(file, "{}");
        final CliRunner.Result off = run("config", "show", "--config", file.toString());
        assertTrue(off.out().contains("\n  o- metrics .") && off.out().contains(". [off]\n"), off.out());
    }

    @Test
    void serveTakesTheOptionOverTheFile() throws IOException
    {
        final Path file = dir.resolve("saveconfig.json");
        Files.writeString(file, "{\"metrics\": {\"listen\": \"127.0.0.1:1\"}, \"engine\": {\"loops\": 1}}");
        final CliRunner.Result bad = run("serve", "--config", file.toString(), "--metrics", "127.0.0.1:70000");
        assertEquals(ExitCodes.INVALID, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains("metrics.listen: 70000 is not a TCP port"), bad.err());
    }
}
