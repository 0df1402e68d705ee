package io.ringtarget.nativetests.idle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The event loop threads of a target running in this process, found by name ({@code ringtarget-N}) in
 * /proc/self/task, and what the kernel counts for them: voluntary context switches (each park that ended, each
 * wake-up) and CPU time.
 */
final class LoopThreads
{
    private static final String PREFIX = "ringtarget-";
    /** USER_HZ, as /proc/PID/task/TID/stat counts utime and stime (100 on Linux since long ago). */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private LoopThreads()
    {
    }

    /** The ids of this process's threads now named like event loops. */
    static Set<String> ids() throws IOException
    {
        final Set<String> ids = new HashSet<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                final String comm = read(task.resolve("comm")).strip();
                if (comm.startsWith(PREFIX) && comm.substring(PREFIX.length()).chars().allMatch(Character::isDigit))
                {
                    ids.add(task.getFileName().toString());
                }
            }
        }
        return ids;
    }

    /** voluntary_ctxt_switches of each thread. */
    static Map<String, Long> voluntarySwitches(final Set<String> ids) throws IOException
    {
        final Map<String, Long> switches = new HashMap<>();
        for (final String id : ids)
        {
            for (final String line : read(Path.of("/proc/self/task", id, "status")).split("\n"))
            {
                if (line.startsWith("voluntary_ctxt_switches:"))
                {
                    switches.put(id, Long.parseLong(line.substring(line.indexOf(':') + 1).strip()));
                }
            }
        }
        return switches;
    }

    /** User plus system CPU time of all the threads, in milliseconds. */
    static long cpuMillis(final Set<String> ids) throws IOException
    {
        long ticks = 0;
        for (final String id : ids)
        {
            final String stat = read(Path.of("/proc/self/task", id, "stat"));
            // Fields after the command (in parentheses, which may hold spaces): state is field 3, utime 14, stime 15.
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
    }

    /** User plus system CPU time of this whole process, in milliseconds. */
    static long processCpuMillis() throws IOException
    {
        final String stat = read(Path.of("/proc/self/stat"));
        final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / CLOCK_TICKS_PER_SECOND;
    }

    static long residentBytes() throws IOException
    {
        for (final String line : read(Path.of("/proc/self/status")).split("\n"))
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    private static String read(final Path path) throws IOException
    {
        return Files.readString(path);
    }
}
