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
//! and the kernel keeps further deliveries queued. The waiter unblocks it
//! again once the ring has room (at most half full), and always before it
//! goes to sleep, so it can never sleep on a signal it holds back.
//!
//! One thread at a time may hold: the first waiter to sleep claims `OWNER`.
//! It keeps the claim between two waits while it holds anything back or its
//! rings are not drained yet, and gives it up once it has caught up. Standard signals are never held: the kernel
//! would merge them while blocked.
//!
//! The handler's part ([`hold_if_owner`]) is in the signal zone: atomic
//! operations and a bit set in the kernel-provided context only.

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
/// `ctx` is the handler's third argument (a `ucontext_t`), or NULL.
#[cold]
#[inline(never)]
pub fn hold_if_owner(signo: c_int, ctx: *mut c_void) {
    if signo <= libc::SIGSYS || ctx.is_null() {
        return; // a standard signal would be merged by the kernel while held
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

/// A waiter's claim on holding, taken when it is about to sleep.
pub struct Claim {
    me: usize,
}

impl Claim {
    /// Try to become (or stay) the holding thread for the signals in `mask`.
    pub fn take(mask: u64) -> Option<Claim> {
        let me = os::thread_id();
        match OWNER.compare_exchange(0, me, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => {}
            Err(owner) if owner == me => {}
            Err(_) => return None,
        }
        WANT.fetch_or(mask, Ordering::SeqCst);
        Some(Claim { me })
    }

    /// Unblock everything held (before sleeping: the ring is drained, and a
    /// held signal must not be left pending while we sleep). Returns whether
    /// anything was held; if so, the deliveries it released have already
    /// run when this returns, so the caller should look again, not sleep.
    pub fn release_held(&self) -> bool {
        let held = HELD.swap(0, Ordering::SeqCst);
        if held != 0 {
            // Cannot fail for SIG_UNBLOCK with a valid set.
            let _ = os::thread_sigmask(libc::SIG_UNBLOCK, held);
        }
        held != 0
    }

    /// On the way out of a wait: unblock what was held if `has_room` says
    /// the rings of the held signals have room again, and give the claim up
    /// when nothing stays held and `drained` says the rings of the signals
    /// this thread waited for are empty (it has caught up with the flood).
    pub fn finish(self, has_room: impl Fn(u64) -> bool, drained: impl Fn(u64) -> bool) {
        // SeqCst: see `hold_if_owner`.
        let held = HELD.load(Ordering::SeqCst);
        if held != 0 {
            if !has_room(held) {
                return; // keep the claim: this thread still holds signals back
            }
            // Unblock while still holding, so that the burst of deliveries
            // this releases is held back again if it fills the ring.
            self.release_held();
            if HELD.load(Ordering::SeqCst) != 0 {
                return;
            }
        }
        if !drained(WANT.load(Ordering::SeqCst)) {
            return; // still draining: keep holding if the ring fills again
        }
        // Nothing held: stop handlers on this thread from adding bits, take
        // any that slipped in, and give the claim up.
        OWNER.store(self.me | 1, Ordering::SeqCst);
        let late = HELD.swap(0, Ordering::SeqCst);
        WANT.store(0, Ordering::SeqCst);
        OWNER.store(0, Ordering::SeqCst);
        if late != 0 {
            let _ = os::thread_sigmask(libc::SIG_UNBLOCK, late);
        }
    }
}

/// After every wait, whichever way it ended: if this thread holds signals
/// back and `has_room(held)` says their rings have room again, unblock them.
pub fn after_wait(has_room: impl Fn(u64) -> bool, drained: impl Fn(u64) -> bool) {
    let me = os::thread_id();
    // SeqCst: see `hold_if_owner`.
    if OWNER.load(Ordering::SeqCst) == me {
        Claim { me }.finish(has_room, drained);
    }
}

/// In a forked child: a claim of another thread of the parent is void (that
/// thread does not exist here). The forking thread keeps its own claim and
/// mask.
pub fn reset_after_fork() {
    let me = os::thread_id();
    if OWNER.load(Ordering::SeqCst) & !1 != me {
        OWNER.store(0, Ordering::SeqCst);
        HELD.store(0, Ordering::SeqCst);
        WANT.store(0, Ordering::SeqCst);
    }
}
