package io.ringtarget.ring;

/**
 * What an {@link EventLoop} reports to its {@link org.agrona.ErrorHandler} when a completion handler, a task or a
 * worker threw: the message says which loop and which callback, the cause is what was thrown. Built only on the fault
 * path; no stack trace of its own (the cause has the one that matters).
 */
public final class LoopFaultException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public LoopFaultException(final String message, final Throwable cause)
    {
        super(message, cause, true, false);
    }
}
