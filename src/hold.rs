//! Holding a flood back in the kernel instead of dropping it.
//!
//! When a thread waits in sigx and the signals it waits for are delivered to
//! that same thread (the usual case for a single-threaded program), the
//! handler runs back to back on the waiter as long as the kernel has signals
//! pending: the waiter never gets to drain its ring, and once the ring is full
//! every further delivery is a drop. Real-time signals need not be lost that
//! way, because the kernel queues them (up to RLIMIT_SIGPENDING). So when a
//! push leaves a real-time signal's ring full on the *holding* thread, the
//! handler adds the signal to the interrupted context's signal mask
//! (`uc_sigmask`): after `sigreturn` the signal stays blocked on that thread
//! and the kernel keeps further deliveries queued.
//!
//! Waiters then take held deliveries off the kernel's queue themselves, with
//! `sigtimedwait` and a zero timeout, once the ring is empty
//! ([`crate::pending`]); each becomes a record exactly as the handler would
//! have made it. That is the kernel's cheapest way to receive a signal (no
//! signal frame, and a blocked signal never makes the sender interrupt the
//! receiving CPU), so a flood is consumed about as fast as `sigwaitinfo`
//! consumes it. When the kernel has nothing left, the owner unblocks what it
//! held; it also does so before any wait sleeps, so it can never sleep on a
//! signal it holds back.
//!
//! One thread at a time may hold: the first thread to wait (with a timeout
//! other than 0) claims `OWNER`.
//! It keeps the claim as long as its waits return records, and gives it up
//! when one comes back empty-handed with nothing held. Should the owner stop
//! waiting while it holds a signal back, other waiters still take that
//! signal's process-directed deliveries off the kernel's queue, and never
//! sleep longer than [`POLL_HELD`] at a time while it stays held. Standard
//! signals are never held (the kernel would merge them while blocked), nor
//! are `SIGX_ONESHOT` and `SIGX_CHAIN` signals (a delivery taken with
//! `sigtimedwait` neither resets the disposition nor can be chained from a
//! signal context).
//!
//! The handler's part ([`hold_if_owner`]) is in the signal zone: atomic
//! operations and a bit set in the kernel-provided context only.

use crate::handler::{self, CAUGHT, CHAIN, ONESHOT};
use crate::os;
use std::os::raw::{c_int, c_void};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// `os::thread_id()` of the holding thread; 0 when free. While the owner
/// gives the claim up it stores `id | 1` (thread ids are aligned pointers),
/// which no handler matches and no claim replaces.
static OWNER: AtomicUsize = AtomicUsize::new(0);
/// Signals (mask bits) the owner's waits are interested in.
static WANT: AtomicU64 = AtomicU64::new(0);
/// Signals (mask bits) a handler blocked on the owner thread.
static HELD: AtomicU64 = AtomicU64::new(0);

/// Signal zone: the push that just happened left the ring of `signo` full.
/// If this thread holds, block `signo` in the context the handler returns to.
/// `flags` are the signal's sigx flags; `ctx` is the handler's third argument
/// (a `ucontext_t`), or NULL outside a handler.
#[cold]
#[inline(never)]
pub fn hold_if_owner(signo: c_int, flags: u32, ctx: *mut c_void) {
    if signo <= libc::SIGSYS || ctx.is_null() || flags & (ONESHOT | CHAIN) != 0 {
        return; // see the module docs for what is never held
    }
    let bit = 1u64 << (signo - 1);
    // SeqCst: ordered against the owner's "store id|1, then swap HELD" so
    // that every bit set under the claim is seen by that swap.
    if OWNER.load(Ordering::SeqCst) != os::thread_id() || WANT.load(Ordering::SeqCst) & bit == 0 {
        return;
    }
    HELD.fetch_or(bit, Ordering::SeqCst);
    // SAFETY: with SA_SIGINFO the kernel passes a valid ucontext_t as the third argument; its uc_sigmask is the mask restored by sigreturn, and sigaddset only sets a bit in it.
    unsafe {
        let uc = ctx.cast::<libc::ucontext_t>();
        libc::sigaddset(&mut (*uc).uc_sigmask, signo);
    }
}

/// How long a waiter that is not the owner sleeps at most while a signal it
/// waits for is held back by the owner (which may not be waiting): held
/// deliveries do not wake anyone, so it looks at the kernel's queue again.
pub const POLL_HELD: std::time::Duration = std::time::Duration::from_millis(10);

/// Signals (mask bits) held back on the owner thread right now.
pub fn held() -> u64 {
    HELD.load(Ordering::SeqCst)
}

/// Take one held delivery of a signal in `mask` off the kernel's queue and
/// record it. Returns whether there was one. Any thread may do this: the
/// process-wide queue is shared, and the owner's own queue is visible to the
/// owner. Only signals sigx still catches are taken.
pub fn pull(mask: u64) -> bool {
    // Relaxed: CAUGHT changes under the registry lock, which settles held
    // signals before a change (`settle_before_change`).
    let want = held() & mask & CAUGHT.load(Ordering::Relaxed);
    if want == 0 {
        return false;
    }
    match os::sigtimedwait_now(want) {
        Some(info) => {
            handler::deliver_pulled(&info);
            true
        }
        None => false,
    }
}

/// If the calling thread holds signals back, unblock them all. Returns
/// whether anything was held; if so, the deliveries this released have
/// already run when it returns, so the caller should look again.
pub fn release_if_owner() -> bool {
    // SeqCst: see `hold_if_owner`.
    if OWNER.load(Ordering::SeqCst) != os::thread_id() {
        return false;
    }
    let held = HELD.swap(0, Ordering::SeqCst);
    if held != 0 {
        // Cannot fail for SIG_UNBLOCK with a valid set.
        let _ = os::thread_sigmask(libc::SIG_UNBLOCK, held);
    }
    held != 0
}

/// Become (or stay) the holding thread for the signals in `mask`, if no
/// other thread is. Called at the start of every wait that may sleep, so
/// that a thread receiving a flood is the holder before its ring fills.
pub fn claim(mask: u64) {
    let me = os::thread_id();
    // SeqCst: see `hold_if_owner`.
    let owner = OWNER.load(Ordering::SeqCst);
    if owner != me {
        if owner != 0
            || OWNER
                .compare_exchange(0, me, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
        {
            return;
        }
        // Normal context: the thread-local may allocate on first use.
        EXIT_GUARD.with(|_| {});
    }
    if WANT.load(Ordering::SeqCst) & mask != mask {
        WANT.fetch_or(mask, Ordering::SeqCst);
    }
}

/// After every wait: a thread that holds the claim keeps it while it keeps
/// receiving, so that a flood finds it still the holder between two waits
/// (a handler running then, on the same thread, would otherwise fill the
/// ring and drop). It gives the claim up when a wait of its own came back
/// empty-handed (`received` false: a timeout, or nothing installed) and it
/// holds nothing back; the next thread to sleep in a wait may then take it.
pub fn after_wait(received: bool) {
    let me = os::thread_id();
    // SeqCst: see `hold_if_owner`.
    if received || OWNER.load(Ordering::SeqCst) != me || HELD.load(Ordering::SeqCst) != 0 {
        return;
    }
    // Stop handlers on this thread from adding bits, take any that slipped
    // in, and give the claim up.
    OWNER.store(me | 1, Ordering::SeqCst);
    let late = HELD.swap(0, Ordering::SeqCst);
    WANT.store(0, Ordering::SeqCst);
    OWNER.store(0, Ordering::SeqCst);
    if late != 0 {
        let _ = os::thread_sigmask(libc::SIG_UNBLOCK, late);
    }
}

/// Before sigx stops catching `signo` (normal context, registry lock held):
/// record the held deliveries still queued in the kernel, which were sent
/// while sigx caught the signal and must not meet the new disposition. If
/// the caller is the owner, the signal is unblocked again once `change` has
/// run; another owner unblocks it at its next wait.
pub fn settle_before_change<T>(signo: c_int, change: impl FnOnce() -> T) -> T {
    let bit = 1u64 << (signo - 1);
    if held() & bit == 0 {
        return change();
    }
    while pull(bit) {}
    let result = change();
    // SeqCst: see `hold_if_owner`.
    if OWNER.load(Ordering::SeqCst) == os::thread_id()
        && HELD.fetch_and(!bit, Ordering::SeqCst) & bit != 0
    {
        let _ = os::thread_sigmask(libc::SIG_UNBLOCK, bit);
    }
    result
}

/// Gives the claim up when the holding thread exits, so that a later thread
/// (which may be handed the same thread id) does not inherit it. The exiting
/// thread's mask goes with it; the kernel hands the process-directed
/// deliveries it had blocked to the remaining threads.
struct ExitGuard;

impl Drop for ExitGuard {
    fn drop(&mut self) {
        let me = os::thread_id();
        // SeqCst: see `hold_if_owner`.
        if OWNER.load(Ordering::SeqCst) == me {
            OWNER.store(me | 1, Ordering::SeqCst);
            HELD.store(0, Ordering::SeqCst);
            WANT.store(0, Ordering::SeqCst);
            OWNER.store(0, Ordering::SeqCst);
        }
    }
}

thread_local! {
    static EXIT_GUARD: ExitGuard = const { ExitGuard };
}

/// In a forked child (single-threaded, every signal blocked): start without
/// a claim. Returns the signals the forking thread held back, which the
/// caller unblocks once it has put the thread's mask back: the child's
/// kernel queue starts empty, and a held signal left blocked would outlive
/// an `exec`.
pub fn reset_after_fork() -> u64 {
    let mine = OWNER.load(Ordering::SeqCst) & !1 == os::thread_id();
    let held = HELD.swap(0, Ordering::SeqCst);
    OWNER.store(0, Ordering::SeqCst);
    WANT.store(0, Ordering::SeqCst);
    if mine { held } else { 0 }
}
