package io.ringtarget.ring;

import io.ringtarget.ffi.ErrnoException;
import io.ringtarget.ffi.IoUringParams;
import io.ringtarget.ffi.IoUringSyscalls;
import io.ringtarget.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.ringtarget.ffi.IoUringConstants.*;
import static io.ringtarget.ffi.LibcConstants.*;

/**
 * io_uring_setup(2) with fallbacks: SINGLE_ISSUER|DEFER_TASKRUN, then COOP_TASKRUN, then no task-run flags, each with
 * and without TASKRUN_FLAG and SUBMIT_ALL, so that an older kernel (EINVAL for a flag it does not know) still gets a
 * ring; any other error is io_uring being unavailable and is thrown.
 */
final class RingSetup
{
    /** The ring's own logger: the set-up's lines read as the ring's. */
    private static final System.Logger LOG = System.getLogger(Ring.class.getName());

    private RingSetup()
    {
    }

    static Ring open(final RingConfig cfg)
    {
        final int base = IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP |
            (cfg.sqPoll() ? IORING_SETUP_SQPOLL : 0);
        final int si = cfg.singleIssuer() ? IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_R_DISABLED : 0;
        final int[] modes = new int[8];
        int n = 0;
        if (cfg.singleIssuer() && cfg.deferTaskrun())
        {
            modes[n++] = si | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
            modes[n++] = si | IORING_SETUP_DEFER_TASKRUN;
        }
        if (cfg.coopTaskrun())
        {
            modes[n++] = si | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
            modes[n++] = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
        }
        modes[n++] = si;
        modes[n++] = 0;

        final Arena arena = Arena.ofShared();
        try
        {
            final MemorySegment params = arena.allocate(IoUringParams.LAYOUT);
            int lastError = 0;
            for (int i = 0; i < n; i++)
            {
                for (int withSubmitAll = cfg.submitAll() ? 1 : 0; withSubmitAll >= 0; withSubmitAll--)
                {
                    final int flags = base | modes[i] | (withSubmitAll == 1 ? IORING_SETUP_SUBMIT_ALL : 0);
                    params.fill((byte)0);
                    IoUringParams.flags(params, flags);
                    IoUringParams.cq_entries(params, cfg.cqEntries());
                    if (cfg.sqPoll())
                    {
                        IoUringParams.sq_thread_idle(params, cfg.sqThreadIdleMillis());
                    }
                    final int fd = IoUringSyscalls.setup(cfg.entries(), params);
                    if (fd >= 0)
                    {
                        final Ring ring;
                        try
                        {
                            ring = new Ring(arena, fd, params, flags);
                        }
                        catch (final RuntimeException ex)
                        {
                            Libc.close(fd);
                            throw ex;
                        }
                        // DEBUG: a process opens one ring per loop, and the engine logs the set-up once for all.
                        LOG.log(System.Logger.Level.DEBUG, "io_uring ready: {0}", ring.describe());
                        return ring;
                    }
                    lastError = -fd;
                    if (lastError != EINVAL)
                    {
                        final boolean unavailable = lastError == ENOSYS || lastError == EPERM;
                        throw new ErrnoException("io_uring_setup(" + cfg + ")" + (unavailable ? " - io_uring " +
                            "unavailable (kernel without io_uring, kernel.io_uring_disabled, or seccomp)" : ""),
                            lastError);
                    }
                    LOG.log(System.Logger.Level.DEBUG, "io_uring_setup flags {0} rejected (EINVAL), trying fewer",
                        RingFlagNames.setupFlags(flags));
                }
            }
            throw new ErrnoException("io_uring_setup(" + cfg + ") with every fallback", lastError);
        }
        catch (final RuntimeException ex)
        {
            arena.close();
            throw ex;
        }
    }
}
