package io.ringtarget.backstore;

import io.ringtarget.backstore.rbd.RbdBackstore;
import io.ringtarget.backstore.rbd.RbdImageSpec;
import io.ringtarget.ring.EventLoop;
import io.ringtarget.ring.Ring;
import io.ringtarget.ring.RingConfig;
import io.ringtarget.scsi.Asc;
import io.ringtarget.scsi.BlockDevice;
import io.ringtarget.scsi.ScsiStatus;
import io.ringtarget.scsi.ScsiTask;
import io.ringtarget.scsi.SenseKey;
import io.ringtarget.scsi.SharedReservationStore;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code rbd} backstore against a real (throwaway) Ceph cluster: SCSI commands through a LogicalUnit on a real
 * event loop, completions through the image's eventfd on the loop's ring.
 */
class RbdBackstoreTest
{
    private static CephTestCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception
    {
        cluster = CephTestCluster.start();
    }

    @AfterAll
    static void stopCluster() throws Exception
    {
        if (null != cluster)
        {
            cluster.close();
        }
    }

    @Test
    void writesReadBackAndFuaAndSynchronizeCacheFlush() throws Exception
    {
        final RbdImageSpec spec = cluster.image("rw", "64M");
        try (LoopDriver d = new LoopDriver(RbdBackstore.open("rw", spec, 512, false)))
        {
            assertEquals((64L << 20) / 512, d.backstore.blockCount());
            fill(d.buffer, 0, 128 * 1024, 17);
            d.run(128 * 1024, LoopDriver.cdb16(0x8A, 0, 2048, 256)); // WRITE(16)
            d.assertGood();
            d.buffer.fill((byte)0);
            d.run(128 * 1024, LoopDriver.cdb16(0x88, 0, 2048, 256)); // READ(16)
            d.assertGood();
            assertEquals(128 * 1024, d.task.dataInLength());
            assertPattern(d.buffer, 0, 128 * 1024, 17);
            fill(d.buffer, 0, 4096, 99);
            d.run(4096, LoopDriver.cdb16(0x8A, 0x08, 7, 8)); // FUA, unaligned LBA
            d.assertGood();
            d.run(0, LoopDriver.cdb16(0x91, 0, 0, 0)); // SYNCHRONIZE CACHE(16)
            d.assertGood();
            // Another client's view: what the rbd command exports is what was written.
            final java.nio.file.Path export = cluster.dir.resolve("rw.img");
            cluster.rbd("export", "rbd/rw", export.toString(), "--no-progress");
            final byte[] image = java.nio.file.Files.readAllBytes(export);
            assertEquals(64L << 20, image.length);
            assertPattern(MemorySegment.ofArray(image).asSlice(2048 * 512, 128 * 1024), 0, 128 * 1024, 17);
            assertPattern(MemorySegment.ofArray(image).asSlice(7 * 512, 4096), 0, 4096, 99);
            java.nio.file.Files.delete(export);
            assertTrue(((RbdBackstore)d.backstore).lockOwner(), "the first write took the exclusive lock");
            assertTrue(cluster.rbd("lock", "ls", "rbd/rw").contains("auto"), "librbd's exclusive lock is listed");
        }
        // Closing released the lock: nobody has to break it.
        assertFalse(cluster.rbd("lock", "ls", "rbd/rw").contains("auto"));
    }

    @Test
    void unmapDiscardsAlignedRangesAndZeroesTheRestSoEverythingReadsBackAsZeros() throws Exception
    {
        final RbdImageSpec spec = cluster.image("unmap", "64M");
        try (LoopDriver d = new LoopDriver(RbdBackstore.open("unmap", spec, 512, false)))
        {
            final RbdBackstore rbd = (RbdBackstore)d.backstore;
            assertEquals(64 * 1024, rbd.discardGranularity());
            assertTrue(d.lu.thinProvisioning());
            fill(d.buffer, 0, 512 * 1024, 0x5A);
            d.run(512 * 1024, LoopDriver.cdb16(0x8A, 0, 0, 1024));
            d.assertGood();
            // UNMAP: LBA 1, one block (below the granularity: a discard would change nothing) and LBA 256, 128
            // blocks (64 KiB at 128 KiB: aligned, discarded).
            final MemorySegment p = d.buffer;
            p.fill((byte)0);
            p.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 0, (short)38);
            p.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 2, (short)32);
            descriptor(p, 8, 1, 1);
            descriptor(p, 24, 256, 128);
            d.run(40, 0x42, 0, 0, 0, 0, 0, 0, 0, 40, 0);
            d.assertGood();
            // WRITE SAME(16) with UNMAP over 3 unaligned blocks at LBA 600.
            d.buffer.asSlice(0, 512).fill((byte)0x77);
            d.run(512, LoopDriver.cdb16(0x93, 0x08, 600, 3));
            d.assertGood();
            d.run(512 * 1024, LoopDriver.cdb16(0x88, 0, 0, 1024));
            d.assertGood();
            assertPattern(d.buffer, 0, 512, 0x5A);
            assertPattern(d.buffer, 512, 512, 0);
            assertPattern(d.buffer, 1024, 255 * 512 - 1024 + 512, 0x5A);
            assertPattern(d.buffer, 256 * 512, 128 * 512, 0);
            assertPattern(d.buffer, 384 * 512, (600 - 384) * 512, 0x5A);
            assertPattern(d.buffer, 600 * 512, 3 * 512, 0);
            assertPattern(d.buffer, 603 * 512, (1024 - 603) * 512, 0x5A);
        }
    }

    @Test
    void compareAndWriteWritesOnAMatchAndReportsTheFirstDifferenceOtherwise() throws Exception
    {
        final RbdImageSpec spec = cluster.image("caw", "16M");
        try (LoopDriver d = new LoopDriver(RbdBackstore.open("caw", spec, 512, false)))
        {
            fill(d.buffer, 0, 1024, 1);
            d.run(1024, LoopDriver.cdb16(0x8A, 0, 10, 2));
            d.assertGood();
            // Verify data (what is there), then the data to write.
            fill(d.buffer, 0, 1024, 1);
            fill(d.buffer, 1024, 1024, 2);
            d.run(2048, caw(10, 2));
            d.assertGood();
            // Again with the old verify data: byte 0 already differs.
            fill(d.buffer, 0, 1024, 1);
            fill(d.buffer, 1024, 1024, 3);
            d.run(2048, caw(10, 2));
            assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status());
            assertEquals(SenseKey.MISCOMPARE, d.task.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F);
            d.run(1024, LoopDriver.cdb16(0x88, 0, 10, 2));
            assertPattern(d.buffer, 0, 1024, 4); // the written half: 2 + (1024 + i) / 512
            // One 512-byte block: the OSD compares and writes in one operation (rbd_aio_compare_and_write, whose
            // completion comes through its callback, not the eventfd).
            fill(d.buffer, 0, 512, 7);
            d.run(512, LoopDriver.cdb16(0x8A, 0, 20, 1));
            d.assertGood();
            fill(d.buffer, 0, 512, 7);
            fill(d.buffer, 512, 512, 8);
            d.run(1024, caw(20, 1));
            d.assertGood();
            // What the image holds now (its second half's bytes: 8 + 1 = 9), but byte 100 differs: MISCOMPARE with
            // INFORMATION 100 (SBC-3 5.2: from the start of the Data-Out), nothing written.
            fill(d.buffer, 0, 512, 9);
            d.buffer.set(ValueLayout.JAVA_BYTE, 100, (byte)0x5A);
            fill(d.buffer, 512, 512, 10);
            d.run(1024, caw(20, 1));
            assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status());
            assertEquals(SenseKey.MISCOMPARE, d.task.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F);
            assertEquals(100, d.task.senseData().get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(
                java.nio.ByteOrder.BIG_ENDIAN), 3), "INFORMATION");
            d.run(512, LoopDriver.cdb16(0x88, 0, 20, 1));
            d.assertGood();
            assertPattern(d.buffer, 0, 512, 9); // still the first compare-and-write's data
        }
    }

    @Test
    void aResizeByTheRbdCommandIsReportedAsANewCapacity() throws Exception
    {
        final RbdImageSpec spec = cluster.image("grow", "16M");
        final List<Long> reported = new CopyOnWriteArrayList<>();
        try (LoopDriver d = new LoopDriver(RbdBackstore.open("grow", spec, 512, false)))
        {
            d.backstore.events(new BackstoreEvents()
            {
                @Override
                public void capacityChanged(final long blockCount)
                {
                    reported.add(blockCount);
                    d.lu.blockCount(blockCount);
                }
            });
            cluster.rbd("resize", "--size", "32M", "rbd/grow");
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (reported.isEmpty() && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            assertEquals(List.of((32L << 20) / 512), reported);
            assertEquals((32L << 20) / 512, d.backstore.blockCount());
            // The next command of the nexus gets the unit attention; after it the new end is writable.
            d.run(512, LoopDriver.cdb16(0x88, 0, 0, 1));
            assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status());
            assertEquals(SenseKey.UNIT_ATTENTION, d.task.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F);
            assertEquals(0x2A09, asc(d.task));
            d.run(512, LoopDriver.cdb16(0x8A, 0, (32L << 20) / 512 - 1, 1));
            d.assertGood();
        }
    }

    @Test
    void aSecondGatewayTakesTheLockOverAndTheFirstIsFencedOff() throws Exception
    {
        final RbdImageSpec spec = cluster.image("ha", "16M");
        final List<String> first = new CopyOnWriteArrayList<>();
        final List<String> second = new CopyOnWriteArrayList<>();
        try (LoopDriver a = new LoopDriver(RbdBackstore.open("ha", spec, 512, false));
            LoopDriver b = new LoopDriver(RbdBackstore.open("ha", cluster.asAnotherGateway(spec), 512, false)))
        {
            a.backstore.events(recorder(first));
            b.backstore.events(recorder(second));
            assertEquals(a.backstore.identityKey(), b.backstore.identityKey(), "one image, one identity");
            assertTrue(a.backstore.identityKey().startsWith("rbd:"), a.backstore.identityKey());
            fill(a.buffer, 0, 4096, 0xA1);
            a.run(4096, LoopDriver.cdb16(0x8A, 0, 0, 8));
            a.assertGood();
            assertTrue(((RbdBackstore)a.backstore).lockOwner());
            assertEquals(List.of("ownershipTaken null"), first);
            // B has not written: it reads without the lock, and what A wrote is there.
            b.run(4096, LoopDriver.cdb16(0x88, 0, 0, 8));
            b.assertGood();
            assertPattern(b.buffer, 0, 4096, 0xA1);
            assertFalse(((RbdBackstore)b.backstore).lockOwner());
            // B's first write takes the image over: A's lock broken, A blocklisted.
            fill(b.buffer, 0, 4096, 0xB2);
            b.run(4096, LoopDriver.cdb16(0x8A, 0, 0, 8));
            b.assertGood();
            assertTrue(((RbdBackstore)b.backstore).lockOwner());
            assertEquals(1, second.size(), second.toString());
            assertTrue(second.get(0).startsWith("ownershipTaken 127.0.0.1:0/"), second.toString());
            assertTrue(cluster.exec("ceph", "-c", cluster.conf, "osd", "blocklist", "ls")
                .contains(second.get(0).substring("ownershipTaken ".length())), "A's address is blocklisted");
            // A's next write is refused by Ceph: NOT READY, unavailable; A knows it is fenced.
            fill(a.buffer, 0, 4096, 0xA3);
            a.run(4096, LoopDriver.cdb16(0x8A, 0, 0, 8));
            assertEquals(ScsiStatus.CHECK_CONDITION, a.task.status());
            assertEquals(SenseKey.NOT_READY, a.task.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F);
            assertEquals(Asc.TARGET_PORT_IN_UNAVAILABLE_STATE, asc(a.task));
            assertTrue(((RbdBackstore)a.backstore).fenced());
            assertEquals(List.of("ownershipTaken null", "fencedOff"), first);
            // And reads too: a blocklisted client gets nothing from the cluster.
            a.run(4096, LoopDriver.cdb16(0x88, 0, 0, 8));
            assertEquals(ScsiStatus.CHECK_CONDITION, a.task.status());
            b.run(4096, LoopDriver.cdb16(0x88, 0, 0, 8));
            b.assertGood();
            assertPattern(b.buffer, 0, 4096, 0xB2);
        }
    }

    /**
     * A PERSISTENT RESERVE OUT on the state the gateways share waits for the cluster on the backstore's own thread,
     * not on its loop: with the OSD stopped (SIGSTOP: it answers nothing, as a hung or unreachable one), the command
     * is under way, the loop goes on turning, and a PERSISTENT RESERVE IN meanwhile is answered at once (from the state
     * published before); once the OSD answers again the command completes GOOD and its registration is what PERSISTENT
     * RESERVE IN reads. (On the loop, the command held it until a watchdog let the OSD go on, 10 s later; and the IN,
     * once the OUT was off the loop, waited for the OUT's monitor.)
     */
    @Test
    void aPersistentReserveOutWaitsForTheClusterOffItsLoop() throws Exception
    {
        final RbdImageSpec spec = cluster.image("pr-aside", "16M");
        try (LoopDriver d = new LoopDriver(RbdBackstore.open("pr-aside", spec, 512, false)))
        {
            final SharedReservationStore store = ((RbdBackstore)d.backstore).sharedReservations();
            d.lu.shareReservations(store);
            final long versionBefore = store.read().version();
            final int before = d.completions;
            final boolean completed;
            final long tookNanos;
            final AtomicBoolean turned = new AtomicBoolean();
            final MemorySegment keys = java.lang.foreign.Arena.ofAuto().allocate(64);
            final boolean inCompleted;
            final long inNanos;
            final int inStatus;
            try (AutoCloseable stopped = cluster.stopOsd(10_000))
            {
                d.buffer.fill((byte)0);
                d.buffer.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 8, 0x5EEDL);
                d.task.reset();
                d.task.nexus(d.nexus).device(d.device).cdb(new byte[] {0x5F, 0, 0, 0, 0, 0, 0, 0, 24, 0})
                    .expectedDataTransferLength(24).dataBuffer(d.buffer); // REGISTER, service action key 0x5EED
                final long start = System.nanoTime();
                completed = d.lu.execute(d.task);
                tookNanos = System.nanoTime() - start;
                // The loop turns while the command waits: a task handed to it from another thread runs.
                d.loop.offer(l -> turned.set(true));
                final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (!turned.get() && System.nanoTime() - until < 0)
                {
                    d.loop.doWork();
                }
                // PERSISTENT RESERVE IN, READ KEYS, meanwhile (the OUT holds the reservations' monitor while it waits
                // for the OSD): answered at once on the loop, from the state published before the OUT.
                Thread.sleep(300);
                final ScsiTask in = new ScsiTask().listener(d);
                in.nexus(d.nexus).device(d.device).cdb(new byte[] {0x5E, 0, 0, 0, 0, 0, 0, 0, 64, 0})
                    .expectedDataTransferLength(64).dataBuffer(keys);
                final long inStart = System.nanoTime();
                inCompleted = d.lu.execute(in);
                inNanos = System.nanoTime() - inStart;
                inStatus = in.status();
            }
            assertFalse(completed, "completed on the loop (it waited " + tookNanos / 1_000_000 + " ms there)");
            assertTrue(tookNanos < TimeUnit.SECONDS.toNanos(1), tookNanos + " ns on the loop");
            assertTrue(turned.get(), "the loop turned while the command waited for the OSD");
            assertTrue(inCompleted, "PERSISTENT RESERVE IN waited (" + inNanos / 1_000_000 + " ms)");
            assertTrue(inNanos < TimeUnit.MILLISECONDS.toNanos(500), inNanos + " ns");
            assertEquals(ScsiStatus.GOOD, inStatus);
            assertEquals(0, keys.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 4), "no key yet");
            assertEquals(before + 1, d.completions, "the OUT not complete while the OSD answers nothing");
            final long deadline = System.nanoTime() + LoopDriver.WAIT_NANOS;
            while (d.completions == before + 1 && System.nanoTime() - deadline < 0)
            {
                d.loop.doWork();
            }
            assertEquals(before + 2, d.completions);
            d.assertGood();
            assertTrue(store.read().version() > versionBefore, "stored in the cluster");
            d.run(64, 0x5E, 0, 0, 0, 0, 0, 0, 0, 64, 0); // PERSISTENT RESERVE IN, READ KEYS
            d.assertGood();
            assertEquals(8, d.buffer.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 4),
                "one key");
            assertEquals(0x5EEDL, d.buffer.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 8));
        }
    }

    /**
     * An OSD that does not answer fails an operation after rados_osd_op_timeout, which a gateway sets to 30 s when the
     * ceph.conf sets none (librados' own default waits for ever): the command answers BUSY, which initiators send
     * again, not MEDIUM ERROR; once the OSD answers again the same READ is GOOD. A write through another gateway, whose
     * takeover of the image's lock the cluster does not answer either, is BUSY too. Here the ceph.conf says 2 s.
     */
    @Test
    void anOperationTheClusterDoesNotAnswerInTimeIsBusy() throws Exception
    {
        final RbdImageSpec spec = cluster.image("timeout", "16M");
        try (RbdBackstore plain = RbdBackstore.open("timeout", spec, 512, true))
        {
            assertEquals("30", plain.osdOpTimeout().trim(), "the gateway's default");
        }
        // Without librbd's cache, whose copy of the block written would answer the READ without the OSD.
        try (LoopDriver d = new LoopDriver(RbdBackstore.open("timeout", cluster.withConf(spec,
            "rados osd op timeout = 2\nrbd cache = false"), 512, false)))
        {
            assertEquals("2", ((RbdBackstore)d.backstore).osdOpTimeout().trim(), "the ceph.conf's");
            fill(d.buffer, 0, 4096, 0x7E);
            d.run(4096, LoopDriver.cdb16(0x8A, 0, 0, 8));
            d.assertGood();
            final long start = System.nanoTime();
            try (AutoCloseable stopped = cluster.stopOsd(30_000))
            {
                d.run(4096, LoopDriver.cdb16(0x88, 0, 0, 8));
            }
            final long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(ScsiStatus.BUSY, d.task.status(), "status after " + tookMillis + " ms");
            assertEquals(0, d.task.senseLength(), "BUSY carries no sense data");
            assertTrue(tookMillis >= 1_500 && tookMillis < 20_000, tookMillis + " ms");
            d.run(4096, LoopDriver.cdb16(0x88, 0, 0, 8));
            d.assertGood();
            assertPattern(d.buffer, 0, 4096, 0x7E);
            // A write through another gateway has to take the image's lock over first; the cluster not answering
            // that either, the write is BUSY too (a failed takeover's writes were answered MEDIUM ERROR).
            try (LoopDriver other = new LoopDriver(RbdBackstore.open("timeout", cluster.withConf(spec,
                "rados osd op timeout = 2\nrbd cache = false"), 512, false)))
            {
                fill(other.buffer, 0, 4096, 0x3C);
                try (AutoCloseable stopped = cluster.stopOsd(30_000))
                {
                    other.run(4096, LoopDriver.cdb16(0x8A, 0, 0, 8));
                }
                assertEquals(ScsiStatus.BUSY, other.task.status(), "a write whose takeover timed out");
                assertFalse(((RbdBackstore)other.backstore).lockOwner());
                assertEquals(0, ((RbdBackstore)other.backstore).takeovers());
            }
        }
    }

    /**
     * A change no gateway announced (its gateway's write timed out on its side but was stored, so it neither
     * completed nor notified) still reaches the other gateways: each reads the state again after 10 s without an
     * announcement. Here gateway B's store puts back an older state without a notify; gateway A's PERSISTENT
     * RESERVE IN shows it within that (before, A kept the newer one until its own next PERSISTENT RESERVE OUT).
     */
    @Test
    void aChangeNobodyAnnouncedIsReadWithinTheCheckInterval() throws Exception
    {
        final RbdImageSpec spec = cluster.image("pr-check", "16M");
        try (LoopDriver a = new LoopDriver(RbdBackstore.open("pr-check", spec, 512, false));
            LoopDriver b = new LoopDriver(RbdBackstore.open("pr-check", cluster.asAnotherGateway(spec), 512, false)))
        {
            final SharedReservationStore storeB = ((RbdBackstore)b.backstore).sharedReservations();
            a.lu.shareReservations(((RbdBackstore)a.backstore).sharedReservations());
            b.lu.shareReservations(storeB);
            register(b, 0, 0x1);
            final byte[] first = storeB.read().bytes();
            register(b, 0x1, 0x2);
            assertEquals(0x2L, onlyKey(a), "announced to A");
            storeB.replace(first, storeB.read().version()); // no announcement
            final long start = System.nanoTime();
            long key = onlyKey(a);
            while (key != 0x1L && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15))
            {
                Thread.sleep(100);
                key = onlyKey(a);
            }
            final long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0x1L, key, "A after " + tookMillis + " ms");
            System.out.println("A read the unannounced change after " + tookMillis + " ms");
        }
    }

    /** PERSISTENT RESERVE OUT, REGISTER, through {@code d}'s loop (run aside on an rbd LUN): GOOD. */
    private static void register(final LoopDriver d, final long key, final long serviceActionKey)
    {
        d.buffer.asSlice(0, 24).fill((byte)0);
        d.buffer.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 0, key);
        d.buffer.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 8, serviceActionKey);
        final int before = d.completions;
        d.task.reset();
        d.task.nexus(d.nexus).device(d.device).cdb(new byte[] {0x5F, 0, 0, 0, 0, 0, 0, 0, 24, 0})
            .expectedDataTransferLength(24).dataBuffer(d.buffer);
        d.lu.execute(d.task);
        final long deadline = System.nanoTime() + LoopDriver.WAIT_NANOS;
        while (d.completions == before && System.nanoTime() - deadline < 0)
        {
            d.loop.doWork();
        }
        d.assertGood();
    }

    /** The one key PERSISTENT RESERVE IN, READ KEYS, reports through {@code d}. */
    private static long onlyKey(final LoopDriver d)
    {
        d.run(64, 0x5E, 0, 0, 0, 0, 0, 0, 0, 64, 0);
        d.assertGood();
        assertEquals(8, d.buffer.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 4), "one key");
        return d.buffer.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 8);
    }

    /** Records what a store hands its listener. */
    private static SharedReservationStore.Listener heard(final BlockingQueue<String> into)
    {
        return new SharedReservationStore.Listener()
        {
            @Override
            public void announced(final byte[] message)
            {
                into.add(new String(message, StandardCharsets.US_ASCII));
            }

            @Override
            public void missed()
            {
                into.add("missed");
            }

            @Override
            public void check()
            {
                // the periodic check, every 10 s: not what these tests listen for
            }
        };
    }

    @Test
    void theGatewaysOfAnImageKeepOneStateOfPersistentReservationsAndTellEachOtherOfChanges() throws Exception
    {
        final RbdImageSpec spec = cluster.image("pr", "16M");
        final BlockingQueue<String> heardA = new LinkedBlockingQueue<>();
        final BlockingQueue<String> heardB = new LinkedBlockingQueue<>();
        try (RbdBackstore a = RbdBackstore.open("pr", spec, 512, false);
            RbdBackstore b = RbdBackstore.open("pr", cluster.asAnotherGateway(spec), 512, false))
        {
            final SharedReservationStore storeA = a.sharedReservations();
            final SharedReservationStore storeB = b.sharedReservations();
            assertSame(storeA, a.sharedReservations(), "one store per backstore");
            assertEquals(storeA.where(), storeB.where(), "one object for the image");
            assertTrue(cluster.exec("rados", "-c", cluster.conf, "-p", "rbd", "ls").contains("ringtarget_pr."),
                storeA.where());
            storeA.listen(heard(heardA));
            storeB.listen(heard(heardB));
            final SharedReservationStore.Stored emptyA = storeA.read();
            final SharedReservationStore.Stored emptyB = storeB.read();
            assertEquals(0, emptyA.bytes().length, "nothing stored yet");
            assertEquals(emptyA.version(), emptyB.version());
            // Compare and swap: B read before A wrote, so B's write is refused and nothing of it stored.
            final long one = storeA.replace("one".getBytes(StandardCharsets.US_ASCII), emptyA.version());
            assertTrue(one > emptyA.version(), one + " after " + emptyA.version());
            assertEquals(-1, storeB.replace("two".getBytes(StandardCharsets.US_ASCII), emptyB.version()));
            final SharedReservationStore.Stored afterA = storeB.read();
            assertEquals("one", new String(afterA.bytes(), StandardCharsets.US_ASCII));
            assertEquals(one, afterA.version());
            final long two = storeB.replace("two".getBytes(StandardCharsets.US_ASCII), one);
            assertTrue(two > one);
            assertEquals("two", new String(storeA.read().bytes(), StandardCharsets.US_ASCII));
            // An announcement returns once every gateway's listener has taken it (the announcer's own too): no wait.
            storeA.announce("hello".getBytes(StandardCharsets.US_ASCII));
            assertEquals("hello", heardA.poll());
            assertEquals("hello", heardB.poll());
            storeB.announce("back".getBytes(StandardCharsets.US_ASCII));
            assertEquals("back", heardA.poll());
            assertEquals("back", heardB.poll());
            // A second logical unit on A's backstore (a configuration change building it again) hears them too,
            // until the first one is retired.
            final BlockingQueue<String> heardA2 = new LinkedBlockingQueue<>();
            final SharedReservationStore.Listener second = heard(heardA2);
            storeA.listen(second);
            storeB.announce("both".getBytes(StandardCharsets.US_ASCII));
            assertEquals("both", heardA.poll());
            assertEquals("both", heardA2.poll());
            assertEquals("both", heardB.poll());
            storeA.stopListening(second);
            storeB.announce("first".getBytes(StandardCharsets.US_ASCII));
            assertEquals("first", heardA.poll());
            assertEquals("first", heardB.poll());
            assertTrue(heardA.isEmpty() && heardB.isEmpty() && heardA2.isEmpty(), heardA + " " + heardB + " " +
                heardA2);
        }
    }

    @Test
    void aFencedGatewayOpensTheImageAgainAsANewClientAndTakesItBackWithItsNextWrite() throws Exception
    {
        final RbdImageSpec spec = cluster.image("reopen", "16M");
        final RbdImageSpec sibling = cluster.image("reopen-sibling", "16M");
        final List<String> first = new CopyOnWriteArrayList<>();
        final List<String> firstSibling = new CopyOnWriteArrayList<>();
        final List<String> second = new CopyOnWriteArrayList<>();
        final EventLoop other = new EventLoop("other", Ring.open(new RingConfig().entries(64)));
        try (LoopDriver a = new LoopDriver(RbdBackstore.open("reopen", spec, 512, false));
            LoopDriver aSibling = new LoopDriver(RbdBackstore.open("reopen-sibling", sibling, 512, false));
            LoopDriver b = new LoopDriver(RbdBackstore.open("reopen", cluster.asAnotherGateway(spec), 512, false)))
        {
            final RbdBackstore rbdA = (RbdBackstore)a.backstore;
            // A second loop of A's: its word is needed before the switch, and its results come through its inbox.
            final BlockDevice otherDevice = rbdA.open(other);
            final ScsiTask otherTask = new ScsiTask();
            final int[] otherDone = {0};
            otherTask.listener(t -> otherDone[0]++);
            final RbdBackstore rbdB = (RbdBackstore)b.backstore;
            // The persistent reservations' store follows A onto its new client too (below).
            final BlockingQueue<String> heardA = new LinkedBlockingQueue<>();
            final BlockingQueue<String> heardB = new LinkedBlockingQueue<>();
            final SharedReservationStore storeA = rbdA.sharedReservations();
            final SharedReservationStore storeB = rbdB.sharedReservations();
            storeA.listen(heard(heardA));
            storeB.listen(heard(heardB));
            a.backstore.events(recorder(first));
            aSibling.backstore.events(recorder(firstSibling));
            b.backstore.events(recorder(second));
            fill(a.buffer, 0, 4096, 0xA1);
            a.run(4096, LoopDriver.cdb16(0x8A, 0, 0, 8));
            a.assertGood();
            aSibling.run(4096, LoopDriver.cdb16(0x8A, 0, 0, 8)); // the sibling image holds its own lock, on A's client
            aSibling.assertGood();
            fill(b.buffer, 0, 4096, 0xB2);
            b.run(4096, LoopDriver.cdb16(0x8A, 0, 0, 8));
            b.assertGood();
            // A, which gets no I/O, finds it out by itself (its lock thread's check, every few seconds): fenced, and so
            // is every image on the same Ceph client.
            final long takenAt = System.nanoTime();
            awaitEvent(first, "fencedOff", a.loop, aSibling.loop, other);
            final long fencedAt = System.nanoTime();
            System.out.println("A knew it was fenced " + (fencedAt - takenAt) / 1_000_000 + " ms after B's takeover");
            assertTrue(rbdA.fenced());
            a.run(4096, LoopDriver.cdb16(0x88, 0, 0, 8));
            assertEquals(SenseKey.NOT_READY, a.task.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F);
            // The client's images are told one after the other, on the thread that met the blocklist: A's first.
            awaitEvent(firstSibling, "fencedOff", a.loop, aSibling.loop, other);
            assertTrue(((RbdBackstore)aSibling.backstore).fenced(), "the other image of the blocklisted client");
            assertEquals(List.of("ownershipTaken null", "fencedOff"), firstSibling);
            // Opened again after the hold-down, as a new client: A reads again, without the lock.
            awaitEvent(first, "reopened", a.loop, aSibling.loop, other);
            awaitEvent(firstSibling, "reopened", a.loop, aSibling.loop, other);
            assertTrue(System.nanoTime() - fencedAt >= (RbdBackstore.REOPEN_DELAY_SECONDS - 1) * 1_000_000_000L,
                "not before the hold-down");
            assertFalse(rbdA.fenced());
            assertEquals(1, rbdA.reopens());
            assertEquals(List.of("ownershipTaken null", "fencedOff", "reopened"), first);
            a.run(4096, LoopDriver.cdb16(0x88, 0, 0, 8));
            a.assertGood();
            assertPattern(a.buffer, 0, 4096, 0xB2);
            // A's store lost its watch with its client; on the new one it watches again, reads the state again
            // (missed), and its changes and announcements reach B as before.
            assertEquals("missed", heardA.poll(30, TimeUnit.SECONDS));
            final SharedReservationStore.Stored stored = storeA.read();
            assertTrue(storeA.replace("after".getBytes(StandardCharsets.US_ASCII), stored.version()) >= 0);
            storeA.announce("after".getBytes(StandardCharsets.US_ASCII));
            assertEquals("after", heardB.poll());
            assertEquals("after", new String(storeB.read().bytes(), StandardCharsets.US_ASCII));
            a.buffer.fill((byte)0);
            runOn(other, a, otherDevice, otherTask, otherDone, 4096, LoopDriver.cdb16(0x88, 0, 0, 8));
            assertEquals(ScsiStatus.GOOD, otherTask.status());
            assertPattern(a.buffer, 0, 4096, 0xB2);
            assertFalse(rbdA.lockOwner());
            assertTrue(rbdB.lockOwner(), "reading took nothing from B");
            // A's next write takes the image back: B is blocklisted in turn, fenced at its next I/O, and reopens too.
            fill(a.buffer, 0, 4096, 0xA4);
            a.run(4096, LoopDriver.cdb16(0x8A, 0x08, 0, 8)); // FUA
            a.assertGood();
            assertTrue(rbdA.lockOwner());
            assertTrue(first.get(3).startsWith("ownershipTaken 127.0.0.1:0/"), first.toString());
            b.run(4096, LoopDriver.cdb16(0x8A, 0, 0, 8)); // refused by Ceph, or at once if B's own check came first
            assertEquals(SenseKey.NOT_READY, b.task.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F);
            awaitEvent(second, "reopened", b.loop);
            b.run(4096, LoopDriver.cdb16(0x88, 0, 0, 8));
            b.assertGood();
            assertPattern(b.buffer, 0, 4096, 0xA4);
            // The sibling, reopened on A's new client, writes again: its lock is still recorded as A's old client's
            // (whom B broke and blocklisted), so the new client breaks it.
            aSibling.run(4096, LoopDriver.cdb16(0x8A, 0, 0, 8));
            aSibling.assertGood();
            assertEquals(List.of("ownershipTaken null", "fencedOff", "reopened", second.get(0)), firstSibling);
        }
        finally
        {
            other.onClose();
            other.ring().close();
        }
        // Closed cleanly: A's new client released the lock it held.
        assertFalse(cluster.rbd("lock", "ls", "rbd/reopen").contains("auto"));
    }

    /** Waits for {@code event}, running the loops meanwhile (the reopen switches completions on the home loop). */
    private static void awaitEvent(final List<String> events, final String event, final EventLoop... loops)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + 120_000_000_000L;
        while (!events.contains(event) && System.nanoTime() < deadline)
        {
            for (final EventLoop l : loops)
            {
                l.doWork();
            }
            Thread.sleep(1);
        }
        assertTrue(events.contains(event), event + " never came: " + events);
    }

    @Test
    void aLoopThatDoesNotReadTheEventfdGetsItsCompletionsThroughItsInbox() throws Exception
    {
        final RbdImageSpec spec = cluster.image("loops", "16M");
        try (LoopDriver home = new LoopDriver(RbdBackstore.open("loops", spec, 512, false)))
        {
            final RbdBackstore rbd = (RbdBackstore)home.backstore;
            assertEquals(home.loop, rbd.completionLoop());
            final EventLoop other = new EventLoop("other", Ring.open(new RingConfig().entries(64)));
            try
            {
                final BlockDevice device = rbd.open(other);
                final ScsiTask task = new ScsiTask();
                final int[] done = {0};
                task.listener(t -> done[0]++);
                fill(home.buffer, 0, 8192, 0x3C);
                runOn(other, home, device, task, done, 8192, LoopDriver.cdb16(0x8A, 0x08, 16, 16)); // FUA
                assertEquals(ScsiStatus.GOOD, task.status());
                home.buffer.fill((byte)0);
                runOn(other, home, device, task, done, 8192, LoopDriver.cdb16(0x88, 0, 16, 16));
                assertEquals(ScsiStatus.GOOD, task.status());
                assertPattern(home.buffer, 0, 8192, 0x3C);
                assertEquals(0, other.deviceIoInFlight());
            }
            finally
            {
                other.onClose();
                other.ring().close();
            }
        }
    }

    @Test
    void theInboxKeepsDeliveringOneResultAtATimeAcrossItsWrap() throws Exception
    {
        final RbdImageSpec spec = cluster.image("wrap", "16M");
        try (LoopDriver home = new LoopDriver(RbdBackstore.open("wrap", spec, 512, false)))
        {
            final RbdBackstore rbd = (RbdBackstore)home.backstore;
            final EventLoop other = new EventLoop("other", Ring.open(new RingConfig().entries(64)));
            try
            {
                final BlockDevice device = rbd.open(other);
                final ScsiTask task = new ScsiTask();
                final int[] done = {0};
                task.listener(t -> done[0]++);
                // QD1, as an initiator with one command in flight: past the first wrap of the 256 KiB inbox (10923
                // results), each result must be delivered without another one coming to schedule the drain.
                for (int i = 0; i < 11_500; i++)
                {
                    runOn(other, home, device, task, done, 512, LoopDriver.cdb16(0x88, 0, i % 1024, 1));
                    assertEquals(ScsiStatus.GOOD, task.status(), "read " + i);
                }
            }
            finally
            {
                other.onClose();
                other.ring().close();
            }
        }
    }

    /** A command through {@code device} (of the loop {@code other}), pumping both loops until it completes. */
    private static void runOn(final EventLoop other, final LoopDriver home, final BlockDevice device,
        final ScsiTask task, final int[] done, final int edtl, final int[] cdb)
    {
        final byte[] bytes = new byte[cdb.length];
        for (int i = 0; i < cdb.length; i++)
        {
            bytes[i] = (byte)cdb[i];
        }
        final int before = done[0];
        task.reset();
        task.nexus(home.nexus).device(device).cdb(bytes).expectedDataTransferLength(edtl).dataBuffer(home.buffer);
        home.lu.execute(task);
        final long deadline = System.nanoTime() + LoopDriver.WAIT_NANOS;
        while (done[0] == before && System.nanoTime() < deadline)
        {
            home.loop.doWork();
            other.doWork();
        }
        assertEquals(before + 1, done[0], "completed once within the bound");
    }

    @Test
    void aSnapshotIsServedReadOnlyWithTheDataItWasTakenWithAndAnIdentityOfItsOwn() throws Exception
    {
        final RbdImageSpec head = cluster.image("snapped", "16M");
        final String headKey;
        try (LoopDriver d = new LoopDriver(RbdBackstore.open("head", head, 512, false)))
        {
            fill(d.buffer, 0, 64 * 1024, 21);
            d.run(64 * 1024, LoopDriver.cdb16(0x8A, 0, 0, 128));
            d.assertGood();
            cluster.rbd("snap", "create", "rbd/snapped@before");
            fill(d.buffer, 0, 64 * 1024, 42);
            d.run(64 * 1024, LoopDriver.cdb16(0x8A, 0, 0, 128));
            d.assertGood();
            headKey = d.backstore.identityKey();
        }
        final RbdImageSpec snapshot = RbdImageSpec.of("rbd/snapped@before", cluster.conf, null, null);
        final String snapshotKey;
        // Opened as writable: a snapshot is read-only whatever the caller asks.
        try (LoopDriver d = new LoopDriver(RbdBackstore.open("snap", snapshot, 512, false)))
        {
            assertTrue(d.backstore.readOnly());
            assertFalse(d.backstore.supportsUnmap());
            assertEquals((16L << 20) / 512, d.backstore.blockCount());
            d.run(64 * 1024, LoopDriver.cdb16(0x88, 0, 0, 128));
            d.assertGood();
            assertPattern(d.buffer, 0, 64 * 1024, 21);
            d.run(4096, LoopDriver.cdb16(0x8A, 0, 0, 8));
            assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status());
            assertEquals(SenseKey.DATA_PROTECT, d.task.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F);
            assertEquals(Asc.WRITE_PROTECTED, asc(d.task));
            snapshotKey = d.backstore.identityKey();
        }
        assertTrue(snapshotKey.startsWith(headKey + "@"), snapshotKey + " against " + headKey);
        // Made again under the same name, it is another snapshot (another id): another logical unit.
        cluster.rbd("snap", "rm", "rbd/snapped@before");
        cluster.rbd("snap", "create", "rbd/snapped@before");
        try (LoopDriver d = new LoopDriver(RbdBackstore.open("again", snapshot, 512, true)))
        {
            final List<String> events = new CopyOnWriteArrayList<>();
            d.backstore.events(recorder(events));
            assertFalse(snapshotKey.equals(d.backstore.identityKey()), snapshotKey);
            d.run(64 * 1024, LoopDriver.cdb16(0x88, 0, 0, 128));
            d.assertGood();
            assertPattern(d.buffer, 0, 64 * 1024, 42);
            // Removed while served: the gateway notices (the image's header watch), its reads answer NOT READY,
            // MEDIUM NOT PRESENT rather than whatever the trimmed snapshot would read as.
            cluster.rbd("snap", "rm", "rbd/snapped@before");
            awaitEvent(events, "mediumRemoved snapshot rbd/snapped@before", d.loop);
            d.run(64 * 1024, LoopDriver.cdb16(0x88, 0, 0, 128));
            assertEquals(ScsiStatus.CHECK_CONDITION, d.task.status());
            assertEquals(SenseKey.NOT_READY, d.task.senseData().get(ValueLayout.JAVA_BYTE, 2) & 0x0F);
            assertEquals(Asc.MEDIUM_NOT_PRESENT, asc(d.task));
        }
        final java.io.IOException missing = assertThrows(java.io.IOException.class, () -> RbdBackstore.open("none",
            RbdImageSpec.of("rbd/snapped@never", cluster.conf, null, null), 512, true));
        assertTrue(missing.getMessage().contains("rbd/snapped@never"), missing.getMessage());
    }

    @Test
    void anImageInANamespaceIsAnotherImageThanTheOneOfTheSameNameOutsideIt() throws Exception
    {
        cluster.rbd("namespace", "create", "rbd/tenant1");
        cluster.rbd("create", "--size", "16M", "rbd/tenant1/disk");
        final RbdImageSpec outside = cluster.image("disk", "32M");
        final RbdImageSpec inside = RbdImageSpec.of("rbd/tenant1/disk", cluster.conf, null, null);
        assertEquals("tenant1", inside.namespace());
        try (LoopDriver in = new LoopDriver(RbdBackstore.open("in", inside, 512, false));
            LoopDriver out = new LoopDriver(RbdBackstore.open("out", outside, 512, false)))
        {
            assertEquals((16L << 20) / 512, in.backstore.blockCount());
            assertEquals((32L << 20) / 512, out.backstore.blockCount());
            assertFalse(in.backstore.identityKey().equals(out.backstore.identityKey()));
            fill(in.buffer, 0, 4096, 7);
            in.run(4096, LoopDriver.cdb16(0x8A, 0, 0, 8));
            in.assertGood();
        }
        final java.nio.file.Path export = cluster.dir.resolve("ns.img");
        cluster.rbd("export", "rbd/tenant1/disk", export.toString(), "--no-progress");
        assertPattern(MemorySegment.ofArray(java.nio.file.Files.readAllBytes(export)).asSlice(0, 4096), 0, 4096, 7);
        java.nio.file.Files.delete(export);
    }

    @Test
    void aWritableImageWithoutTheExclusiveLockFeatureIsRefused() throws Exception
    {
        final RbdImageSpec spec = cluster.image("nolock", "16M", "--image-feature", "layering");
        final java.io.IOException ex = assertThrows(java.io.IOException.class,
            () -> RbdBackstore.open("nolock", spec, 512, false));
        assertTrue(ex.getMessage().contains("exclusive-lock"), ex.getMessage());
        // Read-only needs no lock.
        RbdBackstore.open("nolock", spec, 512, true).close();
        final java.io.IOException missing = assertThrows(java.io.IOException.class,
            () -> RbdBackstore.open("none", new RbdImageSpec("rbd", "nonexistent", cluster.conf, null, null), 512, false));
        assertTrue(missing.getMessage().contains("rbd/nonexistent"), missing.getMessage());
    }

    private static BackstoreEvents recorder(final List<String> events)
    {
        return new BackstoreEvents()
        {
            @Override
            public void ownershipTaken(final String previousOwner)
            {
                events.add("ownershipTaken " + previousOwner);
            }

            @Override
            public void fencedOff()
            {
                events.add("fencedOff");
            }

            @Override
            public void takeoverFailed(final String reason)
            {
                events.add("takeoverFailed " + reason);
            }

            @Override
            public void reopened()
            {
                events.add("reopened");
            }

            @Override
            public void mediumRemoved(final String what)
            {
                events.add("mediumRemoved " + what);
            }

            @Override
            public void reopenFailed(final String reason)
            {
                events.add("reopenFailed " + reason);
            }
        };
    }

    private static int[] caw(final long lba, final int blocks)
    {
        final int[] c = LoopDriver.cdb16(0x89, 0, lba, 0);
        c[10] = 0;
        c[11] = 0;
        c[12] = 0;
        c[13] = blocks;
        return c;
    }

    private static void descriptor(final MemorySegment p, final int at, final long lba, final int blocks)
    {
        p.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), at, lba);
        p.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), at + 8, blocks);
    }

    private static int asc(final ScsiTask t)
    {
        return ((t.senseData().get(ValueLayout.JAVA_BYTE, 12) & 0xFF) << 8) | (t.senseData().get(ValueLayout.JAVA_BYTE, 13) & 0xFF);
    }

    private static void fill(final MemorySegment s, final long offset, final int length, final int seed)
    {
        for (int i = 0; i < length; i++)
        {
            s.set(ValueLayout.JAVA_BYTE, offset + i, (byte)(seed + (offset + i) / 512));
        }
    }

    private static void assertPattern(final MemorySegment s, final long offset, final int length, final int seed)
    {
        for (int i = 0; i < length; i++)
        {
            final int expected = seed == 0 ? 0 : (byte)(seed + (offset + i) / 512) & 0xFF;
            final int actual = s.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF;
            if (actual != expected)
            {
                throw new AssertionError("byte " + (offset + i) + " is " + actual + ", expected " + expected);
            }
        }
    }
}
