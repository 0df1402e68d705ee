package io.ringtarget.ffi;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compiles a C program against the system headers that prints sizeof/offsetof of every field the bindings name and
 * the value of every constant they define, runs it, and compares each line with the Java side. The C source is
 * generated from the Java classes by reflection, so a binding added later is checked too.
 */
class LayoutCheckTest
{
    /** Binding class -> C type. */
    private static final Map<Class<?>, String> STRUCTS = new LinkedHashMap<>();

    static
    {
        STRUCTS.put(IoUringParams.class, "struct io_uring_params");
        STRUCTS.put(IoSqringOffsets.class, "struct io_sqring_offsets");
        STRUCTS.put(IoCqringOffsets.class, "struct io_cqring_offsets");
        STRUCTS.put(IoUringSqe.class, "struct io_uring_sqe");
        STRUCTS.put(IoUringCqe.class, "struct io_uring_cqe");
        STRUCTS.put(IoUringProbe.class, "struct io_uring_probe");
        STRUCTS.put(IoUringProbeOp.class, "struct io_uring_probe_op");
        STRUCTS.put(IoUringBufReg.class, "struct io_uring_buf_reg");
        STRUCTS.put(IoUringBuf.class, "struct io_uring_buf");
        STRUCTS.put(IoUringGeteventsArg.class, "struct io_uring_getevents_arg");
        STRUCTS.put(KernelTimespec.class, "struct __kernel_timespec");
        STRUCTS.put(Iovec.class, "struct iovec");
        STRUCTS.put(Msghdr.class, "struct msghdr");
        STRUCTS.put(Stat.class, "struct stat");
        STRUCTS.put(Statvfs.class, "struct statvfs");
        STRUCTS.put(SockaddrIn.class, "struct sockaddr_in");
        STRUCTS.put(SockaddrIn6.class, "struct sockaddr_in6");
        STRUCTS.put(SockaddrStorage.class, "struct sockaddr_storage");
        STRUCTS.put(SockaddrUn.class, "struct sockaddr_un");
        STRUCTS.put(TcpInfo.class, "struct tcp_info");
        STRUCTS.put(SemT.class, "sem_t");
        STRUCTS.put(RbdImageInfo.class, "rbd_image_info_t");
    }

    /** Java names that are spelled differently in C. */
    private static final Map<String, String> C_EXPRESSIONS = Map.of(
        "SYS_IO_URING_SETUP", "__NR_io_uring_setup",
        "SYS_IO_URING_ENTER", "__NR_io_uring_enter",
        "SYS_IO_URING_REGISTER", "__NR_io_uring_register",
        "MAP_FAILED", "(intptr_t)MAP_FAILED",
        "IoUringBuf.tail", "offsetof(struct io_uring_buf_ring, tail)");

    @Test
    void layoutsAndConstantsMatchTheCHeaders() throws Exception
    {
        final Path gcc = Path.of("/usr/bin/gcc");
        Assumptions.assumeTrue(Files.isExecutable(gcc) || "true".equals(System.getenv("CI")), "gcc not installed");

        final Map<String, Long> expected = new LinkedHashMap<>();
        final StringBuilder c = new StringBuilder();
        c.append("""
            #define _GNU_SOURCE
            #include <stddef.h>
            #include <stdint.h>
            #include <stdio.h>
            #include <fcntl.h>
            #include <errno.h>
            #include <unistd.h>
            #include <sys/syscall.h>
            #include <sys/mman.h>
            #include <sys/stat.h>
            #include <sys/statvfs.h>
            #include <sys/uio.h>
            #include <sys/socket.h>
            #include <sys/file.h>
            #include <sys/un.h>
            #include <sys/eventfd.h>
            #include <netinet/in.h>
            #include <netinet/tcp.h>
            #include <linux/fs.h>
            #include <linux/falloc.h>
            #include <linux/time_types.h>
            #include <linux/io_uring.h>
            #include <liburing.h>
            #include <semaphore.h>
            #include <rados/librados.h>
            #include <rbd/librbd.h>
            #define P(name, expr) printf("%s %lld\\n", name, (long long)(expr))
            int main(void) {
            """);
        for (final Map.Entry<Class<?>, String> e : STRUCTS.entrySet())
        {
            final Class<?> cls = e.getKey();
            final String type = e.getValue();
            final String simple = cls.getSimpleName();
            final GroupLayout layout = (GroupLayout)cls.getField("LAYOUT").get(null);
            expect(c, expected, simple + ".sizeof", "sizeof(" + type + ")", layout.byteSize());
            expect(c, expected, simple + ".SIZEOF", "sizeof(" + type + ")", cls.getField("SIZEOF").getLong(null));
            for (final Field f : cls.getFields())
            {
                if (f.getName().endsWith("$OFFSET"))
                {
                    final String member = f.getName().substring(0, f.getName().length() - "$OFFSET".length());
                    final String key = simple + "." + member;
                    expect(c, expected, key, C_EXPRESSIONS.getOrDefault(key, "offsetof(" + type + ", " + member + ")"),
                        f.getLong(null));
                }
            }
        }
        for (final Class<?> cls : List.of(IoUringConstants.class, LibcConstants.class, LibrbdConstants.class))
        {
            for (final Field f : cls.getFields())
            {
                if (!Modifier.isStatic(f.getModifiers()))
                {
                    continue;
                }
                final String name = f.getName();
                final String expr = C_EXPRESSIONS.getOrDefault(name, name);
                if (f.getType() == int.class)
                {
                    // C macros such as IORING_FILE_INDEX_ALLOC (~0U) are unsigned: compare the 32-bit pattern.
                    expect(c, expected, name, "(int)(" + expr + ")", f.getInt(null));
                }
                else
                {
                    expect(c, expected, name, expr, f.getLong(null));
                }
            }
        }
        c.append("return 0; }\n");

        final Path dir = Files.createTempDirectory("ringtarget-layout");
        try
        {
            final Path src = dir.resolve("layout.c");
            final Path exe = dir.resolve("layout");
            Files.writeString(src, c.toString());
            run(List.of(gcc.toString(), "-Wall", "-Werror", "-o", exe.toString(), src.toString()));
            final String out = run(List.of(exe.toString()));

            final Map<String, Long> actual = new LinkedHashMap<>();
            for (final String line : out.split("\n"))
            {
                final int sp = line.lastIndexOf(' ');
                actual.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1)));
            }
            assertEquals(expected.keySet(), actual.keySet(), "every check printed");
            final List<String> mismatches = new ArrayList<>();
            for (final Map.Entry<String, Long> e : expected.entrySet())
            {
                if (!e.getValue().equals(actual.get(e.getKey())))
                {
                    mismatches.add(e.getKey() + ": java=" + e.getValue() + " C=" + actual.get(e.getKey()));
                }
            }
            assertTrue(mismatches.isEmpty(), "bindings differ from the C headers: " + mismatches);
            assertTrue(expected.size() > 250, "checked " + expected.size() + " values");
        }
        finally
        {
            deleteTree(dir);   // also when gcc or a check fails: the host is left as found
        }
    }

    private static void expect(
        final StringBuilder c, final Map<String, Long> expected, final String key, final String cExpr, final long javaValue)
    {
        expected.put(key, javaValue);
        c.append("  P(\"").append(key).append("\", ").append(cExpr).append(");\n");
    }

    private static String run(final List<String> command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        final String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), command + " failed:\n" + text);
        return text;
    }

    private static void deleteTree(final Path dir) throws IOException
    {
        try (var paths = Files.walk(dir))
        {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
