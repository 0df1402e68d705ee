package io.ringtarget.iscsi.command;

import io.ringtarget.ffi.Libc;
import io.ringtarget.iscsi.numbering.CmdSnWindow;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.RingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which buffer a command of each size gets (registered, spilled, dedicated), the fixed-buffer index its backstore I/O
 * may use, and that the spill region takes memory only where it is used.
 */
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
            assertEquals(DataBuffers.SPILLED, buffers.acquire(third, DataBuffers.MAX_TRANSFER),
                "two 16 MiB commands fill the 32 MiB region");
            assertEquals(16 * MIB, third.buffer().byteSize());
            assertEquals(-1, third.task().fixedBufferIndex(third.buffer().address(), 16 * MIB),
                "spill: not registered");
            table.release(big.index());
            table.release(third.index());
            final Command again = command();
            assertEquals(DataBuffers.POOLED, buffers.acquire(again, DataBuffers.MAX_TRANSFER));
        }
    }

    @Test
    void whenTheRegisteredBuffersAreFullCommandsSpillThenGetDedicatedBuffers()
    {
        final int chunk = ChunkRegion.CHUNK_SIZE;
        try (DataBuffers few = new DataBuffers(1, 2 * chunk, 4L * chunk);
             Ring ring = Ring.open(new RingConfig().entries(8)))
        {
            final CommandTable commands = new CommandTable(few, new CmdSnWindow());
            assertEquals(0, few.registerWith(ring));
            assertEquals(4L * chunk, few.spillSize());
            final Command registered = commands.allocate(1, 0, 0);
            assertEquals(DataBuffers.POOLED, few.acquire(registered, 2 * chunk));
            assertEquals(1, registered.task().fixedBufferIndex(registered.buffer().address(), 2 * chunk));

            final Command spilled = commands.allocate(2, 0, 0);
            assertEquals(DataBuffers.SPILLED, few.acquire(spilled, 2 * chunk), "the region is full");
            assertEquals(-1, spilled.task().fixedBufferIndex(spilled.buffer().address(), 1));
            assertEquals(0, residentPages(spilled.buffer()), "mapped, not committed, until used");
            spilled.buffer().fill((byte)1);
            assertEquals(2 * chunk / 4096, residentPages(spilled.buffer()));
            assertNotSame(few.digest(registered), few.digest(spilled),
                "chunk 0 of each region: a digest each, as both may be in use at once");

            final Command second = commands.allocate(3, 0, 0);
            assertEquals(DataBuffers.SPILLED, few.acquire(second, 2 * chunk));
            final Command dedicated = commands.allocate(4, 0, 0);
            assertEquals(DataBuffers.DEDICATED, few.acquire(dedicated, chunk), "the spill region is full too");
            assertEquals(0, few.freeSpillChunks());

            final long spilledAddress = spilled.buffer().address();
            commands.release(spilled.index());
            assertEquals(2, few.freeSpillChunks(), "released with its slot");
            final Command again = commands.allocate(5, 0, 0);
            assertEquals(DataBuffers.SPILLED, few.acquire(again, chunk));
            assertEquals(spilledAddress, again.buffer().address(), "first fit: the memory already committed");
            commands.releaseAll();
            assertEquals(4, few.freeSpillChunks());
        }
        try (DataBuffers none = new DataBuffers(1, ChunkRegion.CHUNK_SIZE, 0))
        {
            final CommandTable commands = new CommandTable(none, new CmdSnWindow());
            assertEquals(DataBuffers.POOLED, none.acquire(commands.allocate(1, 0, 0), 2 * 65536));
            assertEquals(DataBuffers.DEDICATED, none.acquire(commands.allocate(2, 0, 0), 2 * 65536),
                "without a spill region");
            commands.releaseAll();
        }
    }

    @Test
    void aSpillRegionTheKernelWillNotMapLeavesDedicatedBuffers()
    {
        // Almost the whole 47-bit user address space: no mmap can give it (as a host with strict overcommit
        // accounting refuses a far smaller one). The loop then runs without a spill region.
        final long impossible = (long)(Integer.MAX_VALUE / 2) * ChunkRegion.CHUNK_SIZE;
        try (DataBuffers refused = new DataBuffers(1, ChunkRegion.CHUNK_SIZE, impossible))
        {
            assertEquals(0, refused.spillSize());
            final CommandTable commands = new CommandTable(refused, new CmdSnWindow());
            assertEquals(DataBuffers.POOLED, refused.acquire(commands.allocate(1, 0, 0), 2 * 65536));
            assertEquals(DataBuffers.DEDICATED, refused.acquire(commands.allocate(2, 0, 0), 2 * 65536));
            assertEquals(0, refused.trimIdleSpill(Long.MAX_VALUE));
            commands.releaseAll();
        }
    }

    @Test
    void theSpillRegionGoesBackToTheKernelOnceUnusedForTenSeconds()
    {
        final int chunk = ChunkRegion.CHUNK_SIZE;
        final long second = 1_000_000_000L;
        try (DataBuffers few = new DataBuffers(1, chunk, 4L * chunk))
        {
            final CommandTable commands = new CommandTable(few, new CmdSnWindow());
            assertEquals(0, few.trimIdleSpill(0), "nothing used yet");
            assertEquals(DataBuffers.POOLED, few.acquire(commands.allocate(1, 0, 0), chunk));
            final Command spilled = commands.allocate(2, 0, 0);
            assertEquals(DataBuffers.SPILLED, few.acquire(spilled, 3 * chunk));
            final MemorySegment memory = spilled.buffer();
            memory.fill((byte)7);
            assertEquals(3 * chunk / 4096, residentPages(memory));

            assertEquals(0, few.trimIdleSpill(0));
            assertEquals(0, few.trimIdleSpill(60 * second), "not while a command holds a run of it");
            commands.release(spilled.index());
            assertEquals(0, few.trimIdleSpill(61 * second), "idle since it was last seen in use, at 60 s");
            assertEquals(0, few.trimIdleSpill(69 * second));
            assertEquals(3 * chunk / 4096, residentPages(memory), "kept for the next burst meanwhile");
            assertEquals(1, few.trimIdleSpill(70 * second));
            assertEquals(0, residentPages(memory), "given back");
            assertEquals(0, few.trimIdleSpill(100 * second), "once");

            final Command again = commands.allocate(3, 0, 0);
            assertEquals(DataBuffers.SPILLED, few.acquire(again, 3 * chunk));
            assertEquals(0, again.buffer().get(ValueLayout.JAVA_BYTE, 0), "zero pages when used again");
            commands.release(again.index());
            assertEquals(0, few.trimIdleSpill(101 * second), "a new use starts the ten seconds again");
            assertEquals(0, few.trimIdleSpill(110 * second));
            assertEquals(1, few.trimIdleSpill(111 * second));
            commands.releaseAll();
        }
    }

    @Test
    void aBufferTakenBeforeItsTaskWasResetIsBoundAgain()
    {
        try (Ring ring = Ring.open(new RingConfig().entries(8)))
        {
            assertEquals(0, buffers.registerWith(ring));
            final Command c = command();
            assertEquals(DataBuffers.POOLED, buffers.acquire(c, MIB));
            final long address = c.buffer().address();
            c.task().reset();
            assertEquals(-1, c.task().fixedBufferIndex(address, MIB), "a reset forgets it");
            buffers.bindFixedBuffer(c);
            assertEquals(4, c.task().fixedBufferIndex(address, MIB));
        }
    }

    /** Pages of {@code memory} (page-aligned) in memory now, by mincore(2). */
    private static long residentPages(final MemorySegment memory)
    {
        final int pages = (int)((memory.byteSize() + 4095) / 4096);
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment vector = arena.allocate(pages);
            assertEquals(0, Libc.mincore(memory.address(), memory.byteSize(), vector));
            long resident = 0;
            for (int i = 0; i < pages; i++)
            {
                resident += vector.get(ValueLayout.JAVA_BYTE, i) & 1;
            }
            return resident;
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
