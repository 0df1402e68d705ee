package io.ringtarget.ring;

import io.ringtarget.ffi.Libc;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fixed-buffer registration under a 64 KiB RLIMIT_MEMLOCK without CAP_IPC_LOCK (root would bypass the limit):
 * a child JVM run through prlimit + setpriv must log the refusal and still do its I/O unregistered.
 */
class MemlockFallbackTest
{
    @Test
    void poolFallsBackToUnregisteredIoWhenMemlockIsTooSmall() throws Exception
    {
        final boolean tools = Files.isExecutable(Path.of("/usr/bin/prlimit")) && Files.isExecutable(Path.of("/usr/bin/setpriv"));
        final boolean root = Libc.getpid() > 0 && "root".equals(System.getProperty("user.name"));
        if (!"true".equals(System.getenv("CI")))
        {
            Assumptions.assumeTrue(tools && root, "needs root, prlimit and setpriv (util-linux)");
        }
        final Path file = Files.createTempFile(Path.of("/var/tmp"), "ringtarget-memlock", ".img");
        try
        {
            final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            final List<String> cmd = List.of(
                "/usr/bin/prlimit", "--memlock=65536:65536",
                "/usr/bin/setpriv", "--inh-caps=-ipc_lock", "--bounding-set=-ipc_lock", "--",
                java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                MemlockProbeMain.class.getName(), file.toString());
            final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            final byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child finished");
            final String text = new String(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), text);
            assertTrue(text.contains("registered=false pool.registered()=false"), text);
            assertTrue(text.contains("not registered as fixed buffers: ENOMEM"), "the refusal is logged: " + text);
            assertTrue(text.contains("io=ok"), text);
        }
        finally
        {
            Files.deleteIfExists(file);
        }
    }
}
