package io.ringtarget.backstore;

import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RamBackstoreTest
{
    @Test
    void writeReadUnmapThroughTheLogicalUnit()
    {
        final RamBackstore ram = new RamBackstore(8L << 20, 512);
        assertEquals(16384, ram.blockCount());
        try (LoopDriver d = new LoopDriver(ram))
        {
            d.buffer.asSlice(0, 8192).fill((byte)9);
            d.run(8192, LoopDriver.cdb16(0x8A, 0, 100, 16));
            d.assertGood();
            assertEquals(9, ram.slice(100 * 512, 1).get(ValueLayout.JAVA_BYTE, 0));
            d.buffer.asSlice(0, 8192).fill((byte)0);
            d.run(8192, LoopDriver.cdb16(0x88, 0, 100, 16));
            d.assertGood();
            d.assertBytes(d.buffer, 0, 8192, 9);

            d.buffer.asSlice(0, 512).fill((byte)0);
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 100, 8));
            d.assertGood();
            assertEquals(0, ram.slice(100 * 512, 1).get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(9, ram.slice(108 * 512, 1).get(ValueLayout.JAVA_BYTE, 0));
        }
    }
}
