//! Descriptors for event loops: `sigx_fd` and `sigx_fd_mask`.

use super::boundary;
use crate::registry;
use std::os::raw::c_int;

/// A file descriptor that polls readable while a record of any signal is
/// queued, or a delivery of a signal sigx catches is pending in the kernel
/// for the process: `sigx_fd_mask(SIGX_ALL)`. See `sigx_fd_mask`.
///
/// Returns the descriptor (>= 0), or SIGX_ERR_SYSTEM (errno set).
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_fd() -> c_int {
    boundary(|| registry::fd_mask(registry::ALL))
}

/// A file descriptor for `poll`, `epoll`, `select` and event loops that
/// polls readable while a record of a signal in `mask` is queued, or a
/// delivery of such a signal that sigx catches is pending in the kernel for
/// the process (blocked in every thread that could take it), and not
/// otherwise.
///
/// After it polls readable, drain with `sigx_wait(mask, &info, 0)` until
/// SIGX_ERR_TIMEOUT (run the drain on a thread that has those signals
/// blocked, or unblocked, as it likes: the drain takes kernel-pending ones
/// too). After a drain that found nothing it stops being readable unless
/// something new arrived; records of other signals never make it readable.
/// The same mask gives the same descriptor; 64 masks besides `SIGX_ALL`
/// may have one at once (waits never take their places). It is
/// close-on-exec; do not read or close it. It lives as long as the
/// process; in a forked child it keeps its number (the child's own
/// descriptor).
///
/// Returns the descriptor (>= 0); SIGX_ERR_ARGUMENT if `mask` is 0;
/// SIGX_ERR_BUSY if 64 masks other than it and `SIGX_ALL` have
/// descriptors; SIGX_ERR_SYSTEM (errno set).
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_fd_mask(mask: u64) -> c_int {
    boundary(|| registry::fd_mask(mask))
}
