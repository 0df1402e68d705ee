package io.ringtarget.ffi;

import static io.ringtarget.ffi.LibcConstants.*;

/**
 * errno names and texts for messages and logs (never on the hot path: {@link #describe} allocates).
 */
public final class Errno
{
    private Errno()
    {
    }

    /** The symbolic name of an errno (positive or negative), or {@code "errno N"} when unknown here. */
    public static String name(final int errno)
    {
        final int e = Math.abs(errno);
        return switch (e)
        {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case ENXIO -> "ENXIO";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case EFBIG -> "EFBIG";
            case ENOSPC -> "ENOSPC";
            case EPIPE -> "EPIPE";
            case ENOSYS -> "ENOSYS";
            case ENODATA -> "ENODATA";
            case ETIME -> "ETIME";
            case EBADFD -> "EBADFD";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case EADDRINUSE -> "EADDRINUSE";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
            case ECONNRESET -> "ECONNRESET";
            case ENOBUFS -> "ENOBUFS";
            case ETIMEDOUT -> "ETIMEDOUT";
            case ECONNREFUSED -> "ECONNREFUSED";
            case EALREADY -> "EALREADY";
            case EINPROGRESS -> "EINPROGRESS";
            case ECANCELED -> "ECANCELED";
            default -> "errno " + e;
        };
    }

    /** {@code "EBADF (Bad file descriptor)"} for 9 or -9. */
    public static String describe(final int errno)
    {
        return name(errno) + " (" + Libc.strerror(Math.abs(errno)) + ")";
    }
}
