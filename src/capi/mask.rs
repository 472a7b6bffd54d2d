//! Blocking signals per thread.

use super::{boundary_status, opt_out_ptr, out_ptr};
use crate::error::block_mask;
use crate::os;
use std::os::raw::c_int;

fn sigmask(how: c_int, mask: u64, old: *mut u64) -> c_int {
    boundary_status(|| {
        let old = opt_out_ptr(old);
        let mask = block_mask(mask)?;
        let previous = os::thread_sigmask(how, mask)?;
        if let Some(out) = old {
            out.write(previous);
        }
        Ok(())
    })
}

/// Block the signals in `mask` on the calling thread (`pthread_sigmask`
/// with `SIG_BLOCK`). A signal that arrives while blocked stays pending in
/// the kernel and is recorded when it is unblocked.
///
/// `*old` (optional, may be NULL) receives the previous mask. A mask of 0 is
/// fine (`sigx_block(0, &old)` only reads). Bits for SIGKILL, SIGSTOP and the
/// C library's reserved signals are ignored, as `pthread_sigmask` ignores
/// them, so `sigx_block(SIGX_ALL, &old)` succeeds.
///
/// Returns SIGX_OK; SIGX_ERR_SIGNAL for bits above the system's highest
/// signal; SIGX_ERR_SYSTEM.
///
/// Thread-safe (it changes only the calling thread). Not async-signal-safe.
///
/// # Safety
///
/// `old` is NULL or points to memory writable for one `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_block(mask: u64, old: *mut u64) -> c_int {
    sigmask(libc::SIG_BLOCK, mask, old)
}

/// Unblock the signals in `mask` on the calling thread (`SIG_UNBLOCK`);
/// pending ones are delivered (and recorded, if installed) before it returns.
/// Otherwise as `sigx_block`.
///
/// # Safety
///
/// `old` is NULL or points to memory writable for one `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_unblock(mask: u64, old: *mut u64) -> c_int {
    sigmask(libc::SIG_UNBLOCK, mask, old)
}

/// Set the calling thread's blocked set to exactly `mask` (`SIG_SETMASK`);
/// `sigx_setmask(0, NULL)` unblocks everything. Otherwise as `sigx_block`.
///
/// # Safety
///
/// `old` is NULL or points to memory writable for one `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_setmask(mask: u64, old: *mut u64) -> c_int {
    sigmask(libc::SIG_SETMASK, mask, old)
}

/// Store in `*mask` the blocked signals the kernel holds pending for the
/// calling thread or the process (`sigpending`).
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT if `mask` is NULL; SIGX_ERR_SYSTEM.
///
/// Thread-safe. Not async-signal-safe.
///
/// # Safety
///
/// `mask` is NULL or points to memory writable for one `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_kernel_pending(mask: *mut u64) -> c_int {
    boundary_status(|| {
        let out = out_ptr(mask)?;
        out.write(os::sigpending()?);
        Ok(())
    })
}
