//! Sender filtering (`sigx_filter`): which senders' deliveries of a signal
//! sigx accepts, decided in the signal zone.
//!
//! Each signal's slot has a `checks` word (`handler::Slot::checks`) whose
//! `SIGX_FROM_*` bits are the filter: none means "no filter" (the default,
//! and what `SIGX_FROM_ANY` stores), so the handler pays one load and one
//! branch that is never taken unless a filter (or a deadline) is set. A
//! refused delivery is counted (`delivered` and `refused`) and nothing else
//! happens: no `seq`, no record, no wake, no chained handler. Deliveries that waits take from the kernel
//! (`sigtimedwait`) go through the same decision ([`admits`]).
//!
//! The decision reads only the kernel's siginfo and atomics: this process's
//! pid and real uid are kept in [`OWN_PID`] and [`OWN_UID`] (written when a
//! filter is set, and by the fork hook in the child); only
//! `SIGX_FROM_PARENT` asks the kernel (`getppid`), and only when no cheaper
//! bit has accepted the delivery.
//!
//! Who the sender is comes from siginfo: `si_code > 0` (`SI_KERNEL`
//! included) and `SI_TIMER`, `SI_MESGQ`, `SI_ASYNCIO`, `SI_SIGIO` are the
//! kernel; otherwise `si_pid` and `si_uid` name the sending process. The
//! kernel fills those itself for `kill` (`SI_USER`) and `tgkill`
//! (`SI_TKILL`); for the `sigqueue` family the sender writes them (the
//! kernel only forbids other processes to claim `si_code >= 0` or
//! `SI_TKILL`), so a process allowed to signal us may forge them. The filter
//! is a guard against mistakes (a stray `pkill`), not against a hostile
//! process of the same user, which may send SIGKILL anyway. A delivery
//! whose sender the kernel does not name (`si_pid` 0: a sender outside our
//! pid namespace, or a standard signal queued while the per-user queue of
//! pending signals was full) matches no bit.
//!
//! The filter belongs to the install: sigx forgets it when it stops
//! catching the signal (uninstall, ignore, default, a displaced signal
//! forgotten, `SIGX_FORK_RESET` in a child).

use crate::flags::{
    SIGX_FROM_ANY, SIGX_FROM_KERNEL, SIGX_FROM_PARENT, SIGX_FROM_ROOT, SIGX_FROM_SAME_USER,
    SIGX_FROM_SELF,
};
use crate::handler::{DEADLINE_SIGNAL, SLOTS};
use crate::os;
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};

/// This process's pid (0 until the first filter is set).
static OWN_PID: AtomicI32 = AtomicI32::new(0);
/// This process's real uid when a filter was last set.
static OWN_UID: AtomicU32 = AtomicU32::new(0);

/// Whether a delivery with this `si_code` and sender is accepted by
/// `accept` (a non-zero set of `SIGX_FROM_*` bits). Async-signal-safe:
/// atomics, and `getppid` only when `SIGX_FROM_PARENT` must decide.
#[inline]
pub fn admits(accept: u32, code: i32, pid: i32, uid: u32) -> bool {
    let kernel = code > 0
        || matches!(
            code,
            libc::SI_TIMER | libc::SI_MESGQ | libc::SI_ASYNCIO | libc::SI_SIGIO
        );
    if kernel {
        return accept & SIGX_FROM_KERNEL != 0;
    }
    if pid <= 0 {
        return false; // the kernel did not name the sender
    }
    // Relaxed: written before the accept word that the caller read after an
    // acquire fence (see `handler::refuses`), and by the fork hook before
    // any handler can run in the child.
    (accept & SIGX_FROM_SELF != 0 && pid == OWN_PID.load(Ordering::Relaxed))
        || (accept & SIGX_FROM_ROOT != 0 && uid == 0)
        || (accept & SIGX_FROM_SAME_USER != 0 && uid == OWN_UID.load(Ordering::Relaxed))
        || (accept & SIGX_FROM_PARENT != 0 && pid == os::getppid())
}

/// A checked `accept` set: non-zero and known bits only. `SIGX_FROM_ANY`
/// becomes 0, "no filter".
pub fn accept_word(accept: u32) -> Option<u32> {
    if accept == 0 || accept & !SIGX_FROM_ANY != 0 {
        return None;
    }
    Some(if accept == SIGX_FROM_ANY { 0 } else { accept })
}

/// Set `signo`'s accept word (normal context, registry lock held; 0 clears
/// the filter).
pub fn store(signo: usize, word: u32) {
    let Some(slot) = SLOTS.get(signo) else {
        return;
    };
    if word != 0 {
        // Relaxed: published by the release store of the word below.
        OWN_PID.store(os::getpid(), Ordering::Relaxed);
        OWN_UID.store(os::getuid(), Ordering::Relaxed);
    }
    // Release: the handler's acquire fence after reading a non-zero word
    // sees OWN_PID and OWN_UID. One change of the whole word, keeping the
    // deadline bit: the handler sees the old filter or the new one, never
    // none in between.
    let _ = slot
        .checks
        .fetch_update(Ordering::Release, Ordering::Relaxed, |w| {
            Some((w & DEADLINE_SIGNAL) | word)
        });
}

/// Refused deliveries of `signo` (`None`: all signals).
pub fn refused(signo: Option<usize>) -> u64 {
    // Relaxed: figures.
    match signo {
        Some(s) => SLOTS
            .get(s)
            .map_or(0, |slot| slot.refused.load(Ordering::Relaxed)),
        None => SLOTS[1..]
            .iter()
            .map(|slot| slot.refused.load(Ordering::Relaxed))
            .sum(),
    }
}

/// In a forked child (one thread, signals blocked): the pid is the child's,
/// and the refused figures start at zero like the others. Filters stay.
pub fn after_fork() {
    OWN_PID.store(os::getpid(), Ordering::Relaxed);
    for slot in &SLOTS[1..] {
        slot.refused.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_words() {
        assert_eq!(accept_word(0), None);
        assert_eq!(accept_word(32), None);
        assert_eq!(accept_word(SIGX_FROM_ANY), Some(0));
        assert_eq!(accept_word(SIGX_FROM_PARENT), Some(SIGX_FROM_PARENT));
    }

    #[test]
    fn kernel_codes_need_the_kernel_bit() {
        for code in [
            libc::SI_KERNEL,
            libc::CLD_EXITED,
            libc::SI_TIMER,
            libc::SI_MESGQ,
            libc::SI_ASYNCIO,
            libc::SI_SIGIO,
        ] {
            assert!(admits(SIGX_FROM_KERNEL, code, 0, 0), "code {code}");
            assert!(!admits(SIGX_FROM_ANY & !SIGX_FROM_KERNEL, code, 1, 0));
        }
        // A sender with no pid matches nothing, not even "root".
        assert!(!admits(
            SIGX_FROM_ROOT | SIGX_FROM_SAME_USER,
            libc::SI_USER,
            0,
            0
        ));
        assert!(admits(SIGX_FROM_ROOT, libc::SI_USER, 5, 0));
        assert!(!admits(SIGX_FROM_ROOT, libc::SI_QUEUE, 5, 1000));
        assert!(!admits(SIGX_FROM_KERNEL, libc::SI_TKILL, 5, 0));
    }
}
