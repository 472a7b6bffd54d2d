//! Hosts: who owns a signal (`sigx_disposition_get`, `sigx_displaced`) and
//! who may send it (`sigx_filter`, `sigx_refused`).

use super::{boundary, boundary_status, out_ptr};
use crate::disposition::sigx_disposition;
use crate::error::{Error, Signal};
use crate::{filter, registry};
use std::os::raw::c_int;

/// What `signo`'s disposition is now, whoever set it: asks the kernel
/// (`sigaction` with a NULL new action) and writes the answer to `*out`.
///
/// `kind` says SIG_DFL, SIG_IGN, sigx's handler or another one ("foreign":
/// a runtime's, a plugin's); for a foreign handler `handler` is its address
/// and `module` the file that holds it (as `dladdr` says), for sigx's
/// `module` is libsigx's path. `module` points at a copy sigx keeps for the
/// life of the process (never free it; it stays valid after that module is
/// unloaded). Valid for every valid signal, SIGKILL and SIGSTOP included
/// (always SIGX_DISP_DEFAULT). `*out` is written only on SIGX_OK.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT if `out` is NULL; SIGX_ERR_SIGNAL if
/// `signo` is not valid (32 and 33 included); SIGX_ERR_SYSTEM (errno set).
///
/// Thread-safe. Not async-signal-safe. After `exec` the kernel has reset
/// caught signals to SIG_DFL; a forked child has its parent's dispositions.
///
/// # Safety
///
/// `out` is NULL or points to memory writable for one `sigx_disposition`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_disposition_get(signo: c_int, out: *mut sigx_disposition) -> c_int {
    boundary_status(|| {
        let out = out_ptr(out)?;
        let sig = Signal::valid(signo)?;
        out.write(registry::disposition(sig)?);
        Ok(())
    })
}

/// The mask of signals sigx installed whose handler is no longer sigx's:
/// other code (a language runtime, a plugin, a careless `signal()` call)
/// replaced it. Asks the kernel about every installed signal.
///
/// Such a signal is not caught by sigx (`sigx_is_installed` says 0), and a
/// wait whose mask holds only such signals, with nothing queued, returns
/// SIGX_ERR_NOT_INSTALLED instead of waiting forever: at once if the
/// displacement happened more than about 10 ms before the wait began or was
/// seen by this call, otherwise within about a second (sigx cannot be told
/// when someone else calls `sigaction`; a sleeping wait asks the kernel
/// again every second). `sigx_uninstall`, `sigx_ignore` and `sigx_default`
/// leave the other code's disposition in place, forget sigx's state and
/// return SIGX_ERR_DISPLACED; `sigx_install` takes the signal back, and the
/// displacer's handler becomes the one SIGX_CHAIN calls and
/// `sigx_uninstall` restores. A SIGX_ONESHOT signal the kernel reset to
/// SIG_DFL is not displaced. Returns 0 when nothing is displaced (or
/// `sigaction` fails).
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_displaced() -> u64 {
    std::panic::catch_unwind(registry::displaced)
        .ok()
        .and_then(Result::ok)
        .unwrap_or(0)
}

/// Accept deliveries of `signo` only from the senders in `accept`, a set of
/// SIGX_FROM_KERNEL, SIGX_FROM_SELF, SIGX_FROM_PARENT, SIGX_FROM_ROOT,
/// SIGX_FROM_SAME_USER (SIGX_FROM_ANY, all of them, is the default and
/// removes the filter).
///
/// A delivery that no accepted bit matches is refused in the handler: not
/// queued, no `seq`, no callback, no chained handler, no default action;
/// only counted (`sigx_refused`, and `sigx_stats.delivered`, so that
/// delivered = returned + queued + dropped + refused). Deliveries that
/// waits take from the kernel are filtered the same way. Senders are judged
/// from siginfo: `si_code > 0` and SI_TIMER, SI_MESGQ, SI_ASYNCIO, SI_SIGIO
/// are the kernel; otherwise `si_pid` is compared with this process's pid
/// and its parent's at delivery time (`getppid`), and `si_uid` (the
/// sender's real uid) with 0 and this process's real uid as it was when
/// `sigx_filter` was called. A sender the kernel does not name (`si_pid`
/// 0: outside this pid namespace, or a standard signal `sigqueue`d while
/// the per-user queue of pending signals was full) matches no bit. For
/// `kill` and `tgkill` the kernel fills in the sender; `sigqueue` senders
/// fill it in themselves, so this guards against mistakes (a stray
/// `pkill`), not against a hostile process that may signal us anyway.
/// With SIGX_ONESHOT the kernel resets the disposition as it delivers,
/// before the filter looks: a refused delivery uses up the one shot.
///
/// The filter lasts as long as the install: uninstall, ignore, default and
/// a displaced signal's forgetting drop it; a re-install keeps it. A forked
/// child keeps it (judging by its own pid); `exec` drops it.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT if `accept` is 0 or has unknown bits;
/// signal errors as for `sigx_install`; SIGX_ERR_NOT_INSTALLED if sigx
/// does not catch `signo` now.
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_filter(signo: c_int, accept: u32) -> c_int {
    boundary_status(|| {
        let word = filter::accept_word(accept).ok_or(Error::Argument)?;
        registry::set_filter(Signal::catchable(signo)?, word)
    })
}

/// How many deliveries of `signo` the sender filter refused (`signo` 0: of
/// all signals), into `*count`. Counted since the process started (a forked
/// child starts at 0), also after the filter or the install is gone; 0 for
/// a valid signal that never had a filter.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT if `count` is NULL; SIGX_ERR_SIGNAL
/// if `signo` is not 0 and not valid.
///
/// Thread-safe. Not async-signal-safe.
///
/// # Safety
///
/// `count` is NULL or points to memory writable for one `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_refused(signo: c_int, count: *mut u64) -> c_int {
    boundary(|| {
        let out = out_ptr(count)?;
        let which = match signo {
            0 => None,
            s => Some(Signal::valid(s)?.get() as usize),
        };
        out.write(filter::refused(which));
        Ok(0)
    })
}
