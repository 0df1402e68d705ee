package io.ringtarget.ring;

import io.ringtarget.ffi.Errno;
import io.ringtarget.ffi.Libc;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static io.ringtarget.ffi.LibcConstants.ECANCELED;
import static io.ringtarget.ffi.LibcConstants.EFD_CLOEXEC;
import static io.ringtarget.ffi.LibcConstants.EFD_NONBLOCK;

/**
 * One event loop: an Agrona {@link Agent} that owns one {@link Ring}. Each duty cycle ({@link #doWork()}) reads the
 * clock once, drains the hand-over queue of {@link LoopTask}s, reaps CQEs and dispatches each by the owner id in its
 * user_data ({@link UserData}) to the {@link CompletionHandler} registered under it (an array index; no allocation,
 * no boxing), runs the {@link LoopWorker}s, and submits once (plus mid-cycle when handlers have queued
 * {@link #submitThreshold} SQEs, so a long batch of completions does not hold back the I/O it triggers).
 * <p>
 * Owner id 0 is the loop's own: a READ on an eventfd stays armed so that {@link #offer} can wake a loop parked in
 * io_uring_enter ({@link #park}).
 * <p>
 * Deadlines: nothing wakes a parked loop but a completion, an offer or the park's bound, so whatever has to run at a
 * time of its own (a worker's timer) says so in every duty cycle with {@link #wakeBy}; {@link #park} then waits no
 * longer than the earliest such deadline. A loop whose workers ask for none sleeps for the idle strategy's whole
 * bound: an idle target does not wake to find nothing to do.
 * <p>
 * Fault boundary: a {@link RuntimeException} thrown by a completion handler, a task or a worker stays in the duty
 * cycle. It is counted, a handler's owner is told ({@link CompletionHandler#onFault}), and unless the owner handles it
 * it goes to the loop's {@link ErrorHandler} as a {@link LoopFaultException}; then the loop goes on with the next
 * completion, task or worker (a worker that threw is called again next cycle). {@link Error}s propagate to the runner.
 * <p>
 * Counters ({@link EventLoopCounters}, one per {@link LoopCounter}) live in a {@link Counters} registry, the group's
 * or the loop's own: the loop thread writes them with release stores, any thread reads them ({@link #counters()}, or
 * the registry's reader), and they are freed when the loop closes. Updating them allocates nothing.
 */
public final class EventLoop implements Agent
{
    public static final int DEFAULT_TASK_QUEUE_CAPACITY = 4096;
    public static final int DEFAULT_TASK_LIMIT = 64;
    public static final int DEFAULT_CQE_LIMIT = 1024;
    /**
     * SQEs queued by completion handlers that make the loop submit before the end of the duty cycle: reads queued
     * while a large batch of CQEs is dispatched would otherwise wait for the whole batch, and the device queue runs
     * shallow (RingRandomReadBenchmark: 10-15% fewer IOPS at QD 32 without it, docs/ring-io.md).
     */
    public static final int DEFAULT_SUBMIT_THRESHOLD = 8;
    /** About how much of its recent past {@link #saturated()} looks at. */
    public static final long LOAD_WINDOW_NANOS = 4_000_000L;
    /** Busy this share of {@link #LOAD_WINDOW_NANOS} or more: {@link #saturated()}. */
    public static final int SATURATED_PERCENT = 85;
    /** Busy less than this share: no longer {@link #saturated()}. */
    public static final int UNSATURATED_PERCENT = 60;
    private static final int OP_WAKEUP = 1;
    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());
    /** eventfd(2) reads and writes one 8-byte counter. */
    private static final int EVENTFD_VALUE_BYTES = Long.BYTES;
    private final String name;
    private final Ring ring;
    private final NanoClock clock;
    private final ErrorHandler errorHandler;
    private final ManyToOneConcurrentArrayQueue<LoopTask> tasks;
    private final Consumer<LoopTask> taskRunner = this::runTask;
    private final CompletionHandler dispatcher = this::dispatch;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment wakeOne;
    private final MemorySegment wakeReadBuffer;
    private final int wakeFd;
    private final EventLoopCounters counters;
    private final CompletionOwners owners = new CompletionOwners();
    private LoopWorker[] workers = new LoopWorker[0];
    private long nowNanos;
    /** The work count of the previous duty cycle, -1 before the first: whether its time was busy or idle. */
    private int lastCycleWork = -1;
    private Thread thread;
    private volatile boolean parked;
    private volatile boolean closed;
    /** Threads inside {@link #wakeup()}: {@link #onClose()} closes the eventfd only once none is about to write it. */
    private final AtomicInteger wakers = new AtomicInteger();
    private boolean wakeArmed;
    private int cpu = -1;
    private int taskLimit = DEFAULT_TASK_LIMIT;
    private int cqeLimit = DEFAULT_CQE_LIMIT;
    private int submitThreshold = DEFAULT_SUBMIT_THRESHOLD;
    private int deviceIoInFlight;
    private boolean deviceIoSincePark;
    private boolean pollingHeld;
    private boolean pollingKept;
    /** The loop's recent work and idle time, halved together as they pass {@link #LOAD_WINDOW_NANOS}. */
    private long loadBusyNanos;
    private long loadIdleNanos;
    private boolean saturated;
    /** The earliest {@link #wakeBy} deadline asked for in the current duty cycle, valid while {@link #deadlineSet}. */
    private long deadlineNanos;
    private boolean deadlineSet;

    public EventLoop(final String name, final Ring ring)
    {
        this(name, ring, SystemNanoClock.INSTANCE, DEFAULT_TASK_QUEUE_CAPACITY);
    }

    public EventLoop(final String name, final Ring ring, final NanoClock clock, final int taskQueueCapacity)
    {
        this(name, ring, clock, taskQueueCapacity, EventLoop::logError);
    }

    /** @param errorHandler receives the faults of handlers, tasks and workers (on the loop thread); must not throw. */
    public EventLoop(
        final String name, final Ring ring, final NanoClock clock, final int taskQueueCapacity,
        final ErrorHandler errorHandler)
    {
        this(name, ring, clock, taskQueueCapacity, errorHandler, new Counters(LoopCounter.values().length));
    }

    /**
     * @param registry where the loop allocates its {@link LoopCounter}s (all but {@link LoopCounter#ERRORS}, which is
     *                 the group's); they are freed when the loop closes.
     */
    public EventLoop(
        final String name, final Ring ring, final NanoClock clock, final int taskQueueCapacity,
        final ErrorHandler errorHandler, final Counters registry)
    {
        this.counters = new EventLoopCounters(registry, name);
        this.name = name;
        this.ring = ring;
        this.clock = clock;
        this.errorHandler = errorHandler;
        this.tasks = new ManyToOneConcurrentArrayQueue<>(taskQueueCapacity);
        this.wakeOne = arena.allocate(ValueLayout.JAVA_LONG);
        this.wakeOne.set(ValueLayout.JAVA_LONG, 0, 1L);
        this.wakeReadBuffer = arena.allocate(ValueLayout.JAVA_LONG);
        final int fd = Libc.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (fd < 0)
        {
            this.counters.close();
        }
        this.wakeFd = Libc.check(fd, "eventfd");
    }

    public Ring ring()
    {
        return ring;
    }

    @Override
    public String roleName()
    {
        return name;
    }

    /** Pins the loop's thread to {@code cpu} in {@link #onStart()} (sched_setaffinity); -1 = no pinning. */
    public EventLoop pinToCpu(final int cpu)
    {
        this.cpu = cpu;
        return this;
    }

    public EventLoop taskLimit(final int taskLimit)
    {
        this.taskLimit = taskLimit;
        return this;
    }

    public EventLoop cqeLimit(final int cqeLimit)
    {
        this.cqeLimit = cqeLimit;
        return this;
    }

    /** Submit mid-cycle once this many SQEs are queued by handlers; 0 = only at the end of each duty cycle. */
    public EventLoop submitThreshold(final int submitThreshold)
    {
        this.submitThreshold = submitThreshold;
        return this;
    }

    @Override
    public void onStart()
    {
        thread = Thread.currentThread();
        if (cpu >= 0)
        {
            final int r = Affinity.pinCurrentThread(cpu);
            if (r < 0)
            {
                LOG.log(System.Logger.Level.WARNING, "{0}: sched_setaffinity(cpu {1}) failed: {2}", name, cpu, Errno.describe(r));
            }
        }
    }

    @Override
    public void onClose()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        // A thread that read closed as false before the store above may still be writing the eventfd: wait for it,
        // so that the descriptor is never written once closed (its number could belong to another file by then).
        while (wakers.get() != 0)
        {
            Thread.onSpinWait();
        }
        Libc.close(wakeFd);
        counters.close();
    }

    /**
     * Registers a completion owner under a new id, the one its operations put in their user_data; ids are reused
     * (oldest freed first), so unregister only when none of its operations is in flight. Loop thread only (or before
     * the loop starts).
     */
    public int registerOwner(final CompletionHandler owner)
    {
        return owners.register(owner);
    }

    /** @throws IllegalArgumentException when no owner is registered under {@code ownerId}. */
    public void unregisterOwner(final int ownerId)
    {
        owners.unregister(ownerId);
    }

    /** Hands a task to the loop from any thread (lock-free); false when the queue is full. Wakes a parked loop. */
    public boolean offer(final LoopTask task)
    {
        if (!tasks.offer(task))
        {
            return false;
        }
        if (parked)
        {
            wakeup();
        }
        return true;
    }

    /** Makes a parked loop return from io_uring_enter (eventfd write); any thread. */
    public void wakeup()
    {
        wakers.getAndIncrement();
        try
        {
            if (!closed)
            {
                Libc.write(wakeFd, wakeOne, EVENTFD_VALUE_BYTES);
            }
        }
        finally
        {
            wakers.getAndDecrement();
        }
    }

    /** Adds a worker run on every duty cycle. Loop thread only (or before the loop starts). */
    public void addWorker(final LoopWorker worker)
    {
        final LoopWorker[] grown = new LoopWorker[workers.length + 1];
        System.arraycopy(workers, 0, grown, 0, workers.length);
        grown[workers.length] = worker;
        workers = grown;
    }

    public void removeWorker(final LoopWorker worker)
    {
        for (int i = 0; i < workers.length; i++)
        {
            if (workers[i] == worker)
            {
                final LoopWorker[] shrunk = new LoopWorker[workers.length - 1];
                System.arraycopy(workers, 0, shrunk, 0, i);
                System.arraycopy(workers, i + 1, shrunk, i, workers.length - i - 1);
                workers = shrunk;
                return;
            }
        }
    }

    /**
     * Counts an operation on a file or block device as in flight on this loop. Its completion comes from the device,
     * at a time no peer's behaviour predicts, so {@link RingIdleStrategy} sleeps rather than polls while one is
     * pending, and until the next park once one has completed ({@link #deviceIoSincePark()}). Loop thread only.
     */
    public void deviceIoStarted()
    {
        deviceIoInFlight++;
    }

    /**
     * The idle strategy parks rather than polls, until the next park: nothing the loop could poll for is due before
     * its {@link #wakeBy} deadline (a receive waits on purpose), or the initiator is what paces the loop (a stream of
     * large transfers, where a wake-up costs little beside the data and polling only burns the wait); unless a peer
     * that waits for each response keeps the polling ({@link #keepPolling()}). Loop thread only.
     */
    public void holdPolling()
    {
        pollingHeld = true;
    }

    /**
     * The idle strategy polls as its own rules say, whatever {@link #holdPolling()} asked, until the next park: a peer
     * of this loop waits for each response (an initiator at queue depth 1), and a park would cost it a wake-up per
     * request, which on a loop shared with a stream of large transfers would last as long as the stream. Loop thread
     * only.
     */
    public void keepPolling()
    {
        pollingKept = true;
    }

    /** Whether {@link #holdPolling()} was called since the last park and {@link #keepPolling()} was not. */
    public boolean pollingHeld()
    {
        return pollingHeld && !pollingKept;
    }

    /** Whether {@link #keepPolling()} was called since the last park. */
    public boolean pollingKept()
    {
        return pollingKept;
    }

    /**
     * Whether the loop has been working nearly all of its time of late: {@link #SATURATED_PERCENT} or more of about the
     * last {@link #LOAD_WINDOW_NANOS} to become so, less than {@link #UNSATURATED_PERCENT} to stop being so (the gap
     * keeps a loop that saves work because it is saturated from flapping). Loop thread only.
     */
    public boolean saturated()
    {
        return saturated;
    }

    private void load(final boolean busy, final long nanos)
    {
        if (busy)
        {
            loadBusyNanos += nanos;
        }
        else
        {
            loadIdleNanos += nanos;
        }
        while (loadBusyNanos + loadIdleNanos > LOAD_WINDOW_NANOS)   // a long park: several halvings at once
        {
            loadBusyNanos >>= 1;
            loadIdleNanos >>= 1;
        }
        final long total = loadBusyNanos + loadIdleNanos;
        if (saturated ? loadBusyNanos * 100 < UNSATURATED_PERCENT * total :
            loadBusyNanos * 100 >= SATURATED_PERCENT * total && total >= LOAD_WINDOW_NANOS / 2)
        {
            saturated = !saturated;
        }
    }

    /** The end of an operation counted by {@link #deviceIoStarted()}. Loop thread only. */
    public void deviceIoCompleted()
    {
        deviceIoInFlight--;
        deviceIoSincePark = true;
    }

    public int deviceIoInFlight()
    {
        return deviceIoInFlight;
    }

    /** Whether a device operation completed since the loop last parked: its requests are paced by a device. */
    public boolean deviceIoSincePark()
    {
        return deviceIoSincePark;
    }

    /** The clock the loop reads at the start of each duty cycle ({@link #nowNanos()}). */
    public NanoClock clock()
    {
        return clock;
    }

    /** The clock as read at the start of the current duty cycle. */
    public long nowNanos()
    {
        return nowNanos;
    }

    public boolean onLoopThread()
    {
        return Thread.currentThread() == thread;
    }

    @Override
    public int doWork()
    {
        if (thread == null)
        {
            thread = Thread.currentThread();
        }
        if (!wakeArmed)
        {
            armWakeup();
        }
        counters.dutyCycles.incrementRelease();
        final long now = clock.nanoTime();
        if (lastCycleWork >= 0)
        {
            // The previous cycle ran from nowNanos to now (plus the idle strategy's time after it).
            (lastCycleWork > 0 ? counters.busyNanos : counters.idleNanos).getAndAddRelease(now - nowNanos);
            load(lastCycleWork > 0, now - nowNanos);
        }
        nowNanos = now;
        deadlineSet = false;
        int work = tasks.drain(taskRunner, taskLimit);
        final int reaped = ring.poll(dispatcher, cqeLimit);
        if (reaped > 0)
        {
            // Once per cycle rather than per CQE: each release store is a compiler barrier in the dispatch loop.
            counters.completions.getAndAddRelease(reaped);
            work += reaped;
        }
        final LoopWorker[] ws = workers;
        for (final LoopWorker w : ws)
        {
            try
            {
                work += w.doWork(nowNanos);
            }
            catch (final RuntimeException ex)
            {
                onWorkerFault(w, ex);
            }
        }
        final int submitted = ring.submit();
        counters.submitCalls.incrementRelease();
        if (submitted > 0)
        {
            work += submitted;
        }
        else if (submitted < 0)
        {
            counters.submitErrors.incrementRelease();
        }
        if (work == 0 && ring.readyCompletions() > 0)
        {
            // With DEFER_TASKRUN a request that arrived while the loop polled is completed by this cycle's enter
            // (GETEVENTS, nothing to submit): reap it in the next cycle at once, not after a yield or a park.
            work = 1;
        }
        copyRingCounters();
        lastCycleWork = work;
        return work;
    }

    /**
     * Asks that the next duty cycle start no later than {@code deadlineNanos} (by {@link #clock()}): a parked loop
     * wakes then. Holds for the current duty cycle only (a periodic worker asks again each cycle, which costs a
     * compare); a deadline already past makes {@link #park} return at once. Tasks, handlers and workers; loop thread
     * only.
     */
    public void wakeBy(final long deadlineNanos)
    {
        if (!deadlineSet || deadlineNanos - this.deadlineNanos < 0)
        {
            this.deadlineNanos = deadlineNanos;
            deadlineSet = true;
        }
    }

    /** Whether a {@link #wakeBy} deadline was asked for in the current duty cycle ({@link #deadlineNanos()}). */
    public boolean hasDeadline()
    {
        return deadlineSet;
    }

    /** The earliest {@link #wakeBy} deadline of the current duty cycle; meaningful only when {@link #hasDeadline()}. */
    public long deadlineNanos()
    {
        return deadlineNanos;
    }

    /**
     * Blocks in io_uring_enter until a completion, an {@link #offer}, the earliest {@link #wakeBy} deadline of the
     * last duty cycle, or {@code timeoutNanos}, whichever comes first; used by {@link RingIdleStrategy}. Loop thread
     * only.
     */
    public void park(final long timeoutNanos)
    {
        long waitNanos = timeoutNanos;
        if (deadlineSet)
        {
            final long untilDeadline = deadlineNanos - clock.nanoTime();
            if (untilDeadline <= 0)
            {
                return;
            }
            waitNanos = Math.min(waitNanos, untilDeadline);
        }
        if (!wakeArmed)
        {
            armWakeup();
        }
        parked = true;
        deviceIoSincePark = false;
        pollingHeld = false;
        pollingKept = false;
        // parked is volatile: the write above is ordered before this read, so an offer either sees parked or we see
        // its task.
        if (tasks.isEmpty())
        {
            counters.parks.incrementRelease();
            final int r = ring.submitAndWait(1, waitNanos);
            if (r < 0)
            {
                counters.submitErrors.incrementRelease();
            }
        }
        parked = false;
    }

    /** The ring's own counters are plain fields of this thread: published when they moved (rarely). */
    private void copyRingCounters()
    {
        final long sqFull = ring.sqFullFlushes();
        if (sqFull != counters.sqFullFlushes.getPlain())
        {
            counters.sqFullFlushes.setRelease(sqFull);
        }
        final long cqOverflow = ring.cqOverflowFlushes();
        if (cqOverflow != counters.cqOverflowFlushes.getPlain())
        {
            counters.cqOverflowFlushes.setRelease(cqOverflow);
        }
    }

    private void armWakeup()
    {
        ring.prepRead(wakeFd, wakeReadBuffer.address(), EVENTFD_VALUE_BYTES, 0,
            UserData.pack(CompletionOwners.LOOP, OP_WAKEUP, 0));
        wakeArmed = true;
    }

    private void runTask(final LoopTask task)
    {
        counters.tasksRun.incrementRelease();
        try
        {
            task.runOnLoop(this);
        }
        catch (final RuntimeException ex)
        {
            onTaskFault(task, ex);
        }
    }

    private void dispatch(final long userData, final int res, final int flags)
    {
        final int ownerId = UserData.ownerId(userData);
        if (ownerId == CompletionOwners.LOOP)
        {
            onLoopCompletion(userData, res);
            return;
        }
        final CompletionHandler owner = owners.get(ownerId);
        if (owner == null)
        {
            counters.unknownOwnerCompletions.incrementRelease();
            return;
        }
        try
        {
            owner.onCompletion(userData, res, flags);
        }
        catch (final RuntimeException ex)
        {
            onHandlerFault(owner, userData, res, ex);
        }
        if (submitThreshold > 0 && ring.pendingSubmissions() >= submitThreshold)
        {
            counters.submitCalls.incrementRelease();
            if (ring.submit() < 0)
            {
                counters.submitErrors.incrementRelease();
            }
        }
    }

    private void onHandlerFault(final CompletionHandler owner, final long userData, final int res, final RuntimeException ex)
    {
        counters.handlerFaults.incrementRelease();
        boolean handled = false;
        try
        {
            handled = owner.onFault(userData, ex);
        }
        catch (final RuntimeException faultEx)
        {
            if (faultEx != ex)
            {
                ex.addSuppressed(faultEx);
            }
        }
        if (!handled)
        {
            errorHandler.onError(new LoopFaultException(name + ": completion handler of owner " + UserData.ownerId(userData) +
                " threw (op " + UserData.op(userData) + ", tag " + UserData.tag(userData) + ", res " + res + ")", ex));
        }
    }

    private void onTaskFault(final LoopTask task, final RuntimeException ex)
    {
        counters.taskFaults.incrementRelease();
        errorHandler.onError(new LoopFaultException(name + ": task " + task.getClass().getName() + " threw", ex));
    }

    private void onWorkerFault(final LoopWorker worker, final RuntimeException ex)
    {
        counters.workerFaults.incrementRelease();
        errorHandler.onError(new LoopFaultException(name + ": worker " + worker.getClass().getName() + " threw", ex));
    }

    private static void logError(final Throwable t)
    {
        LOG.log(System.Logger.Level.ERROR, "error on event loop", t);
    }

    private void onLoopCompletion(final long userData, final int res)
    {
        if (UserData.op(userData) == OP_WAKEUP)
        {
            wakeArmed = false;
            if (res == -ECANCELED)
            {
                return;
            }
            counters.wakeups.incrementRelease();
            armWakeup();
        }
        else
        {
            counters.unknownOwnerCompletions.incrementRelease();
        }
    }

    /** The loop's counters: read them from any thread. */
    public EventLoopCounters counters()
    {
        return counters;
    }

    @Override
    public String toString()
    {
        return "EventLoop{" + name + ", " + counters + '}';
    }
}
