//! Deadlines: time out a blocking call in this thread.

use super::{boundary, boundary_status};
use crate::deadline;
use crate::error::{Error, Signal};
use std::os::raw::c_int;

/// Arm, replace or clear the calling thread's deadline: after `timeout_ms`
/// milliseconds (CLOCK_MONOTONIC), `signo` is sent to this thread, so that
/// the blocking system call it is in (`read`, `accept`, `nanosleep`,
/// `waitpid`, `flock`, ...) fails with EINTR. Until the deadline is
/// cleared the thread keeps being interrupted (every 5 ms), so a call
/// entered just after the expiry fails too: there is no race window.
///
/// `timeout_ms == -1` clears the deadline (always SIGX_OK, whatever
/// `signo`); `0` expires at once (`sigx_deadline_expired` says 1 from then
/// on, and the first interruption is sent before this returns; the kernel
/// delivers it as this call returns unless the thread blocks `signo`); a
/// new deadline replaces the old one. One deadline per thread; sigx clears it when the thread
/// exits. Clear it when the guarded work is done: the repeated
/// interruptions would otherwise go on disturbing the thread's system calls.
///
/// The expiry is recorded once (`code == SI_TIMER`, `status` 0, `value` a
/// number of sigx's own whose upper 32 bits are 0x5167DEAD) and counted in
/// `sigx_stats`; the repeated interruptions are neither recorded nor
/// counted, and run no callback or chained handler. A cleared or replaced
/// deadline never fires afterwards. Other threads are never disturbed.
///
/// `signo` must be caught by sigx with SIGX_INTERRUPT (and without
/// SIGX_ONESHOT, whose reset would leave the repeats to the default action):
/// a restarting signal cannot interrupt anything. If the signal is
/// uninstalled or re-installed differently while a deadline is armed, its
/// new disposition applies to the deadline's deliveries.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT for a timeout below -1;
/// SIGX_ERR_SIGNAL, SIGX_ERR_UNCATCHABLE, SIGX_ERR_FORBIDDEN as for
/// `sigx_install`; SIGX_ERR_NOT_INSTALLED if sigx does not catch `signo`
/// that way; SIGX_ERR_SYSTEM (errno set) if the kernel refuses a timer
/// (EAGAIN; also when 4,096 threads already hold deadlines). On error the
/// previous deadline, if any, is unchanged.
///
/// Thread-safe (each thread has its own deadline). Not async-signal-safe.
/// fork: the child has no deadline. exec: the kernel deletes it.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_deadline(signo: c_int, timeout_ms: i64) -> c_int {
    boundary_status(|| match timeout_ms {
        -1 => {
            deadline::clear();
            Ok(())
        }
        ms if ms < -1 => Err(Error::Argument),
        ms => deadline::set(Signal::catchable(signo)?, ms as u64),
    })
}

/// Whether the calling thread's deadline has expired since it was last
/// set: 1 if it has (until it is cleared or set again), 0 if not or if none
/// is set. A blocking call that failed with EINTR can ask this to tell its
/// deadline from another signal.
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_deadline_expired() -> c_int {
    boundary(|| Ok(deadline::expired() as c_int))
}
