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
//! other than 0) claims `OWNER`. It keeps the claim as long as its waits
//! return records, and gives it up when one comes back empty-handed with
//! nothing held, or when it exits ([`on_exit`] records what it still held).
//! An owner that has not been inside a wait for [`STALE_NS`] is stale:
//! handlers stop holding signals on its thread (nobody would release them),
//! and another thread's wait takes the claim over if nothing is held.
//!
//! Event loops in a single-threaded process are the exception. A loop sleeps
//! in `poll()` on `sigx_fd`, not in sigx, and drains with waits of timeout 0
//! that always end empty-handed; a flood on its thread runs the handler back
//! to back, so the loop could never claim in time. While the eventfd exists
//! and the process has never had a second thread ([`os::single_threaded`]),
//! a drain claims too and its thread is a *poller* ([`POLLER`]): it keeps
//! the claim after empty drains, and handlers hold on its thread however
//! long it has slept (the push that filled the ring made the descriptor
//! readable, and the only thread is the loop's, so it comes back).
//! `sigx_fd()` makes its caller a poller if nobody holds the claim
//! ([`claim_for_loop`]), so that a flood before the first drain is held as
//! well. With more than one thread none of that applies (a drain may be a
//! one-off check on a thread that never comes back, and a signal held there
//! would stay blocked): a poller's claim then follows the rules above, and
//! a `sigx_fd()` caller that never waited is stale at once.
//!
//! Should the owner stop waiting while it holds a signal back, other waiters
//! still take that signal's process-directed deliveries off the kernel's
//! queue, and never sleep longer than [`POLL_HELD`] at a time while it stays
//! held. Standard signals are never held (the kernel would merge them while
//! blocked), nor are `SIGX_ONESHOT` and `SIGX_CHAIN` signals (a delivery taken
//! with `sigtimedwait` neither resets the disposition nor can be chained from
//! a signal context), nor `SIGX_INTERRUPT` ones (their point is to interrupt
//! a blocking call, which a blocked signal cannot).
//!
//! A held delivery was sent while sigx caught the signal, so it must never
//! meet another disposition: a disposition change drains the signal around
//! the change ([`settle_before_change`]), and the owner records what is still
//! queued for it before it unblocks a signal sigx no longer catches
//! ([`release_if_owner`]).
//!
//! Known limits: the blocked signal is visible in the owner's mask while it
//! is held (a mask saved then and restored later blocks it again; waits make
//! up for that, see [`pull_blocked`]), a program the owner starts with
//! `exec`, `posix_spawn` or `vfork` inherits it blocked, and an application
//! handler that sigx's handler interrupted restores its own mask when it
//! returns, which unblocks a signal held meanwhile (further deliveries are
//! then counted as dropped until the ring has room). A disposition changed
//! by another thread than the owner leaves the signal blocked on the owner
//! until its next wait, which records what is queued for it then, including
//! deliveries sent to it after the change; if the owner never waits again,
//! the signal stays blocked there. Threads the owner creates while it holds
//! inherit the signal blocked, and nothing unblocks it on them. When a stale
//! claim is taken over, a handler on the old owner that set its HELD bit
//! just before may, in a window of two atomic operations, clear the same bit
//! set by the new owner in between (the new owner's sleeping waits then
//! still take the signal, see [`pull_blocked`]).
//!
//! The handler's part ([`hold_if_owner`]) is in the signal zone: atomic
//! operations and a bit set in the kernel-provided context only.

use crate::handler::{self, CAUGHT, CHAIN, INTERRUPT, ONESHOT};
use crate::{os, wake};
use std::os::raw::{c_int, c_void};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};

/// Flags whose signals are never held (see the module docs).
const NEVER_HELD: u32 = ONESHOT | CHAIN | INTERRUPT;

/// The holding thread and its state, in one word so that taking the claim
/// over and the owner entering a wait cannot interleave: `os::thread_id()`
/// of the holder (an aligned pointer, so its two low bits are free), or 0
/// when free, plus [`IN_WAIT`] or [`GIVING_UP`].
static OWNER: AtomicUsize = AtomicUsize::new(0);
/// In [`OWNER`]: the owner gives the claim up, or a thread taking it looks
/// whether it may (see [`acquire`]); no handler matches the word and no
/// claim replaces it.
const GIVING_UP: usize = 1;
/// In [`OWNER`]: the owner is inside a wait or a disposition change; the
/// claim cannot be taken from it.
const IN_WAIT: usize = 2;
/// Signals (mask bits) the owner's waits are interested in.
static WANT: AtomicU64 = AtomicU64::new(0);
/// Signals (mask bits) a handler blocked on the owner thread.
static HELD: AtomicU64 = AtomicU64::new(0);
/// Signals (mask bits) a handler has ever held back (see [`pull_blocked`]).
static HELD_ONCE: AtomicU64 = AtomicU64::new(0);
/// CLOCK_MONOTONIC (ns) when the owner's last wait ended.
static LAST_EXIT: AtomicU64 = AtomicU64::new(0);
/// Whether the owner is a *poller*: its latest wait was a poll (timeout 0)
/// made while `sigx_fd` exists in a single-threaded process, as in an event
/// loop, or it called `sigx_fd()` there.
static POLLER: AtomicBool = AtomicBool::new(false);

/// Whether the word read from [`OWNER`] names thread `me` as the holder
/// (and it is not giving the claim up).
fn owned_by(word: usize, me: usize) -> bool {
    word & !IN_WAIT == me
}

/// Whether the calling thread holds the claim. Async-signal-safe.
fn is_owner() -> bool {
    // SeqCst: see `hold_if_owner`.
    owned_by(OWNER.load(Ordering::SeqCst), os::thread_id())
}

/// An owner that is not inside a wait and has not been for this long is
/// *stale*: handlers no longer hold signals back on its thread (it may never
/// wait again, and a held signal would stay blocked there), and another
/// thread's wait may take the claim over.
pub const STALE_NS: u64 = 1_000_000_000;

/// Whether the owner is in a wait or left one at most [`STALE_NS`] before
/// `now`. Async-signal-safe.
fn fresh(now: u64) -> bool {
    // SeqCst: `leave_wait` stores LAST_EXIT before it clears IN_WAIT, so
    // whoever reads IN_WAIT clear then reads the new LAST_EXIT.
    OWNER.load(Ordering::SeqCst) & IN_WAIT != 0
        || now.saturating_sub(LAST_EXIT.load(Ordering::SeqCst)) <= STALE_NS
}

/// Whether the owner is an event loop's: a poller, in a process that still
/// has one thread. A loop sleeps in `poll()` for as long as nothing happens,
/// but the push that filled the ring has made the descriptor readable, and
/// the only thread is the loop's, so it comes back to drain.
/// Async-signal-safe.
fn is_loop_owner() -> bool {
    // SeqCst: as OWNER (the caller checked this thread is the owner).
    POLLER.load(Ordering::SeqCst) && os::single_threaded()
}

/// Whether a handler on the owner's thread may hold a signal back: the owner
/// is an event loop's, or [`fresh`]. Async-signal-safe.
fn may_hold() -> bool {
    is_loop_owner() || fresh(os::monotonic_ns())
}

/// Signal zone: the push that just happened left the ring of `signo` full.
/// If this thread holds, block `signo` in the context the handler returns to.
/// `flags` are the signal's sigx flags; `ctx` is the handler's third argument
/// (a `ucontext_t`), or NULL outside a handler.
#[cold]
#[inline(never)]
pub fn hold_if_owner(signo: c_int, flags: u32, ctx: *mut c_void) {
    if signo <= libc::SIGSYS || ctx.is_null() || flags & NEVER_HELD != 0 {
        return; // see the module docs for what is never held
    }
    let bit = 1u64 << (signo - 1);
    // SeqCst: ordered against the owner's "store id|1, then swap HELD" so
    // that every bit set under the claim is seen by that swap.
    if !is_owner() || WANT.load(Ordering::SeqCst) & bit == 0 || !may_hold() {
        return;
    }
    let before = HELD.fetch_or(bit, Ordering::SeqCst);
    // A waiter may have taken a stale claim over meanwhile (`acquire`): it
    // hands the claim back if it sees this bit, but if the claim is gone
    // already, this thread must not hold. The bit is cleared only if this
    // handler set it: set before, it is the new owner's.
    if !is_owner() {
        if before & bit == 0 {
            HELD.fetch_and(!bit, Ordering::SeqCst);
        }
        return;
    }
    HELD_ONCE.fetch_or(bit, Ordering::Relaxed);
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

/// The signals of `bits` that waits may take off the kernel's queue: still
/// caught by sigx, and with none of the flags in [`NEVER_HELD`] (their flags
/// may have changed since they were held). The others are released to the
/// handler instead.
fn pullable(bits: u64) -> u64 {
    // Relaxed: CAUGHT and the flags change under the registry lock, which
    // settles held signals around a change (`settle_before_change`).
    let mut out = bits & CAUGHT.load(Ordering::Relaxed);
    let mut rest = out;
    while rest != 0 {
        let signo = rest.trailing_zeros() as usize + 1;
        rest &= rest - 1;
        if handler::SLOTS[signo].flags.load(Ordering::Relaxed) & NEVER_HELD != 0 {
            out &= !(1u64 << (signo - 1));
        }
    }
    out
}

/// Take every delivery of `bits` queued in the kernel for this thread (its
/// own queue and the process's) and record it, up to `limit` of them.
fn drain_kernel(bits: u64, limit: u32) {
    for _ in 0..limit {
        match os::sigtimedwait_now(bits) {
            Some(info) => handler::deliver_pulled(&info),
            None => return,
        }
    }
}

/// At most this many deliveries are drained at once when a held signal
/// changes hands (uninstall, thread exit): a sender that never stops must
/// not keep sigx there forever.
const DRAIN_LIMIT: u32 = 1 << 20;

/// Take one held delivery of a signal in `mask` off the kernel's queue and
/// record it. Returns whether there was one. Any thread may do this: the
/// process-wide queue is shared, and the owner's own queue is visible to the
/// owner. A thread other than the owner keeps the signal blocked from the
/// `sigtimedwait` until the record is pushed, so that its own handler cannot
/// push a later delivery of that signal first.
pub fn pull(mask: u64) -> bool {
    let held = held() & mask;
    if held == 0 {
        return false;
    }
    let want = pullable(held);
    if want == 0 {
        return false;
    }
    // The owner has the signals it holds blocked already.
    take_one(want, is_owner())
}

/// Take one pending delivery of `want` with `sigtimedwait` and record it,
/// with `want` blocked on this thread from before the `sigtimedwait` until
/// the record is pushed: were one of them unblocked, the return from
/// `sigtimedwait` would run its handler for a later delivery first, which
/// would take an earlier `seq`, and could fill the ring so that the one
/// taken here is dropped. `blocked` says the caller knows they are blocked.
fn take_one(want: u64, blocked: bool) -> bool {
    let opened = if blocked {
        0
    } else {
        match os::thread_sigmask(libc::SIG_BLOCK, want) {
            Ok(old) => want & !old,
            Err(_) => return false,
        }
    };
    let pulled = match os::sigtimedwait_now(want) {
        Some(info) => {
            handler::deliver_pulled(&info);
            true
        }
        None => false,
    };
    if opened != 0 {
        let _ = os::thread_sigmask(libc::SIG_UNBLOCK, opened);
    }
    pulled
}

/// Before a wait sleeps: take one delivery of `mask` that is pending and
/// blocked on this thread, of a signal sigx has held back at some point. A mask
/// the application saved while a signal was held contains that signal;
/// restoring it after sigx released the signal blocks it again, behind
/// sigx's back, and the deliveries would wait in the kernel while the wait
/// sleeps. One system call (`sigpending`) per sleep, and only for signals
/// that have been held back at least once (a signal the application blocks
/// on purpose and never floods stays its business). Returns whether a
/// delivery was recorded.
pub fn pull_blocked(mask: u64) -> bool {
    // Relaxed: set long before any mask saved while held can be restored.
    let want = pullable(mask & HELD_ONCE.load(Ordering::Relaxed));
    if want == 0 {
        return false;
    }
    // One system call in the common case (nothing pending); `take_one`
    // blocks them while it takes one (pending and unblocked is a delivery
    // on its way to a handler right now).
    match os::sigpending() {
        Ok(pending) if pending & want != 0 => take_one(pending & want, false),
        _ => false,
    }
}

/// Whether a signal of `mask` is held back now and may be taken by a wait
/// (a waiter that is not the owner then looks again every [`POLL_HELD`]).
pub fn held_for(mask: u64) -> bool {
    pullable(held() & mask) != 0
}

/// Whether a signal held back is pending in the kernel where this thread can
/// take it (for the eventfd: such deliveries are records-to-be).
pub fn held_pending() -> bool {
    let held = held();
    held != 0 && os::sigpending().is_ok_and(|p| p & pullable(held) != 0)
}

/// If the calling thread holds signals back, unblock them all. Returns
/// whether anything was held; if so, the deliveries this released have
/// already run when it returns, so the caller should look again. Held
/// signals sigx no longer catches (changed by another thread) have their
/// queued deliveries recorded first: they were held back while sigx caught
/// them and must not meet the new disposition.
pub fn release_if_owner() -> bool {
    if !is_owner() {
        return false;
    }
    let held = HELD.swap(0, Ordering::SeqCst);
    if held != 0 {
        // Relaxed: as in `pullable`.
        let gone = held & !CAUGHT.load(Ordering::Relaxed);
        if gone != 0 {
            drain_kernel(gone, DRAIN_LIMIT);
        }
        // Cannot fail for SIG_UNBLOCK with a valid set.
        let _ = os::thread_sigmask(libc::SIG_UNBLOCK, held);
    }
    held != 0
}

/// Become (or stay) the holding thread for the signals in `mask`, and count
/// as inside a wait if it is. Called at the start of every wait, so that a
/// thread receiving a flood is the holder before its ring fills. `poll` says
/// the wait has timeout 0: a poll takes the claim only as an event loop's
/// drain (the eventfd exists and the process has one thread); other polls
/// only keep a claim their thread has.
pub fn claim(mask: u64, poll: bool) {
    let me = os::thread_id();
    let poller = poll && wake::has_fd() && os::single_threaded();
    if !enter(me) {
        if (poll && !poller) || !acquire(me) {
            return;
        }
        watch_exit();
    }
    // SeqCst: see `is_loop_owner`; stored only when it changes.
    if POLLER.load(Ordering::SeqCst) != poller {
        POLLER.store(poller, Ordering::SeqCst);
    }
    if WANT.load(Ordering::SeqCst) & mask != mask {
        WANT.fetch_or(mask, Ordering::SeqCst);
    }
}

/// `sigx_fd()` was called on this thread: in a single-threaded process, if
/// no thread holds the claim, this one (the only one, so the loop's) becomes
/// the holder as a poller, for the signals caught now. A flood that starts
/// before the loop's first drain never lets the loop run until it is over,
/// so the first drain would come too late to claim.
pub fn claim_for_loop() {
    if !os::single_threaded() {
        return;
    }
    let me = os::thread_id();
    // Taken as if inside a wait, so that WANT and POLLER are this thread's
    // before the claim can be taken from it. SeqCst: see `hold_if_owner`.
    if OWNER
        .compare_exchange(0, me | IN_WAIT, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
    {
        // Relaxed: as in `pullable`.
        WANT.store(CAUGHT.load(Ordering::Relaxed), Ordering::SeqCst);
        POLLER.store(true, Ordering::SeqCst);
        watch_exit();
        // Not `leave_wait`: this thread has not waited, so once the process
        // has other threads it is stale at once (it may not be the loop's).
        LAST_EXIT.store(0, Ordering::SeqCst);
        let _ = OWNER.compare_exchange(me | IN_WAIT, me, Ordering::SeqCst, Ordering::SeqCst);
    }
}

/// If thread `me` holds the claim, mark it inside a wait (from then on the
/// claim cannot be taken from it) and return true.
fn enter(me: usize) -> bool {
    // SeqCst: see `hold_if_owner`.
    let mut word = OWNER.load(Ordering::SeqCst);
    while owned_by(word, me) {
        if word & IN_WAIT != 0 {
            return true;
        }
        // A CAS: a waiter may take a stale claim over meanwhile.
        match OWNER.compare_exchange(word, word | IN_WAIT, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => return true,
            Err(now) => word = now,
        }
    }
    false
}

/// Take the claim for thread `me`, inside a wait: when it is free, or from a
/// stale owner that is not inside a wait and holds nothing. A handler on the
/// old owner's thread may be holding a signal at this very moment (it
/// checked the claim just before we took it): it re-checks the claim after
/// setting its bit in HELD and backs off if the claim is gone, and we hand
/// the claim back if we see its bit. While we look, the word is
/// `me | GIVING_UP`, which no handler matches: a handler on this thread
/// must not hold before the claim is surely ours. Either way HELD only names
/// signals blocked on the owner's thread.
fn acquire(me: usize) -> bool {
    // SeqCst: see `hold_if_owner`.
    let word = OWNER.load(Ordering::SeqCst);
    if word != 0
        && (word & (IN_WAIT | GIVING_UP) != 0
            || HELD.load(Ordering::SeqCst) != 0
            || fresh(os::monotonic_ns()))
    {
        return false;
    }
    if OWNER
        .compare_exchange(word, me | GIVING_UP, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        return false;
    }
    if HELD.load(Ordering::SeqCst) != 0 {
        OWNER.store(word, Ordering::SeqCst);
        return false;
    }
    WANT.store(0, Ordering::SeqCst);
    POLLER.store(false, Ordering::SeqCst);
    OWNER.store(me | IN_WAIT, Ordering::SeqCst);
    true
}

/// Give the claim up (the caller, `me`, is the owner, inside a wait or
/// exiting): stop handlers on this thread from adding bits, then clear.
/// Returns what was still held, or None if the claim was not ours.
fn give_up(me: usize) -> Option<u64> {
    // SeqCst: see `hold_if_owner`.
    let word = OWNER.load(Ordering::SeqCst);
    if !owned_by(word, me) {
        return None;
    }
    // A CAS, not a store: outside a wait (thread exit) a waiter may take a
    // stale claim over meanwhile.
    OWNER
        .compare_exchange(word, me | GIVING_UP, Ordering::SeqCst, Ordering::SeqCst)
        .ok()?;
    let late = HELD.swap(0, Ordering::SeqCst);
    WANT.store(0, Ordering::SeqCst);
    POLLER.store(false, Ordering::SeqCst);
    OWNER.store(0, Ordering::SeqCst);
    Some(late)
}

/// The owner `me` leaves a wait: note when, for [`fresh`].
fn leave_wait(me: usize) {
    // SeqCst, in this order: see `fresh`.
    LAST_EXIT.store(os::monotonic_ns(), Ordering::SeqCst);
    let _ = OWNER.compare_exchange(me | IN_WAIT, me, Ordering::SeqCst, Ordering::SeqCst);
}

/// After every wait: a thread that holds the claim keeps it while it keeps
/// receiving, so that a flood finds it still the holder between two waits
/// (a handler running then, on the same thread, would otherwise fill the
/// ring and drop). It gives the claim up when a wait of its own came back
/// empty-handed (`received` false: a timeout, or nothing installed) and it
/// holds nothing back, so the next thread to wait may take it. An event
/// loop's owner keeps the claim either way ([`is_loop_owner`]): its drains
/// always end empty-handed, and it must still be the holder when the next
/// flood lands on it.
pub fn after_wait(received: bool) {
    let me = os::thread_id();
    if !is_owner() {
        return;
    }
    // Still inside the wait here, so the claim cannot change hands.
    if !received && !is_loop_owner() && HELD.load(Ordering::SeqCst) == 0 {
        if let Some(late) = give_up(me) {
            if late != 0 {
                let _ = os::thread_sigmask(libc::SIG_UNBLOCK, late);
            }
            return;
        }
    }
    leave_wait(me);
}

/// Change the disposition of `signo` with `change` (normal context, registry
/// lock held) without a held delivery meeting the new one: the deliveries
/// held back in the kernel were sent while sigx caught the signal, so they
/// are recorded (or counted as dropped if the queue is full). The calling
/// thread blocks the signal meanwhile and drains it before and after the
/// change; on the owner the signal is then unblocked for good. Deliveries
/// waiting in another owner's own queue (sent to that thread) are recorded
/// by that thread before it unblocks ([`release_if_owner`], or its exit).
pub fn settle_before_change<T>(signo: c_int, change: impl FnOnce() -> T) -> T {
    let bit = 1u64 << (signo - 1);
    if held() & bit == 0 {
        return change();
    }
    let me = os::thread_id();
    // The owner counts as inside a wait, so that the claim cannot be taken
    // from it while it works on HELD.
    let owner = enter(me);
    let old = os::thread_sigmask(libc::SIG_BLOCK, bit).unwrap_or(bit);
    drain_kernel(bit, DRAIN_LIMIT);
    let result = change();
    // Only what raced in between the drain above and the change: anything
    // beyond this was sent after the change and meets the new disposition.
    drain_kernel(bit, RACE_LIMIT);
    let was_held_here = owner && HELD.fetch_and(!bit, Ordering::SeqCst) & bit != 0;
    if was_held_here || old & bit == 0 {
        let _ = os::thread_sigmask(libc::SIG_UNBLOCK, bit);
    }
    if owner {
        leave_wait(me);
    }
    result
}

/// How many deliveries [`settle_before_change`] takes after the change.
const RACE_LIMIT: u32 = 1024;

/// The `pthread_key_t` whose destructor gives the claim up when the holding
/// thread exits ([`on_exit`]); `u32::MAX` until created.
static EXIT_KEY: AtomicU32 = AtomicU32::new(u32::MAX);
static EXIT_KEY_ONCE: Once = Once::new();

/// Arrange for [`on_exit`] to run when this thread exits. A `pthread_key_t`
/// destructor rather than a Rust thread-local: glibc runs key destructors
/// again for keys set while destructors run, so a claim taken during thread
/// teardown (a wait in another library's destructor) is still given up.
fn watch_exit() {
    EXIT_KEY_ONCE.call_once(|| {
        let mut key: libc::pthread_key_t = 0;
        // SAFETY: `key` is a valid out-pointer; `on_exit` has the destructor signature.
        if unsafe { libc::pthread_key_create(&mut key, Some(on_exit)) } == 0 {
            EXIT_KEY.store(key, Ordering::Release);
        }
    });
    let key = EXIT_KEY.load(Ordering::Acquire);
    if key != u32::MAX {
        // Any non-null value makes the destructor run; it is never dereferenced.
        // SAFETY: `key` came from pthread_key_create.
        unsafe {
            libc::pthread_setspecific(key, std::ptr::NonNull::<u8>::dangling().as_ptr().cast())
        };
    }
}

/// The holding thread is exiting: record what it held back that is still
/// queued for it (the kernel would discard its own queue with it, and the
/// process's queue would meet whichever thread comes next), then give the
/// claim up so that a later thread, which may get the same thread id, does
/// not inherit it.
extern "C" fn on_exit(_value: *mut c_void) {
    if let Some(held) = give_up(os::thread_id()) {
        if held != 0 {
            drain_kernel(held, DRAIN_LIMIT);
        }
    }
}

/// In a forked child (single-threaded, every signal blocked): start without
/// a claim. Returns the signals the forking thread held back, which the
/// caller unblocks once it has put the thread's mask back: the child's
/// kernel queue starts empty, and a held signal left blocked would outlive
/// an `exec`.
pub fn reset_after_fork() -> u64 {
    let mine = OWNER.load(Ordering::SeqCst) & !(IN_WAIT | GIVING_UP) == os::thread_id();
    let held = HELD.swap(0, Ordering::SeqCst);
    OWNER.store(0, Ordering::SeqCst);
    WANT.store(0, Ordering::SeqCst);
    LAST_EXIT.store(0, Ordering::SeqCst);
    POLLER.store(false, Ordering::SeqCst);
    if mine { held } else { 0 }
}
