/**
 * One io_uring ring per event loop: {@link io.ringtarget.ring.Ring} (SQE preparation straight into the mapped SQ,
 * one io_uring_enter per batch, CQEs reaped as primitives), {@link io.ringtarget.ring.EventLoop} (the Agrona agent
 * that owns a ring and dispatches completions by {@link io.ringtarget.ring.UserData} owner id), buffers
 * ({@link io.ringtarget.ring.BufferPool}, {@link io.ringtarget.ring.ProvidedBufferRing}) and socket helpers.
 * <p>
 * Threading rules: a ring, its loop, pools and buffer rings belong to one thread. A SINGLE_ISSUER ring is owned by
 * the first thread that submits on it; after that, submits and registrations from any other thread fail with
 * EEXIST. Other threads talk to a loop only through {@link io.ringtarget.ring.EventLoop#offer}, and read its
 * counters ({@link io.ringtarget.ring.Counters}, single writer, no locks).
 * Memory handed to an SQE (buffers, iovecs, msghdrs, timespecs) must stay valid until its CQE arrives.
 * What a handler, task or worker throws stays in its loop: counted, offered to the owner
 * ({@link io.ringtarget.ring.CompletionHandler#onFault}), else reported to the loop's error handler.
 * See docs/ring-io.md.
 */
package io.ringtarget.ring;
