package io.ringtarget.nativetests.peers;

import io.ringtarget.nativetests.support.ExternalProcess;
import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bench/scripts/conformance.sh (libiscsi's iscsi-test-cu plus the summary parser) against tgt, whose results
 * are known (docs/conformance.md): a suite tgt passes, a suite with one failure and one skip, and a target that
 * is not there. The same script is what runs the suite against ringtarget.
 */
@Timeout(300)
class ConformanceScriptTest
{
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(240);
    private static final Pattern COUNTS =
        Pattern.compile("^total=(\\d+) passed=(\\d+) failed=(\\d+) skipped=(\\d+)$", Pattern.MULTILINE);

    @TempDir
    static Path dir;

    private static TgtTarget tgt;

    @BeforeAll
    static void start() throws IOException
    {
        Tools.requireRoot();
        Tools.require("iscsi-test-cu");
        Tools.require("python3");
        final Path disk = dir.resolve("disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw"))
        {
            f.setLength(64L << 20);
        }
        tgt = TgtTarget.start(dir, disk, false);
    }

    @AfterAll
    static void stop()
    {
        if (null != tgt)
        {
            tgt.close();
        }
    }

    @Test
    void aSuiteThatPassesIsCountedAsPassed() throws IOException
    {
        final Path out = dir.resolve("read10");
        final ExternalProcess.Result r = conformance(out, "ALL.Read10", tgt.url());
        assertTrue(r.ok(), r.output());
        final int[] counts = counts(out);
        assertTrue(counts[0] >= 5, "Read10 has at least 5 tests: " + summary(out));
        assertEquals(counts[0], counts[1], summary(out));
        assertEquals(0, counts[2], summary(out));
        assertEquals(0, counts[3], summary(out));
    }

    @Test
    void failuresAndSkipsAreNamed() throws IOException
    {
        final Path out = dir.resolve("lbastatus");
        final ExternalProcess.Result r = conformance(out, "ALL.GetLBAStatus", tgt.url());
        assertTrue(r.ok(), r.output());
        // tgt answers GET LBA STATUS beyond the last LBA, and its fully provisioned LUN skips the unmap test.
        final List<String> lines = Files.readAllLines(out.resolve("summary.txt"), StandardCharsets.UTF_8);
        assertTrue(lines.contains("FAILED GetLBAStatus.BeyondEol"), String.join("\n", lines));
        assertTrue(lines.contains("SKIPPED GetLBAStatus.UnmapSingle"), String.join("\n", lines));
        final int[] counts = counts(out);
        assertEquals(1, counts[2], summary(out));
        assertEquals(1, counts[3], summary(out));
        assertEquals(counts[0], counts[1] + counts[2] + counts[3], summary(out));
        final String json = Files.readString(out.resolve("summary.json"), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"GetLBAStatus.BeyondEol\""), json);
        // failures.txt: what the failed test printed (here libiscsi's own [FAILED] line), and nothing of the others.
        final String failures = Files.readString(out.resolve("failures.txt"), StandardCharsets.UTF_8);
        assertTrue(failures.startsWith("== GetLBAStatus.BeyondEol\n") && failures.contains("[FAILED]"), failures);
        assertFalse(failures.contains("UnmapSingle"), failures);
    }

    @Test
    void aTargetThatIsNotThereIsAnError()
    {
        final int nobody = Ports.free();
        final ExternalProcess.Result r = conformance(dir.resolve("nobody"), "ALL.Read10",
            Tools.iscsiUrl(nobody, TgtTarget.IQN, TgtTarget.LUN));
        assertEquals(2, r.exitCode(), r.output());
    }

    private static ExternalProcess.Result conformance(final Path out, final String tests, final String url)
    {
        final Path script = Tools.repoRoot().resolve("bench/scripts/conformance.sh");
        return ExternalProcess.run(SCRIPT_TIMEOUT, "bash", script.toString(), "-o", out.toString(), "-t", tests,
            "--timeout", "200", url);
    }

    /** total, passed, failed, skipped from the first line of summary.txt. */
    private static int[] counts(final Path out) throws IOException
    {
        final String text = summary(out);
        final Matcher m = COUNTS.matcher(text);
        assertTrue(m.find(), text);
        return new int[]{ Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
            Integer.parseInt(m.group(4)) };
    }

    private static String summary(final Path out)
    {
        try
        {
            return Files.readString(out.resolve("summary.txt"), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return "(no summary.txt: " + ex + ")";
        }
    }
}
