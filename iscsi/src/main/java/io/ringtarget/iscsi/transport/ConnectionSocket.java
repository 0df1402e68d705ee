package io.ringtarget.iscsi.transport;

/**
 * The socket operations of one connection. Each is started here and completes later through the connection's
 * completion handler, with the user_data it was started with and its result (bytes, or -errno). In the engine they
 * are SQEs on the loop's io_uring ring ({@link RingSocket}); the command-path benchmark (bench module,
 * CommandPathBenchmark) drives a connection through {@link InMemorySocket}, which has no socket, so the protocol
 * path can be measured without the kernel. Owned by the connection's loop.
 */
public interface ConnectionSocket
{
    /** RECV of at most {@code length} bytes into the memory at {@code address}. */
    void recv(long address, int length, long userData);

    /** SENDMSG of the msghdr at {@code msghdrAddress}; it and its iovecs stay untouched until it completes. */
    void sendmsg(long msghdrAddress, long userData);

    /** Cancels the operation started with {@code targetUserData}; that one still completes, on its own user_data. */
    void cancel(long targetUserData, long userData);

    /** Closes the socket; call once none of its operations is in flight. */
    void close(long userData);
}
