//! Waking waiters: a futex event count, and the optional eventfd.
//!
//! The event count is two atomics. `EPOCH` moves on after every record is
//! published; `WAITERS` says how many threads may be asleep on it. A waiter
//! registers, reads the epoch, looks for work and only then sleeps on the
//! epoch value it read, so a record published after its look bumps the epoch
//! and either stops the sleep from starting (the futex sees a changed word)
//! or wakes it. The publisher calls `FUTEX_WAKE` only when `WAITERS` is
//! non-zero: a delivery that nobody waits for costs no system call.
//!
//! Both sides use SeqCst for the epoch bump and the waiter count: the
//! publisher's "bump, then read WAITERS" and the waiter's "register, then
//! read EPOCH" must not both see the old value (the store-load pattern that
//! only sequential consistency rules out).
//!
//! The eventfd exists only once `sigx_fd()` asked for it (`EVENT_FD` is -1
//! until then), so the handler does not pay for a `write` otherwise; and
//! while it is readable, further deliveries do not write it again
//! (`FD_ARMED`, see [`settle_fd`]).
//!
//! [`notify`] runs inside the signal handler and is part of the signal zone:
//! atomics and single system calls only.

use crate::os;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static EPOCH: AtomicU32 = AtomicU32::new(0);
static WAITERS: AtomicU32 = AtomicU32::new(0);
/// The thread that registered last (`os::thread_id`). When it is the only
/// waiter and the handler runs on that very thread, the handler has
/// interrupted the waiter itself: the waiter is not asleep, and on return its
/// futex sees the new epoch, so the wake system call can be skipped.
static LAST_WAITER: AtomicUsize = AtomicUsize::new(0);
static EVENT_FD: AtomicI32 = AtomicI32::new(-1);
/// Set by whoever writes the eventfd, cleared by [`settle_fd`] after it
/// reads it: while set, the descriptor is readable (or about to be), so a
/// burst of deliveries costs one `write`, not one each.
static FD_ARMED: AtomicBool = AtomicBool::new(false);

/// Tell waiters (and the eventfd) that something changed. Async-signal-safe.
#[inline]
pub fn notify() {
    // SeqCst: see the module docs (store-load against `Waiter::register`).
    EPOCH.fetch_add(1, Ordering::SeqCst);
    let waiters = WAITERS.load(Ordering::SeqCst);
    // SeqCst: if we read a stale LAST_WAITER (our own id) while another
    // thread is registering, its store comes after our load in the total
    // order, so its epoch read, which follows that store, sees our bump.
    let only_us = waiters == 1 && LAST_WAITER.load(Ordering::SeqCst) == os::thread_id();
    if waiters != 0 && !only_us {
        os::futex_wake_all(&EPOCH);
    }
    // Acquire: pairs with the release that published a new descriptor.
    let fd = EVENT_FD.load(Ordering::Acquire);
    // SeqCst: see `settle_fd`.
    if fd >= 0 && !FD_ARMED.swap(true, Ordering::SeqCst) {
        os::eventfd_signal(fd);
    }
}

/// Wake every sleeping waiter without touching the eventfd, so that they
/// re-check their conditions (used when installs or callbacks change).
pub fn nudge() {
    EPOCH.fetch_add(1, Ordering::SeqCst);
    if WAITERS.load(Ordering::SeqCst) != 0 {
        os::futex_wake_all(&EPOCH);
    }
}

/// A registered waiter; deregisters on drop.
pub struct Waiter(());

impl Waiter {
    /// Register the calling thread as (possibly) about to sleep.
    pub fn register() -> Self {
        // SeqCst: see the module docs and `notify`. Both stores come before
        // the epoch read in `epoch()`.
        WAITERS.fetch_add(1, Ordering::SeqCst);
        LAST_WAITER.store(os::thread_id(), Ordering::SeqCst);
        Waiter(())
    }

    /// The epoch to pass to [`Waiter::sleep`]; read it *before* looking for
    /// work.
    pub fn epoch(&self) -> u32 {
        EPOCH.load(Ordering::SeqCst)
    }

    /// Sleep until the epoch moves past `epoch` or `deadline` passes (None:
    /// no deadline). Spurious returns are possible; the caller loops.
    pub fn sleep(&self, epoch: u32, deadline: Option<Instant>) {
        let timeout = match deadline {
            None => None,
            Some(d) => match d.checked_duration_since(Instant::now()) {
                Some(left) if left > Duration::ZERO => Some(left),
                _ => return,
            },
        };
        os::futex_wait(&EPOCH, epoch, timeout);
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        // Forget being the last to register before leaving: a stale
        // LAST_WAITER naming this thread would make a later handler on this
        // thread skip the wake of another thread that is asleep. Before the
        // decrement, so that while this thread still counts as a waiter the
        // skip stays correct (it is not asleep: it is running this).
        let _ =
            LAST_WAITER.compare_exchange(os::thread_id(), 0, Ordering::SeqCst, Ordering::SeqCst);
        WAITERS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Whether `sigx_fd()` has created the eventfd. Async-signal-safe.
pub fn has_fd() -> bool {
    // Relaxed: a hint for flow control (see `hold::may_hold`), not a use of
    // the descriptor.
    EVENT_FD.load(Ordering::Relaxed) >= 0
}

/// The eventfd, created on first use. The caller serialises calls (it holds
/// the registry lock).
pub fn event_fd() -> std::io::Result<i32> {
    let fd = EVENT_FD.load(Ordering::Acquire);
    if fd >= 0 {
        return Ok(fd);
    }
    let fd = os::eventfd()?;
    // Release: the descriptor is fully created before the handler may use it.
    EVENT_FD.store(fd, Ordering::Release);
    Ok(fd)
}

/// After a drain found nothing: clear the eventfd, then make it readable
/// again if `still_queued()` says records slipped in meanwhile. Clearing
/// first and checking second is what makes a record that arrives at any
/// point leave the descriptor readable.
///
/// With `FD_ARMED`: a publisher pushes its record, then swaps the flag to
/// true and writes only if it was false. Here the descriptor is read first,
/// then the flag swapped to false, then the queues checked. A publisher whose
/// swap came first either wrote after our read (still readable) or its
/// record is seen by our check, because our swap read its `true` (SeqCst
/// read-modify-writes: it synchronises with the publisher); one whose swap
/// comes after ours finds false and writes, after our read.
pub fn settle_fd(still_queued: impl FnOnce() -> bool) {
    let fd = EVENT_FD.load(Ordering::Acquire);
    if fd < 0 {
        return;
    }
    os::eventfd_clear(fd);
    FD_ARMED.swap(false, Ordering::SeqCst);
    if still_queued() && !FD_ARMED.swap(true, Ordering::SeqCst) {
        os::eventfd_signal(fd);
    }
}

/// In a forked child (single-threaded, signals blocked): forget the parent's
/// waiters, and give the child an eventfd of its own if the parent had one.
pub fn reset_after_fork() {
    WAITERS.store(0, Ordering::SeqCst);
    LAST_WAITER.store(0, Ordering::SeqCst);
    let old = EVENT_FD.swap(-1, Ordering::AcqRel);
    FD_ARMED.store(false, Ordering::SeqCst);
    if old >= 0 {
        os::close(old);
        if let Ok(fd) = os::eventfd() {
            EVENT_FD.store(fd, Ordering::Release);
        }
    }
}
