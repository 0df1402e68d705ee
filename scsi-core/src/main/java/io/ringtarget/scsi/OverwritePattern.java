package io.ringtarget.scsi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What a sanitize or format operation ({@link Sanitize}) writes over every logical block: the initialization pattern
 * as given (SBC-4 OVERWRITE parameter list, FORMAT UNIT's initialization pattern; kept for the state file), the
 * number of passes and INVERT, and one chunk of it laid out as the medium holds it (the pattern from the first byte of
 * every block, repeated to fill the block), aligned for O_DIRECT, made by the first operation that writes one. Owned
 * by the loop running the operation.
 */
final class OverwritePattern
{
    /** The pattern of an erase, or of zeros. */
    static final byte[] NONE = new byte[0];

    private final int blockSize;
    private final int chunkBytes;
    private MemorySegment chunk;
    private byte[] bytes = NONE;
    private boolean invert;
    private int passes = 1;

    OverwritePattern(final int blockSize, final int chunkBytes)
    {
        this.blockSize = blockSize;
        this.chunkBytes = chunkBytes;
    }

    /** Nothing written: a block erase. */
    void none()
    {
        bytes = NONE;
        passes = 1;
        invert = false;
    }

    /**
     * The {@code length} bytes at {@code offset} of {@code p} (zeros when 0), written {@code passes} times, inverted
     * between passes with {@code invert}; laid out for the first pass.
     */
    void set(final boolean invert, final int passes, final MemorySegment p, final int offset, final int length)
    {
        this.invert = invert;
        this.passes = passes;
        this.bytes = length == 0 ? NONE : p.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        layOut(0);
    }

    /** As a state file saved it ({@link MediumOperationStore}); {@link #layOut} before it is written. */
    void restore(final boolean invert, final int passes, final byte[] bytes)
    {
        this.invert = invert;
        this.passes = passes;
        this.bytes = bytes;
    }

    /** The chunk laid out as pass {@code pass} (from 0) writes it. */
    void layOut(final long pass)
    {
        if (null == chunk)
        {
            chunk = Arena.ofAuto().allocate(chunkBytes, ScsiTask.SCRATCH_ALIGNMENT);
        }
        if (bytes.length == 0)
        {
            chunk.fill((byte)0);
            return;
        }
        final MemorySegment given = MemorySegment.ofArray(bytes);
        for (int o = 0; o < blockSize; o += bytes.length)
        {
            MemorySegment.copy(given, 0, chunk, o, Math.min(bytes.length, blockSize - o));
        }
        for (int o = blockSize; o < chunkBytes; o += blockSize)
        {
            MemorySegment.copy(chunk, 0, chunk, o, blockSize);
        }
        if (invertedPass(pass))
        {
            invertChunk();
        }
    }

    /** A pass ended and the next begins: with INVERT the chunk alternates. */
    void nextPass()
    {
        if (invert)
        {
            invertChunk();
        }
    }

    /**
     * With INVERT the pattern alternates between passes and the last pass writes it as given: the first pass is
     * inverted when the count is even (SBC-4, OVERWRITE parameter list).
     */
    private boolean invertedPass(final long pass)
    {
        return invert && ((passes - 1 - pass) & 1) != 0;
    }

    private void invertChunk()
    {
        for (long o = 0; o < chunkBytes; o += 8)
        {
            chunk.set(ValueLayout.JAVA_LONG_UNALIGNED, o, ~chunk.get(ValueLayout.JAVA_LONG_UNALIGNED, o));
        }
    }

    /** The chunk to write (made by {@link #set} or {@link #layOut}). */
    MemorySegment chunk()
    {
        return chunk;
    }

    /** The pattern as given; {@link #NONE} for zeros or an erase. */
    byte[] bytes()
    {
        return bytes;
    }

    boolean invert()
    {
        return invert;
    }

    int passes()
    {
        return passes;
    }
}
