package io.ringtarget.iscsi.command;

import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which buffer a command of each size gets, and the fixed-buffer index its backstore I/O may use. */
class DataBuffersTest
{
    private static final int MIB = 1024 * 1024;
    private final DataBuffers buffers = new DataBuffers(4, DataBuffers.DEFAULT_REGION_SIZE);
    private final CommandTable table = new CommandTable(buffers, new CmdSnWindow());
    private int itt;

    @AfterEach
    void close()
    {
        table.releaseAll();
        buffers.close();
    }

    private Command command()
    {
        return table.allocate(itt++, 0, 0);
    }

    @Test
    void sixteenMebibytesArePooledInTheRegisteredRegion()
    {
        try (Ring ring = Ring.open(new RingConfig().entries(8)))
        {
            assertEquals(0, buffers.registerWith(ring), "root may lock memory: registration must succeed");
            final Command small = command();
            assertEquals(DataBuffers.POOLED, buffers.acquire(small, 4096));
            assertEquals(DataBuffers.SMALL_BUFFER_SIZE, small.buffer().byteSize());
            final long smallAddress = small.buffer().address();
            assertTrue(small.task().fixedBufferIndex(smallAddress, 4096) >= 0);

            final Command big = command();
            assertEquals(DataBuffers.POOLED, buffers.acquire(big, DataBuffers.MAX_TRANSFER));
            assertEquals(16 * MIB, big.buffer().byteSize());
            assertEquals(4, big.task().fixedBufferIndex(big.buffer().address(), 16 * MIB),
                "the region is the fixed buffer after the small ones");
            assertEquals(-1, big.task().fixedBufferIndex(big.buffer().address(), 16 * MIB + 1), "not past its run");

            final Command second = command();
            assertEquals(DataBuffers.POOLED, buffers.acquire(second, DataBuffers.MAX_TRANSFER));
            final Command third = command();
            assertEquals(DataBuffers.DEDICATED, buffers.acquire(third, DataBuffers.MAX_TRANSFER),
                "two 16 MiB commands fill the 32 MiB region");
            assertEquals(-1, third.task().fixedBufferIndex(third.buffer().address(), 16 * MIB));
            table.release(big.index());
            table.release(third.index());
            final Command again = command();
            assertEquals(DataBuffers.POOLED, buffers.acquire(again, DataBuffers.MAX_TRANSFER));
        }
    }

    @Test
    void sizesBetweenGoToRunsOfChunks()
    {
        Command c = command();
        assertEquals(DataBuffers.POOLED, buffers.acquire(c, 64 * 1024 + 1));
        assertEquals(ChunkRegion.CHUNK_SIZE, c.buffer().byteSize(), "above 64 KiB: one 128 KiB chunk");
        table.release(c.index());
        assertEquals(DataBuffers.POOLED, buffers.acquire(c = command(), 128 * 1024 + 1));
        assertEquals(2 * ChunkRegion.CHUNK_SIZE, c.buffer().byteSize());
        assertEquals(-1, c.task().fixedBufferIndex(c.buffer().address(), 1), "not registered: plain I/O");
        final Command m = command();
        assertEquals(DataBuffers.POOLED, buffers.acquire(m, MIB));
        assertEquals(MIB, m.buffer().byteSize());
        assertEquals(256 - 2 - 8, buffers.freeRegionChunks());
        table.release(c.index());
        table.release(m.index());
        assertEquals(256, buffers.freeRegionChunks(), "released with their slots");
    }

    @Test
    void smallCommandsOverflowIntoTheRegion()
    {
        for (int i = 0; i < 4; i++)
        {
            assertEquals(DataBuffers.POOLED, buffers.acquire(command(), 4096));
        }
        final Command fifth = command();
        assertEquals(DataBuffers.POOLED, buffers.acquire(fifth, 4096));
        assertEquals(ChunkRegion.CHUNK_SIZE, fifth.buffer().byteSize(), "one chunk");
        assertEquals(255, buffers.freeRegionChunks());
    }

    @Test
    void aboveSixteenMebibytesThereIsNoBuffer()
    {
        final Command c = command();
        assertEquals(DataBuffers.TOO_LARGE, buffers.acquire(c, DataBuffers.MAX_TRANSFER + 1));
        assertNull(c.buffer());
        assertEquals(DataBuffers.TOO_LARGE, buffers.acquire(c, -1), "EDTL is unsigned");
        assertEquals(DataBuffers.POOLED, buffers.acquire(c, 0));
        assertNotNull(c.buffer());
    }
}
