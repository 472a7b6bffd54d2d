//! The process-wide real-time alarm.

use super::{boundary_status, opt_out_ptr};
use crate::os;
use std::os::raw::c_int;

/// Arm the process-wide real-time alarm (`setitimer(ITIMER_REAL)`): SIGALRM
/// after `delay_ms`, then every `interval_ms` if non-zero. `delay_ms == 0`
/// cancels the alarm (and `interval_ms` is then ignored).
///
/// `*remaining_ms` (optional, may be NULL) receives what was left of the
/// previous alarm, rounded up to a whole millisecond, 0 if none. As with
/// `alarm(2)`, an uncaught SIGALRM terminates the process: install SIGALRM or
/// register a callback with `sigx_on` first. There is one such timer per
/// process; `alarm(2)` and `setitimer` share it.
///
/// Returns SIGX_OK, or SIGX_ERR_SYSTEM (errno set) if `setitimer` fails.
///
/// Thread-safe. Not async-signal-safe.
///
/// # Safety
///
/// `remaining_ms` is NULL or points to memory writable for one `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_alarm(
    delay_ms: u64,
    interval_ms: u64,
    remaining_ms: *mut u64,
) -> c_int {
    boundary_status(|| {
        let remaining = opt_out_ptr(remaining_ms);
        let previous_us = os::set_real_timer(delay_ms, interval_ms)?;
        if let Some(out) = remaining {
            out.write(previous_us.div_ceil(1000));
        }
        Ok(())
    })
}
