//! Taking records: `sigx_wait`, `sigx_fd` and the figures.

use super::{boundary, boundary_status, out_ptr};
use crate::error::{Error, Signal, Timeout};
use crate::record::{sigx_info, sigx_stats};
use crate::{pending, registry};
use std::os::raw::c_int;

/// Take the oldest queued record whose signal is in `mask` into `*out`.
///
/// Waits up to `timeout_ms` milliseconds (-1: forever, 0: poll). Records of
/// signals outside `mask` stay queued for other waiters. For one consumer,
/// records come out in `seq` order. Any number of threads may wait at once;
/// each record goes to exactly one of them. Other signals do not end the wait
/// early (no EINTR). `*out` is written only on SIGX_OK; its `dropped` field
/// counts deliveries of that signal lost to a full queue before it.
///
/// Flow control: one thread per process is the *holding thread*. A wait
/// with a timeout other than 0 makes its thread the holding thread if no
/// thread is, or if the holding thread has not waited for a second and
/// holds nothing back. It stays so while its waits return records, and
/// stops when one of its waits comes back without a record or when it
/// exits; after a second without a wait nothing more is held on it. A wait
/// with timeout 0 never makes its thread the holding thread, with one
/// exception, for event loops in a process that has never created a second
/// thread (glibc 2.32 or later): once `sigx_fd` exists, there a drain does,
/// and its thread stays the holding thread when its drains come back empty,
/// however long it sleeps in `poll` between them (a full queue makes the
/// descriptor readable, so the loop comes back); `sigx_fd()` makes its
/// calling thread that holder if no thread is one, so that a flood before
/// the loop's first drain is held too. Once the process has a second
/// thread, those rules end and the ones above apply to it: a multi-threaded
/// program that must not drop a flood should wait for it in `sigx_wait` on
/// a thread of its own. When sigx's handler runs on the holding thread (the usual
/// case in a single-threaded program) and fills a real-time signal's queue,
/// sigx blocks that signal on this thread, so the kernel keeps further
/// deliveries queued (up to RLIMIT_SIGPENDING) instead of sigx dropping
/// them. Waits then take them off the kernel's queue themselves once the
/// queue is empty, with the `seq`, sender and value a handler would have
/// recorded (`time_ns` is when they were taken), and the signal is unblocked
/// when the kernel has none left: a wait that returns SIGX_ERR_TIMEOUT or
/// sleeps leaves nothing held on its thread. Standard signals and
/// SIGX_ONESHOT, SIGX_CHAIN and SIGX_INTERRUPT signals are never held.
///
/// While held, the signal shows in the holding thread's mask
/// (`sigx_block(0, &m)`), and a thread it creates or a program it starts
/// with `exec`, `posix_spawn` or `vfork` meanwhile inherits it blocked (a
/// `fork` child does not).
/// Held deliveries never meet another disposition: `sigx_uninstall`,
/// `sigx_ignore`, `sigx_default` and a re-install record them (or count them
/// as dropped when the queue is full) before the change; if the holding
/// thread is another one, it records what is still queued for it before it
/// unblocks the signal at its next wait, which may include deliveries sent
/// to it after the change. If the holding thread stops waiting while it
/// holds a signal, other threads' waits still receive the deliveries sent to
/// the process: sleeping waits look at the kernel's queue at least every
/// 10 ms meanwhile, and a `sigx_fd` drain takes them when it runs, but the
/// descriptor does not become readable for them. Records of deliveries that
/// overlapped on different threads may come out in either order.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT if `out` is NULL, `mask` is 0 or the
/// timeout is below -1; SIGX_ERR_TIMEOUT if nothing arrived in time;
/// SIGX_ERR_NOT_INSTALLED when no signal in `mask` is installed and none has
/// records queued (also if that becomes true while waiting), so that a wait
/// cannot hang forever by mistake.
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_wait(mask: u64, out: *mut sigx_info, timeout_ms: i64) -> c_int {
    boundary_status(|| {
        let out = out_ptr(out)?;
        if mask == 0 {
            return Err(Error::Argument);
        }
        let timeout = Timeout::from_ms(timeout_ms)?;
        out.write(pending::wait(|| mask, timeout.deadline())?);
        Ok(())
    })
}

/// A file descriptor that polls readable whenever at least one record is
/// queued, for `poll`, `epoll`, `select` and event loops (asyncio, libuv).
///
/// After it polls readable, drain with `sigx_wait(mask, &info, 0)` until
/// SIGX_ERR_TIMEOUT. While a record is queued the descriptor stays
/// readable; after a drain that found nothing it stops being readable
/// unless a new record arrived. The descriptor is an eventfd created on
/// first call (close-on-exec); every call returns the same one. Do not read
/// or close it. In a forked child it is replaced by one of the child's own.
///
/// In a program that has never created a second thread, flow control (see
/// `sigx_wait`) holds a flood of real-time signals on the loop's thread back
/// in the kernel instead of dropping what does not fit the queue: the
/// calling thread becomes the holding thread if no thread is.
///
/// Returns the descriptor (>= 0), or SIGX_ERR_SYSTEM (errno set).
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_fd() -> c_int {
    boundary(registry::event_fd)
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
#[unsafe(no_mangle)]
pub extern "C" fn sigx_stats_get(signo: c_int, out: *mut sigx_stats) -> c_int {
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
