/** io_uring and libc bindings through the FFM API. */
package io.ringtarget.ffi;
