//! Sending signals.

use super::boundary_status;
use crate::error::{Error, Signal};
use crate::{os, registry};
use std::os::raw::c_int;

/// A signal number that may be sent: 0 (existence check) or a valid signal.
fn sendable(signo: c_int) -> Result<c_int, Error> {
    match signo {
        0 => Ok(0),
        s => Ok(Signal::valid(s)?.get()),
    }
}

/// Send `signo` with `value` to process `pid` (`sigqueue`): the receiver
/// sees `code == SI_QUEUE` and `value`. Real-time signals queue in the kernel
/// (up to RLIMIT_SIGPENDING); standard ones coalesce while pending.
/// `signo == 0` only checks that `pid` exists and may be signalled.
///
/// Returns SIGX_OK; SIGX_ERR_SIGNAL if `signo` is not 0 and not valid;
/// SIGX_ERR_SYSTEM with errno ESRCH (no such process), EPERM (not allowed) or
/// EAGAIN (the receiver's queue of pending signals is full: retry).
///
/// Thread-safe and async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_send(pid: c_int, signo: c_int, value: u64) -> c_int {
    boundary_status(|| os::sigqueue(pid, sendable(signo)?, value).map_err(Error::System))
}

/// Send `signo` to the calling thread, like `raise(3)`; if it is caught, the
/// handler has run before this returns. `signo == 0` is accepted and does
/// nothing.
///
/// Returns SIGX_OK; SIGX_ERR_SIGNAL if `signo` is not 0 and not valid;
/// SIGX_ERR_SYSTEM.
///
/// Thread-safe and async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_raise(signo: c_int) -> c_int {
    boundary_status(|| os::raise(sendable(signo)?).map_err(Error::System))
}

/// Die of `signo` the proper way, after cleaning up: restore `SIG_DFL`,
/// unblock `signo` on this thread and raise it, so that the parent sees
/// "killed by signal" (`WIFSIGNALED`; a shell prints 128 + N, 130 for
/// SIGINT).
///
/// sigx stops catching `signo` and drops its callback, as `sigx_default`
/// does (a later `sigx_uninstall` still puts back the original disposition).
/// Returns only if the default action does not end the process (ignore,
/// stop/continue), then with SIGX_OK; SIGX_ERR_SIGNAL if `signo` is not
/// valid; SIGX_ERR_FORBIDDEN for the C library's reserved signals.
///
/// Thread-safe and async-signal-safe: it may be called from a raw handler.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_reraise(signo: c_int) -> c_int {
    boundary_status(|| {
        let sig = match Signal::disposable(signo) {
            // SIGKILL and SIGSTOP cannot be defaulted, but raising them
            // does what the caller asked.
            Err(Error::Uncatchable) => signo,
            other => {
                let sig = other?;
                registry::note_reraise(sig);
                sig.get()
            }
        };
        os::reraise(sig);
        Ok(())
    })
}
