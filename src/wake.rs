//! Waking waiters: the futex event count, and the descriptors of
//! `sigx_fd_mask` (a fixed table of eventfds, one per mask).
//!
//! The protocols themselves are in `wake_protocol.rs` (model-checked with
//! loom, below); this module holds the process's instances and the system
//! calls behind them. [`notify`] runs inside the signal handler and is part
//! of the signal zone: atomics and single system calls only, and only when
//! someone sleeps or a descriptor of the signal's is not readable yet.
//!
//! A user descriptor is more than its eventfd: `sigx_fd_mask` returns an
//! epoll instance holding the eventfd (readable while records of the mask
//! are queued) and a signalfd for the mask's caught signals (readable while
//! one of them is pending in the kernel, i.e. blocked in every thread that
//! could take it). Waits that sleep with some of their signals blocked use
//! the bare eventfd (see `pending`).

use crate::os;
use std::sync::atomic::Ordering;
use std::time::Duration;

mod atomic {
    pub use std::sync::atomic::*;
    /// Nothing: see `wake_protocol.rs` on `sc_fence`.
    #[inline(always)]
    pub fn sc_fence() {}
}
#[path = "wake_protocol.rs"]
mod protocol;

use protocol::{EventCount, FdArm, FdEntry, FdTable, Sys};

/// How many masks may have a user descriptor (`sigx_fd_mask`) at once,
/// besides `SIGX_ALL`: `sigx_fd()`'s has a place of its own, so that it
/// never fails for want of one.
pub const USER_MASKS: usize = 64;
/// How many masks waits may make entries for themselves (a wait that
/// sleeps with some of its signals blocked sleeps on its mask's eventfd).
/// A wait that finds no place looks again every few milliseconds instead;
/// it never takes a place from the user descriptors.
pub const SLEEP_MASKS: usize = 64;
/// The table's size: the user masks, `SIGX_ALL`, and the waits' own.
pub const FD_MASKS: usize = USER_MASKS + 1 + SLEEP_MASKS;

/// Who asks for an entry (see [`entry_for`]).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// A user descriptor (`sigx_fd_mask`).
    User,
    /// A wait that sleeps on the entry.
    Sleep,
}

/// The real system calls.
struct Os;

impl Sys for Os {
    fn futex_wait(&self, word: &atomic::AtomicU32, expected: u32, timeout: Option<Duration>) {
        os::futex_wait(word, expected, timeout);
    }
    fn futex_wake(&self, word: &atomic::AtomicU32) {
        os::futex_wake_all(word);
    }
    fn fd_signal(&self, fd: i32) {
        os::eventfd_signal(fd);
    }
    fn fd_clear(&self, fd: i32) {
        os::eventfd_clear(fd);
    }
}

static EVENTS: EventCount = EventCount {
    epoch: atomic::AtomicU32::new(0),
    waiters: atomic::AtomicU32::new(0),
    last: atomic::AtomicUsize::new(0),
};

static FDS: FdTable<FD_MASKS> = FdTable {
    entries: [const {
        FdEntry {
            mask: atomic::AtomicU64::new(0),
            fd: atomic::AtomicI32::new(-1),
            arm: FdArm {
                armed: atomic::AtomicBool::new(false),
            },
            sleepers: atomic::AtomicU32::new(0),
        }
    }; FD_MASKS],
    count: atomic::AtomicUsize::new(0),
    any: atomic::AtomicU64::new(0),
};

/// A record of the signal with mask bit `bit` was published (or a kernel
/// delivery became takeable): wake sleepers and arm its descriptors.
/// Async-signal-safe.
#[inline]
pub fn notify(bit: u64) {
    EVENTS.notify(&Os, os::thread_id);
    FDS.publish(&Os, bit);
}

/// Wake every sleeping waiter without touching the descriptors, so that
/// they re-check their conditions (installs, callbacks, dispositions).
pub fn nudge() {
    EVENTS.nudge(&Os);
    FDS.nudge_sleepers(&Os);
}

/// The event count's epoch now (see [`sleep_on_entry`]).
pub fn epoch() -> u32 {
    EVENTS.epoch()
}

/// Sleep in `ppoll` on the eventfd of entry `i` (see `pending`), with the
/// thread's mask set to `sleep_mask` for the call, for at most `timeout`:
/// unless the epoch has moved past `epoch` (read before the caller looked
/// for work), or `queued()` says records of the entry's mask wait. A
/// cancellation point.
pub fn sleep_on_entry(
    i: usize,
    epoch: u32,
    queued: impl FnOnce() -> bool,
    sleep_mask: u64,
    timeout: Option<Duration>,
) {
    let e = &FDS.entries[i];
    // SeqCst: against `FdTable::nudge_sleepers` (count, then check the
    // epoch; the nudger bumps the epoch, then reads the count).
    e.sleepers.fetch_add(1, Ordering::SeqCst);
    if EVENTS.epoch() == epoch {
        let mut ready = false;
        let fd = e.fd.load(Ordering::Relaxed);
        e.arm.settle(&Os, fd, || {
            ready = queued();
            ready
        });
        if !ready {
            let mut fds = [libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            }];
            os::cancellable(|| os::ppoll(&mut fds, timeout, sleep_mask));
        }
    }
    e.sleepers.fetch_sub(1, Ordering::SeqCst);
}

/// A registered waiter; deregisters on drop.
///
/// A thread cancelled while asleep is unwound without running Rust
/// destructors (the library is built with `panic = "abort"`, so its frames
/// have no landing pads), so the registration is also noted in a
/// thread-specific value whose destructor, run when the thread exits,
/// deregisters it. A `pthread_key_t` rather than a Rust thread-local: it
/// allocates nothing per thread.
pub struct Waiter(());

/// The key whose destructor deregisters a cancelled waiter; `u32::MAX`
/// until created.
static EXIT_KEY: atomic::AtomicU32 = atomic::AtomicU32::new(u32::MAX);
static EXIT_KEY_ONCE: std::sync::Once = std::sync::Once::new();

/// Thread exit while registered (a cancelled sleep): deregister.
extern "C" fn unregister_at_exit(_value: *mut std::os::raw::c_void) {
    EVENTS.unregister(os::thread_id());
}

/// Mark (`true`) or unmark this thread as registered for the exit hook.
fn note_registered(on: bool) {
    EXIT_KEY_ONCE.call_once(|| {
        if let Some(key) = os::thread_key_create(unregister_at_exit) {
            EXIT_KEY.store(key, Ordering::Release);
        }
    });
    let key = EXIT_KEY.load(Ordering::Acquire);
    if key != u32::MAX {
        os::thread_key_set(key, on);
    }
}

impl Waiter {
    /// Register the calling thread as (possibly) about to sleep.
    pub fn register() -> Self {
        EVENTS.register(os::thread_id());
        note_registered(true);
        Waiter(())
    }

    /// Sleep until the epoch moves past `epoch` (from [`epoch`], read before
    /// looking for work) or `timeout` passes (None: forever). A cancellation
    /// point. Spurious returns are possible.
    pub fn sleep(&self, epoch: u32, timeout: Option<Duration>) {
        os::cancellable(|| EVENTS.sleep(&Os, epoch, timeout));
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        note_registered(false);
        EVENTS.unregister(os::thread_id());
    }
}

/// Serialises appends to the table and counts the entries made for waits
/// (it is held across `fork`). The registry counts the user descriptors.
static FD_LOCK: os::Mutex<usize> = os::Mutex::new(0);

/// Before `fork`: hold the append lock, so the child never inherits it held
/// by a thread it does not have.
pub fn lock_for_fork() {
    // SAFETY: released by `unlock_after_fork` on both sides of the fork.
    unsafe { FD_LOCK.raw_lock() };
}

/// After `fork`, on both sides: release what `lock_for_fork` took.
pub fn unlock_after_fork() {
    // SAFETY: taken by `lock_for_fork` on this thread (or, in the child, the thread it continues).
    unsafe { FD_LOCK.raw_unlock() };
}

/// The eventfd of the entry for exactly `mask`, creating the entry if
/// needed. `queued(m)` says whether records of mask `m` wait (to settle a
/// new entry). `Ok(None)` when a wait asks and [`SLEEP_MASKS`] entries were
/// made for waits already (the registry keeps user descriptors within
/// [`USER_MASKS`], so the table always has room for them).
pub fn entry_for(
    mask: u64,
    purpose: Use,
    queued: impl Fn(u64) -> bool,
) -> std::io::Result<Option<(usize, i32)>> {
    if let Some(found) = find_entry(mask) {
        return Ok(Some(found));
    }
    let mut made_for_waits = FD_LOCK.lock();
    if let Some(i) = FDS.find(mask) {
        return Ok(Some((i, FDS.entries[i].fd.load(Ordering::Relaxed))));
    }
    if purpose == Use::Sleep && *made_for_waits >= SLEEP_MASKS {
        return Ok(None);
    }
    let fd = os::eventfd()?;
    let Some(i) = FDS.add(mask, fd) else {
        os::close(fd);
        return Ok(None);
    };
    // Records queued before the entry existed make it readable.
    FDS.entries[i].arm.settle(&Os, fd, || queued(mask));
    if purpose == Use::Sleep {
        *made_for_waits += 1;
    }
    Ok(Some((i, fd)))
}

/// The eventfd of an existing entry for exactly `mask` (lock-free).
pub fn find_entry(mask: u64) -> Option<(usize, i32)> {
    FDS.find(mask)
        .map(|i| (i, FDS.entries[i].fd.load(Ordering::Relaxed)))
}

/// After a drain of `mask` found nothing: settle the descriptors that share
/// a signal with it.
pub fn settle(mask: u64, queued: impl Fn(u64) -> bool) {
    FDS.settle(&Os, mask, queued);
}

/// Every entry in use, as (mask, eventfd), for the fork child and the
/// signalfd updates.
pub fn entries() -> impl Iterator<Item = (u64, i32)> {
    let count = FDS.count.load(Ordering::Acquire).min(FD_MASKS);
    FDS.entries[..count]
        .iter()
        .map(|e| (e.mask.load(Ordering::Relaxed), e.fd.load(Ordering::Relaxed)))
}

/// In a forked child (single-threaded, signals blocked): forget the
/// parent's waiters, and give every entry an eventfd of the child's own on
/// the same descriptor number, settled for the child's (empty) queues.
pub fn reset_after_fork() {
    EVENTS.waiters.store(0, Ordering::SeqCst);
    EVENTS.last.store(0, Ordering::SeqCst);
    let count = FDS.count.load(Ordering::Acquire).min(FD_MASKS);
    for e in &FDS.entries[..count] {
        let num = e.fd.load(Ordering::Relaxed);
        e.arm.armed.store(false, Ordering::SeqCst);
        match os::eventfd() {
            // On failure the child keeps sharing the parent's eventfd: it
            // still wakes, only spuriously. Nothing better can be done here.
            Ok(fresh) => {
                let _ = os::move_fd(fresh, num);
            }
            Err(_) => continue,
        }
    }
}

#[cfg(all(test, loom))]
#[path = "wake_loom.rs"]
mod loom_tests;
