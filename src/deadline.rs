//! Deadlines: time out a blocking call in this thread (`sigx_deadline`,
//! issue #13).
//!
//! A deadline is a thread-directed POSIX timer (`SIGEV_THREAD_ID`) on
//! CLOCK_MONOTONIC that first expires after the caller's timeout and then
//! every [`REPEAT_NS`], until the deadline is cleared: a blocking call that
//! the thread enters just after the first expiry is interrupted by the next
//! one. The first expiry is an ordinary delivery (recorded, counted,
//! chained, called back); the repeats must be invisible, and that is the
//! one thing the signal zone decides for deadlines ([`hide`]).
//!
//! **What the handler reads.** Each thread that ever set a deadline owns a
//! slot of a static table; its word in [`STATE`] packs a generation number
//! and a state (idle, armed, expired; or "at once" for a timeout of 0:
//! expired, its first delivery still to record). Every arming takes a new generation
//! and creates a new kernel timer whose `si_value` is [`TAG`] | slot |
//! generation, so a delivery names the arming it came from. The handler's
//! rule, for `SI_TIMER` deliveries carrying the tag: the current generation
//! while armed (or "at once") is the first expiry (one CAS turns it to expired, and it is
//! recorded); the current generation in any other state, or a past one, is
//! hidden; a "future" generation cannot be ours, so it is recorded as any
//! timer's delivery would be. The handler asks only for signals that a
//! deadline has used (`handler::DEADLINE_SIGNAL`, set by [`set`] and never
//! cleared), so every other delivery pays nothing for deadlines.
//!
//! **Races.** A deadline's signals are directed at its thread, so they are
//! handled on that thread only, and only that thread changes its slot's
//! word (in `sigx_deadline`, and in the thread-exit destructor) — a handler
//! can interrupt those changes, never run beside them. Clearing stores
//! "idle" *before* deleting the kernel timer: an expiry that lands before
//! the store was a real expiry; one that lands after is hidden; after the
//! delete none comes. Re-arming retires the old generation the same way,
//! then stores the new one: a late signal of the old timer (say, held
//! blocked meanwhile) names a past generation and is hidden. Generations
//! keep counting when a slot passes to another thread, so a late signal
//! never matches a later owner's arming. A forked child has no timers: its
//! slots are all reset to idle and free.
//!
//! Caveat: a timer or `sigqueue` sender that is not sigx's and chooses
//! exactly such a value (its upper 32 bits equal to [`TAG`], which no
//! pointer and no small number has) may have its delivery hidden.

use crate::error::{Error, Signal};
use crate::{handler, os};
use std::os::raw::c_void;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, AtomicUsize, Ordering};

/// How many threads can have a deadline at once.
pub const SLOTS: usize = 4096;
/// The upper 32 bits of every deadline timer's `si_value`.
pub const TAG: u64 = 0x5167_DEAD_u64 << 32;
const SLOT_SHIFT: u32 = 20;
const GEN_MASK: u64 = (1 << SLOT_SHIFT) - 1;
/// Generations this far behind the current one count as past.
const PAST: u64 = 1 << (SLOT_SHIFT - 1);
/// The interval of the repeated interruptions after the first expiry.
pub const REPEAT_NS: u64 = 5_000_000;

const IDLE: u64 = 0;
const ARMED: u64 = 1;
const EXPIRED: u64 = 2;
/// Armed with timeout 0: expired for `sigx_deadline_expired`, its first
/// delivery (sent by `set` itself) not yet recorded.
const AT_ONCE: u64 = 3;
const STATE_MASK: u64 = 3;

// ---- signal zone ------------------------------------------------------------

/// Per slot: `generation << 2 | state`. Read and changed by the owning
/// thread's handler, changed by its normal context (see the module docs).
static STATE: [AtomicU64; SLOTS] = [const { AtomicU64::new(0) }; SLOTS];

/// Signal zone: whether an `SI_TIMER` delivery carrying `value` is a
/// deadline's delivery to hide (a repeat, or a late one of a past arming).
/// The first expiry of an arming turns it to expired and is not hidden.
/// Atomics only; no system call, so `errno` is untouched.
#[cold]
#[inline(never)]
pub fn hide(value: u64) -> bool {
    if value & !0xFFFF_FFFF != TAG {
        return false; // not a deadline's
    }
    let generation = value & GEN_MASK;
    let Some(word) = STATE.get(((value >> SLOT_SHIFT) & 0xFFF) as usize) else {
        return false;
    };
    // Acquire: pairs with the release stores of `sigx_deadline`, so the
    // generation seen is at least the one the timer was created for.
    let w = word.load(Ordering::Acquire);
    let current = (w >> 2) & GEN_MASK;
    if current != generation {
        // Past: hide. "Future": not an arming of ours, record it.
        return current.wrapping_sub(generation) & GEN_MASK < PAST;
    }
    if w & STATE_MASK != ARMED && w & STATE_MASK != AT_ONCE {
        return true; // a repeat, or late after a clear
    }
    // AcqRel: a figure for `sigx_deadline_expired`. Failure means the word
    // moved (cleared or re-armed) meanwhile: this delivery is late, hide it.
    word.compare_exchange(
        w,
        (w & !STATE_MASK) | EXPIRED,
        Ordering::AcqRel,
        Ordering::Relaxed,
    )
    .is_err()
}

// ---- normal context ---------------------------------------------------------

/// Which slots a thread owns.
static OWNED: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];
/// The kernel timer of each slot's current arming, -1 for none (owner only).
static TIMER: [AtomicI32; SLOTS] = [const { AtomicI32::new(-1) }; SLOTS];
/// Where the next slot search starts.
static HINT: AtomicUsize = AtomicUsize::new(0);

/// The key holding this thread's slot + 1, whose destructor clears the
/// deadline and frees the slot; `u32::MAX` until created.
static KEY: AtomicU32 = AtomicU32::new(u32::MAX);
static KEY_ONCE: Once = Once::new();

fn key() -> Option<u32> {
    KEY_ONCE.call_once(|| {
        if let Some(k) = os::thread_key_create(thread_exit) {
            KEY.store(k, Ordering::Release);
        }
    });
    let k = KEY.load(Ordering::Acquire);
    (k != u32::MAX).then_some(k)
}

/// The calling thread's slot, if it has one.
fn my_slot() -> Option<usize> {
    let k = KEY.load(Ordering::Acquire);
    if k == u32::MAX {
        return None;
    }
    os::thread_key_get(k).checked_sub(1).filter(|&s| s < SLOTS)
}

/// The calling thread's slot, taking a free one if it has none.
fn claim_slot() -> Result<usize, Error> {
    if let Some(s) = my_slot() {
        return Ok(s);
    }
    // Without the key the deadline would outlive its thread: refuse.
    let k = key().ok_or(Error::System(libc::EAGAIN))?;
    let start = HINT.load(Ordering::Relaxed);
    for i in 0..SLOTS {
        let s = (start + i) % SLOTS;
        // Acquire: the previous owner's last changes happened before.
        if OWNED[s]
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            HINT.store((s + 1) % SLOTS, Ordering::Relaxed);
            os::thread_key_set_value(k, s + 1);
            return Ok(s);
        }
    }
    Err(Error::System(libc::EAGAIN))
}

/// Whether sigx's handler catches `sig` now without `SA_RESTART` (that is,
/// installed with `SIGX_INTERRUPT`) and for good (not `SIGX_ONESHOT`, whose
/// reset after the first expiry would leave the repeats to the default
/// action): the kernel says.
fn interrupts(sig: Signal) -> bool {
    os::get_action(sig.get()).is_ok_and(|a| {
        a.sa_sigaction == handler::handle as *const () as usize
            && a.sa_flags & (libc::SA_RESTART | libc::SA_RESETHAND) == 0
    })
}

/// End slot `s`'s current arming: idle first, then delete its timer (see
/// the module docs on why in this order). The generation stays.
fn retire(s: usize) {
    // Release: pairs with the handler's acquire load.
    let w = STATE[s].load(Ordering::Relaxed);
    STATE[s].store(w & !STATE_MASK, Ordering::Release);
    let t = TIMER[s].swap(-1, Ordering::Relaxed);
    if t >= 0 {
        let _ = os::timer_delete(t);
    }
}

/// Arm the calling thread's deadline: `sig` in `ms` milliseconds (0: now),
/// then every [`REPEAT_NS`] until cleared. Replaces an armed one.
pub fn set(sig: Signal, ms: u64) -> Result<(), Error> {
    if !interrupts(sig) {
        return Err(Error::NotInstalled);
    }
    let s = claim_slot()?;
    // The handler looks for repeats only on signals a deadline has used.
    // Set by this thread, at which the timer's signals are directed, before
    // the timer exists (see `handler::DEADLINE_SIGNAL`).
    if let Some(slot) = handler::slot_of(sig.get()) {
        slot.checks
            .fetch_or(handler::DEADLINE_SIGNAL, Ordering::Relaxed);
    }
    let generation = ((STATE[s].load(Ordering::Relaxed) >> 2) + 1) & GEN_MASK;
    let value = TAG | (s as u64) << SLOT_SHIFT | generation;
    // Created before the old arming is retired, so that a failure changes
    // nothing. It is not armed yet: no signal can come from it.
    let timer = os::timer_create(libc::CLOCK_MONOTONIC, sig.get(), value, Some(os::gettid()))?;
    retire(s);
    // Release: the handler that sees this generation sees it armed.
    let state = if ms == 0 { AT_ONCE } else { ARMED };
    STATE[s].store(generation << 2 | state, Ordering::Release);
    TIMER[s].store(timer, Ordering::Relaxed);
    let first = if ms == 0 {
        // At once: expired from now on; the first expiry is sent to this
        // thread here, and the kernel delivers it as this system call
        // returns (if the signal is not blocked here). Should the kernel
        // refuse (its queue full), the timer's own first expiry comes a
        // nanosecond from now instead.
        match os::queue_to_this_thread(sig.get(), libc::SI_TIMER, value) {
            Ok(()) => REPEAT_NS,
            Err(_) => 1,
        }
    } else {
        ms.saturating_mul(1_000_000)
    };
    if let Err(e) = os::timer_settime(timer, false, first, REPEAT_NS) {
        retire(s);
        return Err(e.into());
    }
    Ok(())
}

/// Clear the calling thread's deadline, if any.
pub fn clear() {
    if let Some(s) = my_slot() {
        retire(s);
    }
}

/// Whether the calling thread's deadline has expired since it was set.
pub fn expired() -> bool {
    my_slot().is_some_and(|s| {
        let state = STATE[s].load(Ordering::Acquire) & STATE_MASK;
        state == EXPIRED || state == AT_ONCE
    })
}

/// Thread exit: clear the deadline and give the slot back.
extern "C" fn thread_exit(value: *mut c_void) {
    let Some(s) = (value as usize).checked_sub(1).filter(|&s| s < SLOTS) else {
        return;
    };
    retire(s);
    // Release: the next owner sees this one's changes done.
    OWNED[s].store(false, Ordering::Release);
}

/// In a forked child (one thread, signals blocked): the kernel copied no
/// timer, so no deadline is armed and no slot is owned. Generations stay.
pub fn after_fork_child() {
    for s in 0..SLOTS {
        let w = STATE[s].load(Ordering::Relaxed);
        STATE[s].store(w & !STATE_MASK, Ordering::Relaxed);
        TIMER[s].store(-1, Ordering::Relaxed);
        OWNED[s].store(false, Ordering::Relaxed);
    }
    let k = KEY.load(Ordering::Acquire);
    if k != u32::MAX {
        os::thread_key_set_value(k, 0);
    }
}

/// Deadlines armed now (for tests and figures).
pub fn armed() -> usize {
    STATE
        .iter()
        .filter(|w| w.load(Ordering::Relaxed) & STATE_MASK != IDLE)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(slot: usize, generation: u64) -> u64 {
        TAG | (slot as u64) << SLOT_SHIFT | (generation & GEN_MASK)
    }

    #[test]
    fn foreign_values_are_never_hidden() {
        for v in [
            0,
            1,
            42,
            u64::MAX,
            0x7fff_1234_5678,
            TAG - 1,
            TAG ^ (1 << 63),
        ] {
            assert!(!hide(v), "{v:#x}");
        }
    }

    #[test]
    fn first_expiry_once_then_repeats_hidden() {
        let s = SLOTS - 1;
        STATE[s].store(7 << 2 | ARMED, Ordering::Relaxed);
        assert!(!hide(value(s, 7)), "the first expiry is recorded");
        assert_eq!(STATE[s].load(Ordering::Relaxed) & STATE_MASK, EXPIRED);
        assert!(hide(value(s, 7)), "a repeat");
        assert!(hide(value(s, 7)), "another repeat");
        // Cleared: late deliveries of that arming stay hidden.
        STATE[s].store(7 << 2 | IDLE, Ordering::Relaxed);
        assert!(hide(value(s, 7)));
        // Re-armed: the old generation is past, the new one's first counts.
        STATE[s].store(8 << 2 | ARMED, Ordering::Relaxed);
        assert!(hide(value(s, 7)), "late signal of the previous arming");
        assert!(hide(value(s, 3)), "an older one");
        assert!(!hide(value(s, 9)), "a generation never armed: not ours");
        assert_eq!(STATE[s].load(Ordering::Relaxed) & STATE_MASK, ARMED);
        assert!(!hide(value(s, 8)));
        assert!(hide(value(s, 8)));
        // Timeout 0: its first delivery is recorded, then it is expired.
        STATE[s].store(9 << 2 | AT_ONCE, Ordering::Relaxed);
        assert!(!hide(value(s, 9)));
        assert_eq!(STATE[s].load(Ordering::Relaxed) & STATE_MASK, EXPIRED);
        assert!(hide(value(s, 9)));
        STATE[s].store(0, Ordering::Relaxed);
    }

    #[test]
    fn generations_wrap() {
        let s = SLOTS - 2;
        STATE[s].store(1 << 2 | ARMED, Ordering::Relaxed);
        assert!(
            hide(value(s, GEN_MASK)),
            "the generation before 1, across the wrap"
        );
        assert!(!hide(value(s, 1)));
        STATE[s].store(0, Ordering::Relaxed);
    }
}
