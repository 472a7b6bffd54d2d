//! Taking records: `sigx_wait`.

use super::{boundary_status, out_ptr};
use crate::error::{Error, Timeout};
use crate::record::sigx_info;
use crate::registry;
use std::os::raw::c_int;

/// Take the oldest record of a signal in `mask` into `*out`, waiting up to
/// `timeout_ms` (-1: forever, 0: poll).
///
/// Records come from sigx's queues, oldest first (`seq` order for one
/// consumer). For signals of `mask` that the calling thread blocks, pending
/// deliveries are then taken from the kernel (`sigtimedwait`) as the same
/// records. A sleeping wait wakes for both; other signals never end it (no
/// EINTR). Records of other signals stay queued; each record goes to one
/// waiter. The thread's signal mask is unchanged when it returns. A
/// cancellation point while it sleeps. `*out` is written only on SIGX_OK;
/// its `dropped` counts deliveries lost to a full queue before it.
///
/// Lossless floods: block the signal in every thread and wait in one; the
/// kernel keeps the backlog and real-time senders get EAGAIN when it is full.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT if `out` is NULL, `mask` is 0 or the
/// timeout is below -1; SIGX_ERR_TIMEOUT if nothing arrived in time;
/// SIGX_ERR_NOT_INSTALLED when no signal in `mask` is caught and none has
/// records queued (also if that becomes true while waiting).
///
/// Thread-safe. Not async-signal-safe.
///
/// # Safety
///
/// `out` is NULL or points to memory writable for one `sigx_info`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_wait(mask: u64, out: *mut sigx_info, timeout_ms: i64) -> c_int {
    boundary_status(|| {
        let out = out_ptr(out)?;
        if mask == 0 {
            return Err(Error::Argument);
        }
        let timeout = Timeout::from_ms(timeout_ms)?;
        out.write(registry::wait(mask, timeout)?);
        Ok(())
    })
}
