//! Installing, ignoring, defaulting and putting back dispositions, and the
//! queue capacities.

use super::boundary_status;
use crate::error::{Error, Flags, Signal};
use crate::{flags, registry};
use std::os::raw::c_int;

/// Catch `signo` with sigx's handler (`sigaction` with `SA_SIGINFO |
/// SA_ONSTACK`, a full `sa_mask`, and `SA_RESTART` unless `SIGX_INTERRUPT`).
///
/// Each delivery is recorded in the signal's pending queue (see
/// `sigx_set_capacity`) and wakes waiters. Calling it again for an installed
/// signal updates the flags; a callback from `sigx_on` stays registered. The
/// disposition in place before sigx first changed `signo` is saved, for
/// `SIGX_CHAIN` and `sigx_uninstall`. Flags: SIGX_INTERRUPT, SIGX_ONESHOT,
/// SIGX_CHAIN, SIGX_FORK_RESET. sigx never changes a thread's signal mask
/// here. After `fork` the child keeps the handler (unless SIGX_FORK_RESET);
/// after `exec` the kernel resets caught signals to `SIG_DFL`.
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

/// Set exactly how many records the queue of `signo` keeps (default
/// SIGX_CAPACITY_DEFAULT, 65,536; `records` in 1 ..= SIGX_CAPACITY_MAX,
/// 1,048,576). Beyond that many waiting records, deliveries are dropped and
/// counted (`sigx_info.dropped`, `sigx_stats.dropped`). Capacity is a limit,
/// not an allocation: a record takes 80 bytes while it passes through the
/// queue, and an idle queue costs nothing but address space.
///
/// Allowed only while sigx does not catch `signo` and nothing of it is
/// queued; the new capacity applies from the next `sigx_install` (or
/// `sigx_on`). `signo == 0` sets the default for every signal whose capacity
/// was never set; a signal caught now keeps its queue, and the default
/// applies when it is next installed while not caught. A caught signal's
/// queue is never replaced.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT for `records` out of range; signal
/// errors as for `sigx_install`; SIGX_ERR_BUSY if the signal is caught or has
/// records queued.
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_set_capacity(signo: c_int, records: u32) -> c_int {
    boundary_status(|| {
        if !(1..=flags::SIGX_CAPACITY_MAX).contains(&records) {
            return Err(Error::Argument);
        }
        let sig = match signo {
            0 => None,
            s => Some(Signal::catchable(s)?),
        };
        registry::set_capacity(sig, records)
    })
}
