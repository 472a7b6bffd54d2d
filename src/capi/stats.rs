//! The figures: `sigx_stats_get`.

use super::{boundary_status, out_ptr};
use crate::error::Signal;
use crate::pending;
use crate::record::sigx_stats;
use std::os::raw::c_int;

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
