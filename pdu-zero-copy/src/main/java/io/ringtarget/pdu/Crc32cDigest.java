package io.ringtarget.pdu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C (Castagnoli), the iSCSI header and data digest (RFC 7143 section 13.1, RFC 3720 appendix B.4), computed
 * over off-heap memory in place. {@link CRC32C#update(ByteBuffer)} on a direct buffer goes to the JDK intrinsic
 * (SSE4.2 crc32 / carry-less multiply on x86-64), so the ByteBuffer view of the wrapped segment is made once per
 * {@link #wrap} and only its position and limit move per call: no allocation per digest.
 * <p>
 * Wire order: the 32-bit CRC as {@link CRC32C#getValue()} returns it goes on the wire least significant byte first
 * (RFC 3720 B.4: 32 bytes of zeros give the bytes aa 36 91 8a). {@link #write}/{@link #read} do that.
 * <p>
 * Segments larger than 2 GiB cannot be wrapped (ByteBuffer limit). Wrapping a native segment uses a restricted
 * method ({@link MemorySegment#reinterpret(long)}): run with --enable-native-access=ALL-UNNAMED, as all our JVMs do.
 */
public final class Crc32cDigest
{
    public static final int LENGTH = 4;

    private final CRC32C crc = new CRC32C();
    private MemorySegment segment;
    private ByteBuffer buffer;

    /**
     * Point at a segment; the ByteBuffer view is only re-created when the segment differs from the last one.
     *
     * @param segment memory to digest, at most 2 GiB.
     * @return this.
     */
    @SuppressWarnings("restricted") // reinterpret: run with --enable-native-access, see the class comment
    public Crc32cDigest wrap(final MemorySegment segment)
    {
        if (segment != this.segment)
        {
            this.segment = segment;
            // A buffer view of an arena-backed segment makes CRC32C.update acquire and release the arena's session
            // on every call: two atomic operations, more than the CRC of a 48-byte header costs. The view is made
            // of a global-scope alias of the same native memory instead, so the digest must not outlive the arena
            // (connection buffers live as long as their loop). Heap segments keep their own view.
            this.buffer = segment.isNative() ?
                MemorySegment.ofAddress(segment.address()).reinterpret(segment.byteSize()).asByteBuffer() :
                segment.asByteBuffer();
        }
        return this;
    }

    public MemorySegment segment()
    {
        return segment;
    }

    /**
     * @param offset start within the wrapped segment.
     * @param length byte count.
     * @return CRC32C of the range, as an int holding the 32 bits.
     */
    public int compute(final long offset, final long length)
    {
        crc.reset();
        update(offset, length);
        return (int)crc.getValue();
    }

    /** Start an incremental digest, e.g. over data that is split between buffers. */
    public Crc32cDigest begin()
    {
        crc.reset();
        return this;
    }

    /**
     * Add a range of the wrapped segment to the running digest.
     *
     * @param offset start within the wrapped segment.
     * @param length byte count.
     * @return this.
     */
    public Crc32cDigest update(final long offset, final long length)
    {
        final ByteBuffer b = buffer;
        b.limit((int)(offset + length));
        b.position((int)offset);
        crc.update(b);
        return this;
    }

    /**
     * Add a few bytes of another segment than the wrapped one, e.g. the padding of a data segment that was received
     * apart from its data.
     *
     * @param other  memory holding the bytes.
     * @param offset where they start.
     * @param count  byte count, a few.
     * @return this.
     */
    public Crc32cDigest update(final MemorySegment other, final long offset, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            crc.update(other.get(ValueLayout.JAVA_BYTE, offset + i));
        }
        return this;
    }

    /**
     * Add zero pad bytes (RFC 7143 11.1: the data digest covers the padding too).
     *
     * @param count 0-3 bytes.
     * @return this.
     */
    public Crc32cDigest updatePadding(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            crc.update(0);
        }
        return this;
    }

    /** @return the running digest. */
    public int finish()
    {
        return (int)crc.getValue();
    }

    /**
     * @param offset       start of the digested range.
     * @param length       byte count.
     * @param digestOffset where the received digest is (wire order).
     * @return true when the digest matches.
     */
    public boolean verify(final long offset, final long length, final long digestOffset)
    {
        return compute(offset, length) == read(segment, digestOffset);
    }

    /**
     * Write a digest in wire order.
     *
     * @param segment memory.
     * @param offset  where the 4 digest bytes go.
     * @param crc     the CRC32C value.
     */
    public static void write(final MemorySegment segment, final long offset, final int crc)
    {
        segment.set(Wire.INT_LE, offset, crc);
    }

    /**
     * Read a digest in wire order.
     *
     * @param segment memory.
     * @param offset  where the 4 digest bytes are.
     * @return the CRC32C value, comparable with {@link #compute}.
     */
    public static int read(final MemorySegment segment, final long offset)
    {
        return segment.get(Wire.INT_LE, offset);
    }
}
