//! Callbacks that run in normal context: `sigx_on` and `sigx_dispatch`.

use super::{boundary, boundary_status};
use crate::error::{Signal, Timeout};
use crate::record::sigx_info;
use crate::registry::{self, Callback};
use std::os::raw::{c_int, c_void};

/// A function sigx calls for a delivered signal, from `sigx_dispatch`.
///
/// `info` points at the record (valid only during the call); `user` is the
/// pointer given to `sigx_on`. It runs in normal context, so it may print,
/// allocate, lock and call sigx.
pub type sigx_callback = Option<unsafe extern "C" fn(info: *const sigx_info, user: *mut c_void)>;

/// Register `cb` for `signo`, installing the signal with flags 0 if sigx does
/// not catch it yet (an existing install keeps its flags).
///
/// `cb == NULL` removes the callback and changes nothing else (the signal
/// stays installed; removing a callback that is not there is SIGX_OK). A new
/// `cb` replaces the old one. Once this returns, the old callback never
/// starts again: if another thread is running it in `sigx_dispatch`, this
/// call waits until it returns (called from inside that callback, it returns
/// at once). It never waits for callbacks of other signals. A callback may
/// call any sigx function. `user` is passed back unchanged; to learn when it
/// may be freed, register with `sigx_on_release`.
///
/// Returns SIGX_OK; signal errors as for `sigx_install`; SIGX_ERR_NO_MEMORY,
/// SIGX_ERR_SYSTEM as for `sigx_install`.
///
/// Thread-safe. Not async-signal-safe.
///
/// # Safety
///
/// `cb`, if not NULL, may be called with `user` from any thread that dispatches
/// until the registration is removed; `user` must be valid for what `cb` does
/// with it until then.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_on(signo: c_int, cb: sigx_callback, user: *mut c_void) -> c_int {
    register(signo, cb, user, None)
}

/// `sigx_on` and `sigx_on_release`: one registration with its finalizer.
fn register(signo: c_int, cb: sigx_callback, user: *mut c_void, release: sigx_release) -> c_int {
    boundary_status(|| {
        let sig = Signal::catchable(signo)?;
        registry::on(
            sig,
            cb.map(|func| Callback {
                func,
                user,
                release,
            }),
        )
    })
}

/// A finalizer for `sigx_on_release`: called once with the registration's
/// `user` pointer when no run of its callback is in progress or can start.
pub type sigx_release = Option<unsafe extern "C" fn(user: *mut c_void)>;

/// As `sigx_on`, and `release(user)` (optional, may be NULL) is called
/// exactly once, in normal context, after this registration has been
/// replaced or removed (by `sigx_on`, `sigx_on_release`, `sigx_uninstall`,
/// `sigx_ignore`, `sigx_default`) and no run of `cb` for it is in progress
/// or can start: `user` may be freed there. It runs on the thread that
/// removed the registration, or on the thread whose `sigx_dispatch` ended
/// the last run (when the callback removed itself). With `cb == NULL` this
/// removes the current callback like `sigx_on(signo, NULL, NULL)`, and
/// `release` is not used. In a forked child, a registration dropped by
/// SIGX_FORK_RESET is forgotten without a call.
///
/// Returns SIGX_OK; signal errors as for `sigx_install`; SIGX_ERR_NO_MEMORY,
/// SIGX_ERR_SYSTEM as for `sigx_install`. On error nothing changed and
/// `release` is not called.
///
/// Thread-safe. Not async-signal-safe.
///
/// # Safety
///
/// `cb`, if not NULL, may be called with `user` from any thread that
/// dispatches, and `release` once with `user`, as described above; both must be
/// valid for that.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_on_release(
    signo: c_int,
    cb: sigx_callback,
    user: *mut c_void,
    release: sigx_release,
) -> c_int {
    register(signo, cb, user, release)
}

/// Wait (like `sigx_wait`) until at least one record of a signal with a
/// callback is queued, then run the callbacks for every such record queued at
/// that moment, oldest first, in the calling thread. Records arriving while
/// the callbacks run are left for the next call.
///
/// No lock of sigx is held while a callback runs, and cancellation is
/// disabled; a callback must return normally (no `longjmp`, `pthread_exit`
/// or C++ exception out of it). Several threads may dispatch at once; each
/// runs the callbacks of the records it took, so callbacks may run
/// concurrently, also one signal's. If a callback is removed while this
/// call has already taken a record for it, that record is consumed without
/// a call. A cancellation point while it sleeps. Blocked signals are taken
/// from the kernel as by `sigx_wait`.
///
/// Returns how many callbacks ran (> 0); SIGX_ERR_ARGUMENT for a timeout
/// below -1;
/// SIGX_ERR_TIMEOUT if none arrived in time; SIGX_ERR_NOT_INSTALLED if no
/// callback is registered.
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_dispatch(timeout_ms: i64) -> c_int {
    boundary(|| {
        let timeout = Timeout::from_ms(timeout_ms)?;
        let ran = registry::dispatch(timeout)?;
        Ok(ran.min(c_int::MAX as u32) as c_int)
    })
}
