package io.ringtarget.server.cli;

import io.ringtarget.iscsi.log.EventLog;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static io.ringtarget.server.cli.CliRunner.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --log-level} of serve and demo: the four names in either case, anything else refused before a target starts.
 * That a target then logs at that level: native-tests' LogLevelTest.
 */
class LogLevelOptionTest
{
    @Test
    void theFourLevelsInEitherCase()
    {
        final LogLevelOption.LevelConverter converter = new LogLevelOption.LevelConverter();
        assertEquals(EventLog.Level.DEBUG, converter.convert("debug"));
        assertEquals(EventLog.Level.INFO, converter.convert("Info"));
        assertEquals(EventLog.Level.WARN, converter.convert("WARN"));
        assertEquals(EventLog.Level.ERROR, converter.convert("error"));
        assertThrows(picocli.CommandLine.TypeConversionException.class, () -> converter.convert("warning"));
    }

    @Test
    void anUnknownLevelIsRefusedWithTheChoices()
    {
        for (final String command : new String[]{ "demo", "serve" })
        {
            final CliRunner.Result bad = run(command, "--log-level", "loud");
            assertEquals(ExitCodes.INVALID, bad.exitCode(), bad::toString);
            assertTrue(bad.err().contains("\"loud\" is not a log level: debug, info, warn or error"), bad.err());
        }
        final CliRunner.Result ok = run("demo", "--dry-run", "--log-level", "warn");
        assertEquals(0, ok.exitCode(), ok::toString);
    }

    @Test
    void aLogWritesItsThresholdAndAbove()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (EventLog log = new EventLog(new PrintStream(bytes, true), false, EventLog.Level.WARN))
        {
            assertEquals(EventLog.Level.WARN, log.threshold());
            log.info("login", "left out");
            log.warn("connection", "written");
        }
        final String out = bytes.toString();
        assertFalse(out.contains("left out"), out);
        assertTrue(out.contains(" WARN  connection: written"), out);
    }
}
