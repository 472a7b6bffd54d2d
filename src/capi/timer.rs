//! Timers on any clock, for the process or one thread (`sigx_timer_*`).

use super::{boundary_status, opt_out_ptr, out_ptr};
use crate::error::{Error, Signal};
use crate::flags;
use crate::timer::{self, Clock};
use std::os::raw::c_int;

/// The clock a timer runs on (`sigx_timer_create`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sigx_clock {
    /// Time since boot, not counting suspend; never jumps (CLOCK_MONOTONIC).
    SIGX_CLOCK_MONOTONIC = 0,
    /// The wall clock (CLOCK_REALTIME). With SIGX_TIMER_ABSTIME, a calendar
    /// deadline ("at 03:00") that follows changes of the clock.
    SIGX_CLOCK_REALTIME = 1,
    /// As MONOTONIC, but counting time spent in suspend (CLOCK_BOOTTIME).
    SIGX_CLOCK_BOOTTIME = 2,
    /// CPU time used by every thread of the process
    /// (CLOCK_PROCESS_CPUTIME_ID; what Python's ITIMER_PROF measures).
    SIGX_CLOCK_PROCESS_CPU = 3,
    /// CPU time used by the thread that creates the timer
    /// (CLOCK_THREAD_CPUTIME_ID of that thread; it stops when the thread
    /// exits).
    SIGX_CLOCK_THREAD_CPU = 4,
}

/// Create a POSIX timer (`timer_create`) that sends `signo` each time it
/// expires. It starts disarmed: arm it with `sigx_timer_set`.
///
/// `clock` is a `sigx_clock` value. `flags`: 0, or SIGX_TIMER_THREAD to
/// deliver to the calling thread only (`SIGEV_THREAD_ID`): a `SIGX_INTERRUPT`
/// signal then interrupts that thread's blocking call, and no other thread
/// runs the handler; sigx deletes such a timer when its thread exits.
/// Records of its expiries have `code == SI_TIMER`, `value == cookie`,
/// `status` = the overrun count (expirations while the previous one was
/// still pending), `pid` and `uid` 0. sigx need not catch `signo`: when the
/// timer fires, `signo`'s disposition applies, whatever it is then (an
/// uncaught SIGALRM terminates the process, as with `sigx_alarm`).
///
/// `*id` (required) receives a positive id, never reused while the process
/// lives; the timer lives until `sigx_timer_delete` (or its thread's exit,
/// or `exec`). At least 1,024 timers can exist at once (the kernel counts
/// each against RLIMIT_SIGPENDING).
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT for a NULL `id`, an unknown clock or
/// unknown flag bits; SIGX_ERR_SIGNAL, SIGX_ERR_UNCATCHABLE,
/// SIGX_ERR_FORBIDDEN as for `sigx_install`; SIGX_ERR_NO_MEMORY;
/// SIGX_ERR_SYSTEM (errno set) if the kernel refuses (EAGAIN: too many
/// timers or pending signals for this user). On error nothing is created
/// and `*id` is not written.
///
/// Thread-safe. Not async-signal-safe. fork: the child has no timers (the
/// kernel copies none) and the parent's ids are SIGX_ERR_NOT_FOUND there.
/// exec: the kernel deletes every timer.
///
/// # Safety
///
/// `id` is NULL or points to memory writable for one `int`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_timer_create(
    signo: c_int,
    clock: c_int,
    flags: u32,
    cookie: u64,
    id: *mut c_int,
) -> c_int {
    boundary_status(|| {
        let out = out_ptr(id)?;
        let clock = Clock::from_raw(clock)?;
        if flags & !flags::SIGX_TIMER_THREAD != 0 {
            return Err(Error::Argument);
        }
        let sig = Signal::catchable(signo)?;
        let new = timer::create(sig, clock, flags & flags::SIGX_TIMER_THREAD != 0, cookie)?;
        out.write(new);
        Ok(())
    })
}

/// Arm or disarm timer `id` (`timer_settime`).
///
/// `first_ns == 0` disarms it (`interval_ns` is then ignored). Otherwise it
/// first expires after `first_ns` nanoseconds, then every `interval_ns` if
/// non-zero. `flags`: 0, or SIGX_TIMER_ABSTIME: `first_ns` is an absolute
/// time on the timer's clock (for SIGX_CLOCK_REALTIME, nanoseconds since the
/// Epoch, and the expiry follows changes of the wall clock); a time already
/// past expires at once. Setting a timer replaces its previous setting.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT for unknown flag bits;
/// SIGX_ERR_NOT_FOUND for an id that `sigx_timer_create` never returned, or
/// that was deleted (also by its thread's exit, or by a fork: the parent's
/// ids in the child); SIGX_ERR_SYSTEM (errno set) if the kernel refuses. On
/// error the timer is unchanged.
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_timer_set(id: c_int, first_ns: u64, interval_ns: u64, flags: u32) -> c_int {
    boundary_status(|| {
        if flags & !flags::SIGX_TIMER_ABSTIME != 0 {
            return Err(Error::Argument);
        }
        timer::set(
            id,
            first_ns,
            interval_ns,
            flags & flags::SIGX_TIMER_ABSTIME != 0,
        )
    })
}

/// Read timer `id` (`timer_gettime`): `*remaining_ns` (optional, may be
/// NULL) receives the time left until its next expiry, 0 if it is disarmed
/// (for an absolute setting too: always a relative time); `*interval_ns`
/// (optional) its interval, 0 for a one-shot.
///
/// Returns SIGX_OK; SIGX_ERR_NOT_FOUND for an unknown or deleted id;
/// SIGX_ERR_SYSTEM (errno set). Nothing is written on error.
///
/// Thread-safe. Not async-signal-safe.
///
/// # Safety
///
/// `remaining_ns` and `interval_ns` are each NULL or point to memory
/// writable for one `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sigx_timer_get(
    id: c_int,
    remaining_ns: *mut u64,
    interval_ns: *mut u64,
) -> c_int {
    boundary_status(|| {
        let remaining = opt_out_ptr(remaining_ns);
        let interval = opt_out_ptr(interval_ns);
        let (left, every) = timer::get(id)?;
        if let Some(out) = remaining {
            out.write(left);
        }
        if let Some(out) = interval {
            out.write(every);
        }
        Ok(())
    })
}

/// Delete timer `id` (`timer_delete`): it never expires again, and its id
/// is never valid again. Records of expiries that happened before stay
/// queued until taken. Any thread may delete any timer, thread timers
/// included.
///
/// Returns SIGX_OK; SIGX_ERR_NOT_FOUND for an unknown or already deleted
/// id (so deleting twice is harmless but reported).
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_timer_delete(id: c_int) -> c_int {
    boundary_status(|| timer::delete(id))
}
