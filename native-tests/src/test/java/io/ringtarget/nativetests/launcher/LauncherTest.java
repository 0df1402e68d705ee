package io.ringtarget.nativetests.launcher;

import io.ringtarget.nativetests.support.Ports;
import io.ringtarget.nativetests.support.Tools;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code ./ringtarget} launcher as a user runs it, in real processes: on a copy of the launcher, bin/ and the
 * built jar in a temporary directory (so that the checkout's own build output is left alone): the start-up cache is
 * made once and used, a cache the JVM cannot use leaves no trace in the output, {@code -c} stands anywhere, the
 * build says what it does and Maven's output has no escape codes, the target's JVM gets the environment and the
 * heap options of bin/jvm-env.sh (glibc's non-temporal copies, a heap floor), and a rebuild does not pull the jar
 * from under a running target.
 */
class LauncherTest
{
    private static final Path ROOT = Tools.repoRoot();
    private static final String CACHE_MESSAGE = "ringtarget: preparing the start-up cache";

    @TempDir
    Path tree;

    Path launcher;
    Path jar;
    Path cache;

    @BeforeEach
    void copyTheLauncherAndTheJar() throws IOException
    {
        final Path built = ROOT.resolve("server/target/ringtarget.jar");
        assertTrue(Files.isRegularFile(built), "the server module is packaged before native-tests: " + built);
        launcher = copy(ROOT.resolve("ringtarget"), tree.resolve("ringtarget"));
        copy(ROOT.resolve("bin/find-jdk.sh"), tree.resolve("bin/find-jdk.sh"));
        copy(ROOT.resolve("bin/jvm-env.sh"), tree.resolve("bin/jvm-env.sh"));
        jar = tree.resolve("server/target/ringtarget.jar");
        cache = tree.resolve("server/target/ringtarget.aot");
    }

    @Test
    void theCacheIsMadeOnceAndEveryCommandStartsWithIt() throws Exception
    {
        copy(ROOT.resolve("server/target/ringtarget.jar"), jar);

        final Run first = run(Map.of(), "-V");
        assertEquals(0, first.exitCode(), first::toString);
        assertTrue(first.err().startsWith(CACHE_MESSAGE), first::toString);
        assertTrue(first.out().lines().findFirst().orElse("").matches("ringtarget \\S+ \\(commit \\S+\\)"), first::toString);
        assertTrue(Files.size(cache) > 1 << 20, "cache written");

        final Path config = tree.resolve("etc/saveconfig.json");
        final Run create = run(Map.of(), "-c", config.toString(), "backstores", "ram", "create", "r1", "1M");
        // No cache message: made once. The edit says where it went (no target serves the file).
        assertEquals(new Run(0, "Created ram backstore r1 with size 1MiB.\n", "ringtarget: saved in " + config +
            " (no running target serves it: it applies when one starts)\n"), create, "made once, no message");

        final Path classLog = tree.resolve("classes.log");
        final Run list = run(Map.of("RINGTARGET_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog),
            "backstores", "ls", "-c", config.toString());
        assertEquals(new Run(0, "r1  [ram (1MiB) 512B blocks write-thru huge-pages]  (not used)\n", ""), list);
        final long shared = Files.readAllLines(classLog).stream().filter(l -> l.contains("shared objects file")).count();
        assertTrue(shared > 1000, "classes from the cache: " + shared);
    }

    @Test
    void aCacheTheJvmRefusesLeavesNoTraceAndAStaleOneIsRemade() throws Exception
    {
        copy(ROOT.resolve("server/target/ringtarget.jar"), jar);
        assertEquals(0, run(Map.of(), "-V").exitCode());

        // Looks fit to the launcher (newer than the jar, this JDK) but is not a cache: the JVM says so on stdout
        // unless told not to, and starts without it.
        Files.writeString(cache, "not an AOT cache");
        final Run refused = run(Map.of(), "config", "schema");
        assertEquals(0, refused.exitCode(), refused::toString);
        assertTrue(refused.out().startsWith("{"), refused::toString);
        assertFalse(refused.out().contains("[aot]") || refused.out().contains("[cds]"), refused::toString);
        assertEquals("", refused.err());

        // A new jar: the cache is older, so the launcher makes it again before the command.
        Files.setLastModifiedTime(cache, FileTime.from(Files.getLastModifiedTime(jar).toInstant().minusSeconds(10)));
        final Run remade = run(Map.of(), "-V");
        assertEquals(0, remade.exitCode(), remade::toString);
        assertTrue(remade.err().startsWith(CACHE_MESSAGE), remade::toString);
        assertTrue(Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) > 0);
    }

    @Test
    void theFirstBuildSaysSoAndMavensOutputHasNoEscapeCodes() throws Exception
    {
        // A stand-in for mvn: records what the launcher gives it and "builds" the jar by copying the real one.
        final Path bin = Files.createDirectories(tree.resolve("fake-bin"));
        final Path seen = tree.resolve("maven-opts.txt");
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\nprintf '%s' \"$MAVEN_OPTS\" > '" + seen + "'\n" +
            "mkdir -p '" + jar.getParent() + "' && cp '" + ROOT.resolve("server/target/ringtarget.jar") + "' '" + jar + "'\n");
        Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwxr-xr-x"));

        final Run first = run(Map.of("PATH", bin + ":" + System.getenv("PATH")), "-V");

        assertEquals(0, first.exitCode(), first::toString);
        assertTrue(first.err().startsWith("ringtarget: building (first run, about a minute)...\n"), first::toString);
        final String mavenOpts = Files.readString(seen);

        // The real Maven, with those options, on a project with nothing to download: not one ESC byte.
        final Path project = Files.createDirectories(tree.resolve("tiny"));
        Files.writeString(project.resolve("pom.xml"), """
            <project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
              <groupId>t</groupId><artifactId>t</artifactId><version>1</version><packaging>pom</packaging>
            </project>
            """);
        final Run maven = exec(Map.of("MAVEN_OPTS", mavenOpts), List.of("mvn", "-B", "-q", "-o", "--no-transfer-progress",
            "-f", project.resolve("pom.xml").toString(), "validate"));
        assertEquals(0, maven.exitCode(), maven::toString);
        assertFalse((maven.out() + maven.err()).contains("\u001b"), maven::toString);
    }

    @Test
    void minusCBeforeTheCommandThroughTheLauncher() throws Exception
    {
        copy(ROOT.resolve("server/target/ringtarget.jar"), jar);
        final Path config = tree.resolve("c.json");

        assertEquals(0, run(Map.of(), "-c", config.toString(), "iscsi", "create", "iqn.2026-04.com.example:t1").exitCode());
        final Run list = run(Map.of(), "-c", config.toString(), "iscsi", "ls");

        assertEquals(0, list.exitCode(), list::toString);
        assertEquals("iqn.2026-04.com.example:t1  tpg1: 0 portals, 0 LUNs, 0 ACLs\n", list.out());
    }

    @Test
    void theTargetsJvmRunsWithGlibcsNonTemporalCopiesAndTheCallersTunablesKept() throws Exception
    {
        copy(ROOT.resolve("server/target/ringtarget.jar"), jar);
        final String nonTemporal = "glibc.cpu.x86_non_temporal_threshold=0x8000";
        final String noRepMovsb = "glibc.cpu.x86_rep_movsb_threshold=0x100000000";
        final String tunables = nonTemporal + ":" + noRepMovsb;

        // The JVM the launcher execs for a target (the same process), its environment as the kernel holds it.
        final int port = Ports.free();
        final Path out = tree.resolve("demo.txt");
        final Process demo = startDemo(port, out, Map.of("GLIBC_TUNABLES", "glibc.malloc.arena_max=4"));
        try
        {
            awaitListening(port, demo, out);
            // glibc may parse the variable in place when the process starts, leaving a NUL where each ':' was.
            final String environ = Files.readString(Path.of("/proc/" + demo.pid() + "/environ"));
            final String expected = "GLIBC_TUNABLES=glibc.malloc.arena_max=4:" + tunables;
            assertTrue(environ.contains("\0" + expected + "\0") ||
                environ.contains("\0" + expected.replace(':', '\0') + "\0"), environ.replace('\0', '\n'));
        }
        finally
        {
            stop(demo);
        }

        // Without tunables of the caller's it sets just its own; a threshold of the caller's is left as it is, and
        // only the tunable the caller did not set is added.
        final List<String> print = List.of("bash", "-c",
            "source \"$1\" && ringtarget_jvm_env && printf %s \"$GLIBC_TUNABLES\"", "bash",
            tree.resolve("bin/jvm-env.sh").toString());
        assertEquals(new Run(0, tunables, ""), exec(Map.of("GLIBC_TUNABLES", ""), print));
        final String own = "glibc.cpu.x86_non_temporal_threshold=0x100000:glibc.malloc.arena_max=2";
        assertEquals(new Run(0, own + ":" + noRepMovsb, ""), exec(Map.of("GLIBC_TUNABLES", own), print));
        final String ownRepMovsb = "glibc.cpu.x86_rep_movsb_threshold=0x800";
        assertEquals(new Run(0, ownRepMovsb + ":" + nonTemporal, ""),
            exec(Map.of("GLIBC_TUNABLES", ownRepMovsb), print));
    }

    @Test
    void theTargetsHeapKeepsItsFloorThroughAFullCollectionAndTheCallersOptionsWin() throws Exception
    {
        copy(ROOT.resolve("server/target/ringtarget.jar"), jar);
        final int port = Ports.free();
        final Path out = tree.resolve("demo.txt");
        final Process demo = startDemo(port, out, Map.of("RINGTARGET_JAVA_OPTS", "-XX:MetaspaceSize=96m"));
        try
        {
            awaitListening(port, demo, out);
            final Run flags = jcmd(demo, "VM.flags");
            assertTrue(flags.out().contains("-XX:MinHeapSize=268435456"), flags::toString);   // bin/jvm-env.sh's
            assertTrue(flags.out().contains("-XX:MetaspaceSize=100663296"), flags::toString); // the caller's 96m

            // A full collection, as one ends a concurrent cycle (which crossing the class metadata threshold starts),
            // shrinks a heap to what is live, about 8 MB here: this one stays at its floor, and its eden with it.
            assertEquals(0, jcmd(demo, "GC.run").exitCode());
            final Run heap = jcmd(demo, "GC.heap_info");
            final Matcher committed = Pattern.compile("committed (\\d+)K").matcher(heap.out());
            assertTrue(committed.find(), heap::toString);
            assertTrue(Long.parseLong(committed.group(1)) >= 256 * 1024, heap::toString);
        }
        finally
        {
            stop(demo);
        }
    }

    @Test
    void theTargetCollectsItsStartUpsGarbageOnceBeforeItSaysItServes() throws Exception
    {
        copy(ROOT.resolve("server/target/ringtarget.jar"), jar);
        final int port = Ports.free();
        final Path out = tree.resolve("demo.txt");
        final Process demo = startDemo(port, out, Map.of());
        try
        {
            awaitListening(port, demo, out);
            // "Stop with Ctrl-C." comes after the collection (and READY=1 under systemd after both).
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!read(out).contains("Stop with Ctrl-C.") && System.nanoTime() < deadline)
            {
                Thread.sleep(50);
            }
            final Run counters = jcmd(demo, "PerfCounter.print");
            assertTrue(counters.out().contains("sun.gc.collector.1.name=\"G1 full collection pauses\""),
                counters::toString);
            // The start-up's objects are in the old generation: young pauses no longer copy them (docs/benchmarks.md,
            // 2026-12-07 16:29). Without the collection a target that has just started has had no full one.
            assertTrue(counters.out().contains("sun.gc.collector.1.invocations=1\n"), counters::toString);
        }
        finally
        {
            stop(demo);
        }
    }

    @Test
    void aRebuildLeavesATargetRunningFromTheOldJarServing() throws Exception
    {
        copy(ROOT.resolve("server/target/ringtarget.jar"), jar);
        final Path inq = Tools.require("iscsi-inq");
        // A stand-in for mvn that writes its jar in place, as the shade plugin does: into the file the launcher finds
        // at the jar's path, truncating it (here with bytes that are no jar at all, as a new build's differ).
        final Path bin = Files.createDirectories(tree.resolve("fake-bin"));
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\nhead -c 1048576 /dev/zero > '" + jar + "'\n");
        Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwxr-xr-x"));

        final int port = Ports.free();
        final Path out = tree.resolve("demo.txt");
        final Process demo = startDemo(port, out, Map.of());
        try
        {
            awaitListening(port, demo, out);
            final Run build = run(Map.of("PATH", bin + ":" + System.getenv("PATH")), "build");
            assertEquals(0, build.exitCode(), build::toString);
            assertEquals(1048576, Files.size(jar), "the stand-in built its jar");

            // The running target loads the login's classes only now, from the jar it opened at start.
            final Run inquiry = exec(Map.of(), List.of(inq.toString(),
                Tools.iscsiUrl(port, "iqn.2026-11.io.ringtarget:demo", 0)));
            assertEquals(0, inquiry.exitCode(), () -> inquiry + "\n" + read(out));
            assertTrue(inquiry.out().contains("RINGTGT"), inquiry::toString);
        }
        finally
        {
            stop(demo);
        }
        final String log = read(out);
        assertFalse(log.contains("NoClassDefFoundError") || log.contains("ClassNotFoundException") ||
            log.contains("ZipException"), log);
    }

    /** {@code ./ringtarget demo} on 127.0.0.1:port (a 16 MiB LUN, no metrics), its output in out, env added. */
    private Process startDemo(final int port, final Path out, final Map<String, String> env) throws IOException
    {
        final ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "demo", "--portal", "127.0.0.1:" + port,
            "--size", "16M", "--metrics", "off").redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    /** jcmd against a demo's JVM: the launcher execs it, so it is the demo's own process. */
    private Run jcmd(final Process demo, final String command) throws IOException, InterruptedException
    {
        final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return exec(Map.of(), List.of(jcmd.toString(), Long.toString(demo.pid()), command));
    }

    private static void stop(final Process demo) throws InterruptedException
    {
        demo.destroy();
        if (!demo.waitFor(30, TimeUnit.SECONDS))
        {
            demo.destroyForcibly();
        }
    }

    private static void awaitListening(final int port, final Process demo, final Path out) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);   // the first start makes the cache
        while (System.nanoTime() < deadline)
        {
            assertTrue(demo.isAlive(), () -> "the demo exited: " + read(out));
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            }
            catch (final IOException notYet)
            {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("the demo does not listen on 127.0.0.1:" + port + ": " + read(out));
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }

    record Run(int exitCode, String out, String err)
    {
    }

    private Run run(final Map<String, String> env, final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(launcher.toString()));
        command.addAll(List.of(args));
        return exec(env, command);
    }

    private Run exec(final Map<String, String> env, final List<String> command) throws IOException, InterruptedException
    {
        final Path out = Files.createTempFile(tree, "out", ".txt");
        final Path err = Files.createTempFile(tree, "err", ".txt");
        final ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // Not the test JVM's default configuration file, whatever the command.
        builder.environment().put("RINGTARGET_CONFIG", tree.resolve("default.json").toString());
        builder.environment().putAll(env);
        final Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES))
        {
            process.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Path copy(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to.getParent());
        return Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }
}
