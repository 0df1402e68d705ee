package io.ringtarget.server.cli;

import io.ringtarget.server.config.ConfigEditor;
import io.ringtarget.server.config.LunConfig;
import io.ringtarget.server.config.RingtargetConfig;
import io.ringtarget.server.edit.BatchLines;
import io.ringtarget.server.edit.EditOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EditBatch}: one command tree parses every line, and an option given on one line is not carried to the next
 * (picocli resets them before each parse); only editing commands run, never with options of the whole run.
 */
class EditBatchTest
{
    private static final String T = "iqn.2026-04.com.example:batch";

    private static RingtargetConfig base()
    {
        return ConfigEditor.addTarget(ConfigEditor.addBackstore(ConfigEditor.addBackstore(
                io.ringtarget.server.config.ConfigDefaults.empty(),
                new io.ringtarget.server.config.BackstoreConfig("r1", "ram", null, 1L << 20, 512, true, false, "s1",
                    "3000000000000051")),
                new io.ringtarget.server.config.BackstoreConfig("r2", "ram", null, 1L << 20, 512, true, false, "s2",
                    "3000000000000052")),
            T).withStateDirectory(null);
    }

    @Test
    void anOptionOfOneLineIsNotCarriedToTheNext()
    {
        final EditOutcome outcome = new EditBatch().run(base(), BatchLines.parse(
            "iscsi tpg luns create " + T + " r1 --lun 5 --read-only\n" +
            "iscsi tpg luns create " + T + " r2\n"));
        assertNull(outcome.failure(), () -> outcome.failure().toString());
        assertEquals(List.of(new LunConfig(5, "r1", true), new LunConfig(0, "r2", false)),
            ConfigEditor.tpg(ConfigEditor.target(outcome.config(), T), 1).luns());
        assertEquals(List.of("Created LUN 5 (r1, read-only).", "Created LUN 0 (r2)."), outcome.output());
    }

    @Test
    void onlyEditingCommandsRunAndWithoutTheRunsOptions()
    {
        for (final String line : List.of("iscsi ls", "serve", "sessions", "backstores ram create r3 1M -c /x.json",
            "backstores ram create r3 1M --admin-socket /x.sock", "backstores ram create --help"))
        {
            final EditOutcome outcome = new EditBatch().run(base(), BatchLines.parse(line));
            assertEquals(0, outcome.applied(), line);
            assertEquals(2, outcome.failure().exitCode(), line);
            assertTrue(outcome.failure().message().contains("batch") || outcome.failure().message().contains("line"),
                line + ": " + outcome.failure());
        }
        final EditOutcome unknown = new EditBatch().run(base(), BatchLines.parse("backstores frobnicate"));
        assertEquals(2, unknown.failure().exitCode());
    }

    @Test
    void anEditThatAddsNothingInvalidIsAppliedAndAFailingLineKeepsThoseBefore()
    {
        final RingtargetConfig base = base();
        final EditOutcome outcome = new EditBatch().run(base, BatchLines.parse(
            "backstores ram create r3 1M\nbackstores ram create r3 1M\nbackstores ram create r4 1M\n"));
        assertEquals(1, outcome.applied());
        assertEquals(2, outcome.failure().line());
        assertEquals("a backstore named \"r3\" exists already", outcome.failure().message());
        assertEquals(3, outcome.config().backstores().size());
        assertSame(outcome.prefixes().getFirst(), outcome.config());
    }
}
