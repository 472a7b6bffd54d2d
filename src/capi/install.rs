//! Installing, ignoring, defaulting and putting back dispositions, and the
//! queue capacities.

use super::boundary_status;
use crate::error::{Error, Flags, Signal};
use crate::registry;
use std::os::raw::c_int;

/// `sigx_install` flag: do not set `SA_RESTART`, so a blocking system call
/// that the signal interrupts fails with `EINTR` (what a timeout or a
/// shutdown needs to break out of `read`, `accept`, `sleep`).
pub const SIGX_INTERRUPT: u32 = 1;
/// `sigx_install` flag: after the first delivery the kernel resets the
/// disposition to `SIG_DFL` (`SA_RESETHAND`); that delivery is still recorded.
pub const SIGX_ONESHOT: u32 = 2;
/// `sigx_install` flag: after recording, also call the handler that was in
/// place before sigx first changed this signal (another library's, a language
/// runtime's). `SIG_DFL` and `SIG_IGN` predecessors are not called.
pub const SIGX_CHAIN: u32 = 4;

/// Catch `signo` with sigx's handler (`sigaction` with `SA_SIGINFO |
/// SA_ONSTACK`, a full `sa_mask`, and `SA_RESTART` unless `SIGX_INTERRUPT`).
///
/// Each delivery is recorded in the signal's pending queue (see
/// `sigx_set_capacity`) and wakes waiters. Calling it again for an installed
/// signal updates the flags; a callback from `sigx_on` stays registered. The
/// disposition in place before sigx first changed `signo` is saved, for
/// `SIGX_CHAIN` and `sigx_uninstall`. After `exec` the kernel resets caught
/// signals to `SIG_DFL`.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT for unknown flag bits; SIGX_ERR_SIGNAL
/// for an invalid number; SIGX_ERR_UNCATCHABLE for SIGKILL and SIGSTOP;
/// SIGX_ERR_FORBIDDEN for SIGSEGV, SIGBUS, SIGFPE, SIGILL and the C library's
/// reserved signals; SIGX_ERR_NO_MEMORY if the queue cannot be allocated;
/// SIGX_ERR_SYSTEM (errno set) if `sigaction` fails.
///
/// Thread-safe, also against signals arriving meanwhile. Not
/// async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_install(signo: c_int, flags: u32) -> c_int {
    boundary_status(|| {
        let flags = Flags::new(flags)?;
        registry::install(Signal::catchable(signo)?, flags)
    })
}

/// Put back the disposition that was in place before sigx first changed
/// `signo` (through `sigx_install`, `sigx_ignore` or `sigx_default`), remove
/// its callback, and forget the signal. Records already queued stay queued
/// until consumed; threads waiting only for `signo` return
/// SIGX_ERR_NOT_INSTALLED once its queue is empty. A delivery whose handler
/// had already started on another thread when this was called may still be
/// recorded after it returns (`sigaction` does not wait for running
/// handlers); no delivery that starts afterwards is.
///
/// Returns SIGX_OK; SIGX_ERR_NOT_INSTALLED if sigx has nothing to put back;
/// SIGX_ERR_SIGNAL, SIGX_ERR_UNCATCHABLE (SIGKILL, SIGSTOP),
/// SIGX_ERR_FORBIDDEN (reserved signals only); SIGX_ERR_SYSTEM.
///
/// Thread-safe; may be called from a callback for its own signal. Not
/// async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_uninstall(signo: c_int) -> c_int {
    boundary_status(|| registry::uninstall(Signal::disposable(signo)?))
}

/// Ignore `signo` (`SIG_IGN`): "ignore Ctrl+C". sigx no longer catches it
/// and its callback, if any, is removed; `sigx_uninstall` puts back what was
/// there before. An ignored signal stays ignored across `exec`.
///
/// Returns SIGX_OK; SIGX_ERR_SIGNAL; SIGX_ERR_UNCATCHABLE for SIGKILL and
/// SIGSTOP; SIGX_ERR_FORBIDDEN for the C library's reserved signals only
/// (fault signals may be ignored: the kernel still delivers a real fault);
/// SIGX_ERR_SYSTEM.
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_ignore(signo: c_int) -> c_int {
    boundary_status(|| registry::ignore(Signal::disposable(signo)?))
}

/// Restore the default behaviour of `signo` (`SIG_DFL`). sigx no longer
/// catches it and its callback, if any, is removed; `sigx_uninstall` puts
/// back what was there before sigx first changed it.
///
/// Errors as for `sigx_ignore`.
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_default(signo: c_int) -> c_int {
    boundary_status(|| registry::set_default(Signal::disposable(signo)?))
}

/// Whether sigx's handler catches `signo` now.
///
/// Returns 1 if it does; 0 if not (also after a `SIGX_ONESHOT` delivery has
/// reset it, or if someone else replaced the disposition); SIGX_ERR_SIGNAL if
/// `signo` is not valid; SIGX_ERR_SYSTEM if `sigaction` fails.
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_is_installed(signo: c_int) -> c_int {
    super::boundary(|| Ok(registry::is_installed(Signal::valid(signo)?)? as c_int))
}

/// Set exactly how many records the queue of `signo` keeps (default 1024;
/// `records` in 1 ..= 1,048,576). Each record takes 80 bytes, allocated when
/// the signal is installed.
///
/// Allowed only while sigx does not catch `signo` and nothing of it is
/// queued. `signo == 0` sets the default for every signal whose capacity was
/// never set; a signal caught right now keeps its current queue, and the new
/// default applies when its queue is next created. A queue that already
/// exists with another size is replaced when the signal is next installed;
/// the old queue's memory is kept until the process exits (a handler or a
/// waiter may still be reading it), so set capacities once, before
/// installing.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT for `records` out of range; signal
/// errors as for `sigx_install`; SIGX_ERR_BUSY if the signal is caught or has
/// records queued.
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_set_capacity(signo: c_int, records: u32) -> c_int {
    boundary_status(|| {
        if !(1..=registry::MAX_CAPACITY).contains(&records) {
            return Err(Error::Argument);
        }
        let sig = match signo {
            0 => None,
            s => Some(Signal::catchable(s)?),
        };
        registry::set_capacity(sig, records)
    })
}
