package io.ringtarget.nativetests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A gzipped cpio archive in the "newc" format the kernel unpacks into its initramfs: directories and regular files,
 * owned by root. The guest harness appends one to the cached initramfs to give a boot its test script; written here
 * so that the tests need no cpio on the host.
 */
public final class NewcArchive
{
    private static final int MODE_DIR = 0040755;
    private static final int MODE_FILE = 0100755;

    private final Map<String, byte[]> files = new LinkedHashMap<>();

    /**
     * Adds a file (mode 0755) and, first, the directories on its path.
     *
     * @param path    the path inside the archive, without a leading slash ("test/run").
     * @param content its bytes.
     * @return this.
     */
    public NewcArchive file(final String path, final byte[] content)
    {
        if (path.startsWith("/") || path.contains(".."))
        {
            throw new IllegalArgumentException("a relative path without '..' is needed: " + path);
        }
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1))
        {
            files.putIfAbsent(path.substring(0, slash), null);
        }
        files.put(path, content.clone());
        return this;
    }

    /**
     * @return the archive, gzipped.
     */
    public byte[] gzipped()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes))
        {
            int inode = 1;
            for (final Map.Entry<String, byte[]> e : files.entrySet())
            {
                final byte[] content = e.getValue();
                writeEntry(gz, inode++, e.getKey(), null == content ? MODE_DIR : MODE_FILE,
                    null == content ? new byte[0] : content);
            }
            writeEntry(gz, 0, "TRAILER!!!", 0, new byte[0]);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    private static void writeEntry(final OutputStream out, final int inode, final String name, final int mode,
        final byte[] content) throws IOException
    {
        final byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        final StringBuilder header = new StringBuilder("070701");
        // ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
        final long[] fields = { inode, mode, 0, 0, (mode & 0170000) == 0040000 ? 2 : 1, 0, content.length, 0, 0, 0, 0,
            nameBytes.length + 1L, 0 };
        for (final long f : fields)
        {
            header.append(String.format("%08x", f));
        }
        out.write(header.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(nameBytes);
        out.write(0);
        pad(out, 110 + nameBytes.length + 1);  // the header is 110 bytes; name and data are padded to 4
        out.write(content);
        pad(out, content.length);
    }

    private static void pad(final OutputStream out, final int written) throws IOException
    {
        for (int i = written; (i & 3) != 0; i++)
        {
            out.write(0);
        }
    }
}
