//! Looking signals up: names, numbers, descriptions, default actions, the
//! valid set and the version. All of these are pure, thread-safe and
//! async-signal-safe.

use super::boundary;
use crate::error::{Error, Signal};
use crate::signals;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int};
use std::ptr;

/// What the kernel does with a signal nobody catches (`sigx_default_action`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sigx_action {
    /// The process is terminated.
    SIGX_ACTION_TERMINATE = 0,
    /// The process is terminated and dumps core.
    SIGX_ACTION_CORE = 1,
    /// The signal is discarded.
    SIGX_ACTION_IGNORE = 2,
    /// The process is stopped.
    SIGX_ACTION_STOP = 3,
    /// A stopped process continues.
    SIGX_ACTION_CONTINUE = 4,
}

/// The signal's name, as `kill -l` spells it: "SIGINT"; real-time signals
/// as "SIGRTMIN", "SIGRTMIN+1" ... "SIGRTMIN+15", "SIGRTMAX-14" ...
/// "SIGRTMAX-1", "SIGRTMAX".
///
/// Returns a static string (never free it), or NULL if `signo` is not a
/// valid signal (0, negative, the C library's reserved 32 and 33, above
/// SIGRTMAX).
///
/// Thread-safe and async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_name(signo: c_int) -> *const c_char {
    signals::name(signo).map_or(ptr::null(), CStr::as_ptr)
}

/// The number of the signal called `name`.
///
/// Accepts "SIGINT", "INT", "sigint" (any case, with or without "SIG"),
/// decimal numbers ("2"), the aliases SIGIOT, SIGPOLL and SIGCLD, and
/// real-time signals in either form ("SIGRTMIN+3", "RTMAX-1", "SIGRTMIN+20").
///
/// Returns the number; SIGX_ERR_ARGUMENT if `name` is NULL or ""; and
/// SIGX_ERR_SIGNAL for anything else that names no valid signal (including
/// text that is not ASCII). `name` must be NUL-terminated; it is only read.
///
/// Thread-safe and async-signal-safe.
///
/// # Safety
///
/// `name` is NULL or points to a NUL-terminated string that stays valid and
/// unchanged during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_number(name: *const c_char) -> c_int {
    boundary(|| {
        if name.is_null() {
            return Err(Error::Argument);
        }
        // SAFETY: non-NULL, and the C contract says `name` is a NUL-terminated string that stays valid for the call.
        let bytes = unsafe { CStr::from_ptr(name) }.to_bytes();
        if bytes.is_empty() {
            return Err(Error::Argument);
        }
        signals::number(bytes).ok_or(Error::Signal)
    })
}

/// A short English description of the signal, as glibc's `strsignal` gives
/// it ("Interrupt", "Real-time signal 3"), but static and thread-safe.
///
/// Returns a static string (never free it), or NULL if `signo` is not valid.
///
/// Thread-safe and async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_describe(signo: c_int) -> *const c_char {
    signals::describe(signo).map_or(ptr::null(), CStr::as_ptr)
}

/// What the kernel does with `signo` when nobody catches it: one of
/// `SIGX_ACTION_TERMINATE`, `SIGX_ACTION_CORE`, `SIGX_ACTION_IGNORE`,
/// `SIGX_ACTION_STOP`, `SIGX_ACTION_CONTINUE` (see `enum sigx_action`).
///
/// Returns SIGX_ERR_SIGNAL if `signo` is not valid.
///
/// Thread-safe and async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_default_action(signo: c_int) -> c_int {
    boundary(|| {
        let action = signals::default_action(signo).ok_or(Error::Signal)?;
        Ok(action as c_int)
    })
}

/// The C library's lowest real-time signal number (`SIGRTMIN`, 34 on glibc).
///
/// Thread-safe and async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_rtmin() -> c_int {
    signals::rtmin()
}

/// The C library's highest real-time signal number (`SIGRTMAX`, 64 on Linux).
///
/// Thread-safe and async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_rtmax() -> c_int {
    signals::rtmax()
}

/// The mask of every valid signal (bit `signo - 1`), like Python's
/// `signal.valid_signals()`: 1..31 and SIGRTMIN..SIGRTMAX on glibc, without
/// the C library's reserved 32 and 33.
///
/// Thread-safe and async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_valid_signals() -> u64 {
    signals::valid_mask()
}

/// Whether `sigx_install` may accept `signo`.
///
/// Returns 1 if it may, 0 for SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE and
/// SIGILL, and SIGX_ERR_SIGNAL if `signo` is not valid (the reserved 32 and
/// 33 included).
///
/// Thread-safe and async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_is_catchable(signo: c_int) -> c_int {
    boundary(|| {
        Signal::valid(signo)?;
        Ok(Signal::catchable(signo).is_ok() as c_int)
    })
}

/// The library's version as "MAJOR.MINOR.PATCH", the same numbers as the
/// SIGX_VERSION_* macros of its own header. Compare it with the macros to
/// detect a header/library mismatch.
///
/// Returns a static string; never NULL.
///
/// Thread-safe and async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_version() -> *const c_char {
    // Cargo.toml's version, the only place it is written.
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `sigx_version()` is Cargo.toml's version (the header's macros are
    /// checked against it by scripts/gen-header.sh --check and the C tests).
    #[test]
    fn version_matches_cargo() {
        // SAFETY: sigx_version returns a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(sigx_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
