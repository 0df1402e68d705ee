package io.ringtarget.ffi;

import java.lang.foreign.MemorySegment;

import static io.ringtarget.ffi.IoUringConstants.SYS_IO_URING_ENTER;
import static io.ringtarget.ffi.IoUringConstants.SYS_IO_URING_REGISTER;
import static io.ringtarget.ffi.IoUringConstants.SYS_IO_URING_SETUP;

/**
 * The three io_uring system calls through syscall(2): glibc has no wrappers, and liburing's are not needed for a
 * ring whose SQ and CQ we touch directly (see docs/ring-io.md). All return the result or {@code -errno}.
 */
public final class IoUringSyscalls
{
    private IoUringSyscalls()
    {
    }

    /** io_uring_setup(2): returns the ring fd; {@code params} is an {@link IoUringParams} filled in by the kernel. */
    public static int setup(final int entries, final MemorySegment params)
    {
        return (int)Libc.syscall6(SYS_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
    }

    /**
     * io_uring_enter(2) with the caller's errno buffer (hot path: no thread-local lookup).
     *
     * @param arg  {@code 0} or the address of a sigset / {@link IoUringGeteventsArg} (with EXT_ARG).
     */
    public static int enter(
        final MemorySegment errnoState, final int ringFd, final int toSubmit, final int minComplete, final int flags,
        final long arg, final long argSize)
    {
        return (int)Libc.syscall6(
            errnoState, SYS_IO_URING_ENTER, ringFd, toSubmit & 0xFFFF_FFFFL, minComplete & 0xFFFF_FFFFL,
            flags & 0xFFFF_FFFFL, arg, argSize);
    }

    /** io_uring_register(2). */
    public static int register(final int ringFd, final int opcode, final long arg, final int nrArgs)
    {
        return (int)Libc.syscall6(SYS_IO_URING_REGISTER, ringFd, opcode, arg, nrArgs & 0xFFFF_FFFFL, 0, 0);
    }
}
