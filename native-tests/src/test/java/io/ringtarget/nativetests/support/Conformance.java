package io.ringtarget.nativetests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** libiscsi's conformance suite through bench/scripts/conformance.sh, and the summary it writes. */
public final class Conformance
{
    private Conformance()
    {
    }

    /**
     * summary.txt: its first line's counts, then one line per failed or skipped test; and failures.txt: what each
     * failed test printed, and a signal that killed iscsi-test-cu.
     */
    public record Summary(int total, int passed, int failed, int skipped, String text, String failures)
    {
        /** The summary and, when a test failed or the suite was killed, what it printed: for assertion messages. */
        public String report()
        {
            return failures.isBlank() ? text : text + "\n" + failures;
        }

        /** The tests of a verdict, "Suite.Test" as the summary's FAILED and SKIPPED lines name them. */
        public Set<String> tests(final String verdict)
        {
            final Set<String> tests = new TreeSet<>();
            text.lines().filter(l -> l.startsWith(verdict + " "))
                .forEach(l -> tests.add(l.substring(verdict.length() + 1).strip()));
            return tests;
        }

        /** The failed and the skipped tests. */
        public Set<String> notPassed()
        {
            final Set<String> tests = tests("FAILED");
            tests.addAll(tests("SKIPPED"));
            return tests;
        }

        /** The counts line. */
        public String counts()
        {
            return text.lines().findFirst().orElse("");
        }

        static Summary read(final Path file) throws IOException
        {
            final String text = Files.readString(file);
            final String first = text.lines().findFirst().orElseThrow();
            int total = -1;
            int passed = -1;
            int failed = -1;
            int skipped = -1;
            for (final String field : first.split(" "))
            {
                final String[] kv = field.split("=");
                switch (kv[0])
                {
                    case "total" -> total = Integer.parseInt(kv[1]);
                    case "passed" -> passed = Integer.parseInt(kv[1]);
                    case "failed" -> failed = Integer.parseInt(kv[1]);
                    case "skipped" -> skipped = Integer.parseInt(kv[1]);
                    default ->
                    {
                    }
                }
            }
            final Path failures = file.resolveSibling("failures.txt");
            return new Summary(total, passed, failed, skipped, text,
                Files.exists(failures) ? Files.readString(failures) : "");
        }
    }

    /**
     * Runs iscsi-test-cu -d (through bench/scripts/conformance.sh) and reads its summary; the script must have run.
     *
     * @param out        the script's output directory (iscsi-test-cu.log, summary.txt).
     * @param tests      iscsi-test-cu's -t (ALL, FAMILY.SUITE, ...).
     * @param url        the LUN, overwritten.
     * @param secondPath a second path to the same LUN (MultipathIO), or null.
     * @return the summary.
     */
    public static Summary run(final Path out, final String tests, final String url, final String secondPath)
        throws IOException
    {
        return run(out, tests, url, secondPath, false);
    }

    /** As {@link #run(Path, String, String, String)}; {@code sanitize} also runs the SANITIZE tests (-S). */
    public static Summary run(
        final Path out, final String tests, final String url, final String secondPath, final boolean sanitize)
        throws IOException
    {
        final List<String> command = new ArrayList<>(List.of("bash",
            Tools.repoRoot().resolve("bench/scripts/conformance.sh").toString(), "-o", out.toString(), "-t", tests));
        if (sanitize)
        {
            command.add("-S");
        }
        command.add(url);
        if (null != secondPath)
        {
            command.add(secondPath);
        }
        final ExternalProcess.Result r = ExternalProcess.run(Duration.ofSeconds(400), command.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        return Summary.read(out.resolve("summary.txt"));
    }
}
