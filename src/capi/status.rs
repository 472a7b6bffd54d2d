//! Status codes and `sigx_strerror`.

use crate::error::Error;
use crate::os;
use std::os::raw::{c_char, c_int};

/// Every result a sigx function can return: 0 for success, a negative value
/// for an error. Numbers are never reused.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sigx_status {
    /// Success.
    SIGX_OK = 0,
    /// Not a valid signal number on this system.
    SIGX_ERR_SIGNAL = -1,
    /// SIGKILL or SIGSTOP: the kernel never lets anyone catch, block or
    /// ignore them.
    SIGX_ERR_UNCATCHABLE = -2,
    /// A signal that must not be routed into a queue: SIGSEGV, SIGBUS,
    /// SIGFPE, SIGILL, and the signals the C library reserves for itself
    /// (glibc: 32, 33).
    SIGX_ERR_FORBIDDEN = -3,
    /// NULL where a pointer is required, unknown flag bits, a bad timeout, a
    /// zero mask for sigx_wait, an empty or NULL name, a capacity out of range.
    SIGX_ERR_ARGUMENT = -4,
    /// The wait ended with nothing to deliver.
    SIGX_ERR_TIMEOUT = -5,
    /// The operation needs a signal that sigx has installed, and none in the
    /// request is.
    SIGX_ERR_NOT_INSTALLED = -6,
    /// A system call failed; errno holds the reason.
    SIGX_ERR_SYSTEM = -7,
    /// Allocation failed (only ever outside signal context).
    SIGX_ERR_NO_MEMORY = -8,
    /// Not available on this platform or kernel, e.g. sigx_child_watch
    /// without pidfd support.
    SIGX_ERR_UNSUPPORTED = -9,
    /// The signal is in use in a way that forbids the change (see
    /// sigx_set_capacity).
    SIGX_ERR_BUSY = -10,
    /// A bug in sigx: an internal check failed. Please report it. (sigx
    /// addition; the release build aborts instead of returning it.)
    SIGX_ERR_INTERNAL = -11,
    /// No such timer, or no such (watched or waitable) child.
    SIGX_ERR_NOT_FOUND = -12,
    /// Another handler has replaced sigx's for this signal (a language
    /// runtime, a plugin, a `signal()` call); sigx left it in place.
    SIGX_ERR_DISPLACED = -13,
}

/// Map an error to its status, setting `errno` for `System` right before the
/// return so that nothing in between can overwrite it.
pub(crate) fn fail(e: Error) -> c_int {
    let status = match e {
        Error::Signal => sigx_status::SIGX_ERR_SIGNAL,
        Error::Uncatchable => sigx_status::SIGX_ERR_UNCATCHABLE,
        Error::Forbidden => sigx_status::SIGX_ERR_FORBIDDEN,
        Error::Argument => sigx_status::SIGX_ERR_ARGUMENT,
        Error::Timeout => sigx_status::SIGX_ERR_TIMEOUT,
        Error::NotInstalled => sigx_status::SIGX_ERR_NOT_INSTALLED,
        Error::System(errno) => {
            os::set_errno(errno);
            sigx_status::SIGX_ERR_SYSTEM
        }
        Error::NoMemory => sigx_status::SIGX_ERR_NO_MEMORY,
        Error::Unsupported => sigx_status::SIGX_ERR_UNSUPPORTED,
        Error::Busy => sigx_status::SIGX_ERR_BUSY,
        Error::NotFound => sigx_status::SIGX_ERR_NOT_FOUND,
        Error::Displaced => sigx_status::SIGX_ERR_DISPLACED,
    };
    status as c_int
}

/// A static, human-readable sentence describing `status`.
///
/// Every status has its own sentence; a value that is not a sigx status gets
/// a generic one. Never returns NULL; the string must not be freed.
///
/// Thread-safe and async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_strerror(status: c_int) -> *const c_char {
    let text: &'static std::ffi::CStr = match status {
        0 => c"success",
        -1 => c"not a valid signal number on this system",
        -2 => c"SIGKILL and SIGSTOP can never be caught, blocked or ignored",
        -3 => c"this signal must not be routed into a queue: it is a synchronous fault (SIGSEGV, SIGBUS, SIGFPE, SIGILL) or reserved by the C library",
        -4 => c"invalid argument: a NULL pointer, unknown flag bits, a bad timeout, mask, capacity or name",
        -5 => c"timed out: nothing was delivered",
        -6 => c"no signal in the request is installed with sigx",
        -7 => c"a system call failed; errno holds the reason",
        -8 => c"out of memory",
        -9 => c"not supported on this platform",
        -10 => c"the signal is in use: uninstall it and drain its queue first",
        -11 => c"internal error in sigx (a bug: please report it)",
        -12 => c"not found: no such timer, or no such watched or waitable child",
        -13 => c"another handler has replaced sigx's for this signal; sigx left it in place",
        _ => c"unknown sigx status code",
    };
    text.as_ptr()
}
