//! Taking records: `sigx_wait`, `sigx_fd` and the figures.

use super::{boundary, boundary_status, out_ptr};
use crate::error::{Error, Signal, Timeout};
use crate::record::{sigx_info, sigx_stats};
use crate::{pending, registry};
use std::os::raw::c_int;

/// Take the oldest record of a signal in `mask` into `*out`, waiting up to
/// `timeout_ms` (-1: forever, 0: poll).
///
/// Records come from sigx's queues, oldest first (`seq` order for one
/// consumer). For signals of `mask` that the calling thread blocks, pending
/// deliveries are then taken from the kernel (`sigtimedwait`) as the same
/// records. A sleeping wait wakes for both; other signals never end it (no
/// EINTR). Records of other signals stay queued; each record goes to one
/// waiter. The thread's signal mask is unchanged when it returns. A
/// cancellation point while it sleeps. `*out` is written only on SIGX_OK;
/// its `dropped` counts deliveries lost to a full queue before it.
///
/// Lossless floods: block the signal in every thread and wait in one; the
/// kernel keeps the backlog and real-time senders get EAGAIN when it is full.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT if `out` is NULL, `mask` is 0 or the
/// timeout is below -1; SIGX_ERR_TIMEOUT if nothing arrived in time;
/// SIGX_ERR_NOT_INSTALLED when no signal in `mask` is caught and none has
/// records queued (also if that becomes true while waiting).
///
/// Thread-safe. Not async-signal-safe.
///
/// # Safety
///
/// `out` is NULL or points to memory writable for one `sigx_info`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_wait(mask: u64, out: *mut sigx_info, timeout_ms: i64) -> c_int {
    boundary_status(|| {
        let out = out_ptr(out)?;
        if mask == 0 {
            return Err(Error::Argument);
        }
        let timeout = Timeout::from_ms(timeout_ms)?;
        out.write(registry::wait(mask, timeout)?);
        Ok(())
    })
}

/// A file descriptor that polls readable while a record of any signal is
/// queued, or a delivery of a signal sigx catches is pending in the kernel
/// for the process: `sigx_fd_mask(SIGX_ALL)`. See `sigx_fd_mask`.
///
/// Returns the descriptor (>= 0), or SIGX_ERR_SYSTEM (errno set).
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_fd() -> c_int {
    boundary(|| registry::fd_mask(u64::MAX))
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
/// The same mask gives the same descriptor; up to 64 masks (at least 32)
/// may have one at once. It is close-on-exec; do not read or close it. It
/// lives as long as the process; in a forked child it keeps its number
/// (the child's own descriptor).
///
/// Returns the descriptor (>= 0); SIGX_ERR_ARGUMENT if `mask` is 0;
/// SIGX_ERR_BUSY if 64 other masks have descriptors; SIGX_ERR_SYSTEM (errno
/// set).
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_fd_mask(mask: u64) -> c_int {
    boundary(|| registry::fd_mask(mask))
}

/// Delivery figures for `signo`, or summed over all signals for 0 (with the
/// largest `high_water` of any signal).
///
/// A valid signal sigx never caught, SIGKILL and SIGSTOP included, has all
/// figures zero. `*out` is written only on SIGX_OK.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT if `out` is NULL; SIGX_ERR_SIGNAL if
/// `signo` is not 0 and not valid (32 and 33 included).
///
/// Thread-safe. Not async-signal-safe.
///
/// # Safety
///
/// `out` is NULL or points to memory writable for one `sigx_stats`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_stats_get(signo: c_int, out: *mut sigx_stats) -> c_int {
    boundary_status(|| {
        let out = out_ptr(out)?;
        let which = match signo {
            0 => None,
            s => Some(Signal::valid(s)?.get()),
        };
        out.write(pending::stats(which));
        Ok(())
    })
}
