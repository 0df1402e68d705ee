package io.ringtarget.backstore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A backing file is served by one process: another process holding a lock on it (util-linux flock(1), a real
 * second process) makes the backstore refuse to open, and while a backstore is open, other processes see its lock.
 */
class BackingFileLockTest
{
    private static final Path FLOCK = Path.of("/usr/bin/flock");
    private final Path file = Path.of("/var/tmp", "ringtarget-lock-" + ProcessHandle.current().pid() + "-" +
        System.nanoTime() + ".img");

    @AfterEach
    void deleteFile() throws IOException
    {
        Files.deleteIfExists(file);
    }

    @Test
    void aFileLockedByAnotherProcessIsRefusedAndLeftAsItWas() throws Exception
    {
        assumeTrue(Files.isExecutable(FLOCK), "util-linux flock not installed");
        Files.write(file, new byte[1 << 20]);
        final Process holder = holdLock("-x");
        try
        {
            final UncheckedIOException ex = assertThrows(UncheckedIOException.class,
                () -> FileBackstore.fileio("f", file, 8L << 20, 512, true, false, true));
            assertTrue(ex.getCause().getMessage().contains(file + " is in use by another process"), ex.getMessage());
            assertTrue(ex.getCause().getMessage().contains("EAGAIN"), "names the errno: " + ex.getMessage());
            assertEquals(1 << 20, Files.size(file), "refused before it grew the file (growing was asked for)");
            // A read-only backstore asks for a shared lock: refused by an exclusive holder too.
            assertThrows(UncheckedIOException.class, () -> FileBackstore.fileio("ro", file, 0, 512, true, true));
        }
        finally
        {
            stop(holder);
        }
        final FileBackstore free = FileBackstore.fileio("f", file, 8L << 20, 512, true, false, true);
        free.close();
        assertEquals(8L << 20, Files.size(file), "grown once the lock was free");
    }

    @Test
    void otherProcessesSeeTheLockUntilTheLastBackstoreOfTheFileCloses() throws Exception
    {
        assumeTrue(Files.isExecutable(FLOCK), "util-linux flock not installed");
        final FileBackstore first = FileBackstore.fileio("a", file, 4L << 20, 512, true, false);
        // Two backstores of one process on one file (a configuration warning, not an error) share the lock.
        final FileBackstore second = FileBackstore.fileio("b", file, 0, 512, false, false);
        assertEquals(1, tryLock("-x"), "held exclusively while writable backstores are open");
        first.close();
        first.close();
        assertEquals(1, tryLock("-s"), "still held by the second backstore");
        second.close();
        assertEquals(0, tryLock("-x"), "released with the last one");
    }

    @Test
    void aReadOnlyBackstoreSharesItsFileWithReaders() throws Exception
    {
        assumeTrue(Files.isExecutable(FLOCK), "util-linux flock not installed");
        Files.write(file, new byte[1 << 20]);
        final FileBackstore ro = FileBackstore.fileio("ro", file, 0, 512, true, true);
        try
        {
            assertEquals(0, tryLock("-s"), "another reader may lock it shared");
            assertEquals(1, tryLock("-x"), "a writer may not");
            // A writable backstore of this process on the same file turns the lock exclusive.
            final FileBackstore rw = FileBackstore.fileio("rw", file, 0, 512, true, false);
            assertEquals(1, tryLock("-s"));
            rw.close();
        }
        finally
        {
            ro.close();
        }
        assertEquals(0, tryLock("-x"));
    }

    /** flock(1) -n in another process: 0 when it got the lock, 1 when the lock was held. */
    private int tryLock(final String mode) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(FLOCK.toString(), "-n", "-E", "1", mode, file.toString(), "true")
            .redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "flock -n does not wait");
        return p.exitValue();
    }

    /** Another process that holds the lock until it is stopped. */
    private Process holdLock(final String mode) throws IOException
    {
        final Process p = new ProcessBuilder(FLOCK.toString(), "-o", mode, file.toString(), "sh", "-c", "echo locked; exec sleep 60")
            .redirectErrorStream(true).start();
        final BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("locked", out.readLine(), "flock(1) took the lock");
        return p;
    }

    /** Stops the holder and its child, by their PIDs. */
    private static void stop(final Process p) throws InterruptedException
    {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS))
        {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
