package io.ringtarget.nativetests.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one boot of the kernel initiator guest did, read from its serial console.
 *
 * @param status      the exit status of the guest's /test/run (from its RT-GUEST-EXIT line), or -1 when the console
 *                    has no such line (the guest hung, panicked or was killed).
 * @param timedOut    true when the harness killed QEMU at the time limit.
 * @param hungAtPowerOff true when the script ended but the guest did not power off within a grace period, so the
 *                    harness killed QEMU (the script's status stands).
 * @param console     everything the guest wrote on its serial console.
 * @param consoleLog  where the console was saved (kept after the test, for a look when it fails).
 * @param wall        from starting QEMU to its exit, on the host's clock.
 * @param readyAt     seconds since the guest's boot when its script started (RT-GUEST-READY), or -1.
 * @param exitAt      seconds since the guest's boot when its script ended (RT-GUEST-EXIT), or -1.
 * @param boots       how many times the guest was booted for this run: 2 when a first boot never reached its script.
 */
public record GuestRun(int status, boolean timedOut, boolean hungAtPowerOff, String console, Path consoleLog,
                       Duration wall, double readyAt, double exitAt, int boots)
{
    /** The console line /init prints when the script has ended: "RT-GUEST-EXIT STATUS SECONDS". */
    static final String EXIT_MARKER = "RT-GUEST-EXIT ";

    /**
     * Reads a console.
     *
     * @param console    the console's text.
     * @param consoleLog where it is saved.
     * @param timedOut   whether QEMU was killed at the time limit.
     * @param hungAtPowerOff whether QEMU was killed because the guest did not power off after the script.
     * @param wall       QEMU's run time.
     * @param boots      which boot of the guest this was.
     * @return the run.
     */
    static GuestRun parse(final String console, final Path consoleLog, final boolean timedOut,
        final boolean hungAtPowerOff, final Duration wall, final int boots)
    {
        int status = -1;
        double ready = -1;
        double exit = -1;
        for (final String line : console.lines().toList())
        {
            final String[] w = line.strip().split("\\s+");
            if (w.length >= 2 && "RT-GUEST-READY".equals(w[0]))
            {
                ready = number(w[1]);
            }
            else if (w.length >= 3 && EXIT_MARKER.strip().equals(w[0]))
            {
                status = (int)number(w[1]);
                exit = number(w[2]);
            }
        }
        return new GuestRun(status, timedOut, hungAtPowerOff, console, consoleLog, wall, ready, exit, boots);
    }

    /**
     * @return true when the script ran to its end with status 0.
     */
    public boolean ok()
    {
        return 0 == status && !timedOut;
    }

    /**
     * The values the script reported with {@code rt_result KEY VALUE} (console lines {@code RT-RESULT KEY=VALUE});
     * a key reported twice keeps its last value.
     *
     * @return the values by key, in the order first seen.
     */
    public Map<String, String> results()
    {
        final Map<String, String> values = new LinkedHashMap<>();
        for (final String line : console.lines().toList())
        {
            final int at = line.indexOf("RT-RESULT ");
            if (at >= 0)
            {
                final String kv = line.substring(at + "RT-RESULT ".length()).strip();
                final int eq = kv.indexOf('=');
                if (eq > 0)
                {
                    values.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        return values;
    }

    /**
     * @param key a key the script reported with rt_result.
     * @return its value, or null when it did not report it.
     */
    public String result(final String key)
    {
        return results().get(key);
    }

    /**
     * @return the console lines that start with {@code prefix} (e.g. "RT-STEP", "RT-FAIL").
     */
    public List<String> lines(final String prefix)
    {
        return console.lines().filter(l -> l.startsWith(prefix)).toList();
    }

    /**
     * Prints, for the test's output: when the script ended, how long QEMU ran, the console log, the script's steps
     * and its results.
     *
     * @param test the test's name, the first word of the first line.
     */
    public void print(final String test)
    {
        System.out.println(test + ": script ended at " + exitAt + " s (guest clock), QEMU ran " +
            wall.toMillis() / 1000.0 + " s; console " + consoleLog);
        lines("RT-STEP").forEach(System.out::println);
        results().forEach((k, v) -> System.out.println("  " + k + " = " + v));
    }

    /**
     * A summary for assertion messages: status, timings and the console's last lines.
     *
     * @return the text.
     */
    public String describe()
    {
        final List<String> all = console.lines().toList();
        final List<String> tail = all.subList(Math.max(0, all.size() - 80), all.size());
        return "guest status " + status + (timedOut ? " (killed at the time limit)" : "") +
            (hungAtPowerOff ? " (did not power off: killed)" : "") + (boots > 1 ? " (boot " + boots + ")" : "") +
            ", script ready at " +
            readyAt + " s, ended at " + exitAt + " s of guest time, " + wall.toMillis() / 1000.0 + " s wall; console " +
            consoleLog + ", last lines:\n" + String.join("\n", tail);
    }

    private static double number(final String s)
    {
        try
        {
            return Double.parseDouble(s);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
