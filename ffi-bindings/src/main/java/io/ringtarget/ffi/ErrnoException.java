package io.ringtarget.ffi;

/**
 * A failed system call outside the hot path, with its errno and the libc text for it, e.g.
 * {@code "io_uring_setup failed: ENOSYS (Function not implemented)"}. Hot-path calls return {@code -errno} instead.
 */
public final class ErrnoException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int errno;

    public ErrnoException(final String operation, final int errno)
    {
        super(operation + " failed: " + Errno.describe(errno));
        this.errno = errno;
    }

    /** The positive errno value. */
    public int errno()
    {
        return errno;
    }
}
