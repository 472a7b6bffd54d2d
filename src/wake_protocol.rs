//! The two wake-up protocols, written once for the real atomics and once
//! for loom's (this file is included by `wake.rs` and by its loom tests,
//! each with its own `super::atomic`), so that what runs is what is checked.
//!
//! **Event count** (`EventCount`): `epoch` moves on after every record is
//! published; `waiters` says how many threads may be asleep on it. A waiter
//! registers, reads the epoch, looks for work and only then sleeps on the
//! epoch value it read, so a record published after its look bumps the
//! epoch and either stops the sleep from starting (the futex sees a changed
//! word) or wakes it. The publisher calls `FUTEX_WAKE` only when `waiters`
//! is non-zero. Both sides use SeqCst for the bump and the count: the
//! publisher's "bump, then read waiters" and the waiter's "register, then
//! read epoch" must not both see the old value (store-load ordering).
//!
//! `last` names the thread that registered last. When it is the only waiter
//! and the publisher runs on that very thread (a signal handler that
//! interrupted it), the waiter is not asleep: it is running the publisher,
//! and on return its futex sees the new epoch. The wake is skipped then.
//!
//! **Descriptor arming** (`FdArm`): a publisher pushes its record, then
//! swaps `armed` to true and writes the eventfd only if it was false, so a
//! burst costs one write. After a drain that found nothing, `settle` reads
//! the descriptor (clearing it), swaps `armed` to false, then checks the
//! queues and re-arms if something is there. A publisher whose swap came
//! first either wrote after our read (still readable) or its record is seen
//! by our check, because our swap read its `true` (SeqCst read-modify-writes
//! synchronise); one whose swap comes after ours finds false and writes,
//! after our read.
//!
//! `sc_fence()` marks the store-load points. The real atomics need nothing
//! there (SeqCst operations are in one total order), so it is empty; loom
//! models SeqCst accesses only as acquire/release, so its copy is a SeqCst
//! fence, which gives the model the ordering the real code has.

use super::atomic::{AtomicBool, AtomicI32, AtomicU32, AtomicU64, AtomicUsize, Ordering, sc_fence};
use std::time::Duration;

/// The system calls the protocols make: a futex and an eventfd. The real
/// ones in normal use; a model under loom.
pub trait Sys {
    /// Sleep while `*word == expected`, at most `timeout` (None: forever).
    /// May return early for any reason.
    fn futex_wait(&self, word: &AtomicU32, expected: u32, timeout: Option<Duration>);
    /// Wake every thread asleep in `futex_wait` on `word`.
    fn futex_wake(&self, word: &AtomicU32);
    /// Make descriptor `fd` readable.
    fn fd_signal(&self, fd: i32);
    /// Make descriptor `fd` not readable (read its counter to zero).
    fn fd_clear(&self, fd: i32);
}

/// The futex event count (see the module docs).
pub struct EventCount {
    /// Moves on after every publication.
    pub epoch: AtomicU32,
    /// Threads that may be asleep on `epoch`.
    pub waiters: AtomicU32,
    /// The thread that registered last (0: none).
    pub last: AtomicUsize,
}

impl EventCount {
    /// Publisher side, after a record is published: wake the sleepers.
    /// `me` names the calling thread; it is asked only when someone waits.
    /// Async-signal-safe.
    #[inline]
    pub fn notify(&self, sys: &impl Sys, me: impl FnOnce() -> usize) {
        // SeqCst: see the module docs (store-load against `register`).
        self.epoch.fetch_add(1, Ordering::SeqCst);
        sc_fence();
        let waiters = self.waiters.load(Ordering::SeqCst);
        // SeqCst: if we read a stale `last` (our own id) while another
        // thread registers, its store comes after our load in the total
        // order, so its epoch read, which follows that store, sees our bump.
        if waiters != 0 && !(waiters == 1 && self.last.load(Ordering::SeqCst) == me()) {
            sys.futex_wake(&self.epoch);
        }
    }

    /// Wake every sleeper so that it re-checks its conditions, without
    /// publishing anything.
    pub fn nudge(&self, sys: &impl Sys) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        sc_fence();
        if self.waiters.load(Ordering::SeqCst) != 0 {
            sys.futex_wake(&self.epoch);
        }
    }

    /// Waiter side: register thread `me` as (possibly) about to sleep.
    pub fn register(&self, me: usize) {
        // SeqCst: both stores come before the epoch read in `epoch()`.
        self.waiters.fetch_add(1, Ordering::SeqCst);
        self.last.store(me, Ordering::SeqCst);
        sc_fence();
    }

    /// Waiter side: leave. Forget being the last to register first: a stale
    /// `last` naming this thread would make a later publisher on this thread
    /// skip the wake of another thread that is asleep. Before the decrement,
    /// so that while this thread still counts the skip stays correct.
    pub fn unregister(&self, me: usize) {
        let _ = self
            .last
            .compare_exchange(me, 0, Ordering::SeqCst, Ordering::SeqCst);
        self.waiters.fetch_sub(1, Ordering::SeqCst);
    }

    /// The epoch to sleep on; read it after registering and *before*
    /// looking for work.
    pub fn epoch(&self) -> u32 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// Sleep until the epoch moves past `epoch` (or `timeout`, or any
    /// spurious reason: the caller loops).
    pub fn sleep(&self, sys: &impl Sys, epoch: u32, timeout: Option<Duration>) {
        sys.futex_wait(&self.epoch, epoch, timeout);
    }
}

/// One descriptor's arming flag (see the module docs).
pub struct FdArm {
    /// Set by whoever writes the descriptor, cleared by `settle` after it
    /// reads it: while set, the descriptor is readable or about to be.
    pub armed: AtomicBool,
}

impl FdArm {
    /// Publisher side, after a record is published. Async-signal-safe.
    #[inline]
    pub fn publish(&self, sys: &impl Sys, fd: i32) {
        // SeqCst: see `settle`.
        if !self.armed.swap(true, Ordering::SeqCst) {
            sys.fd_signal(fd);
        }
    }

    /// After a drain found nothing: clear the descriptor, then make it
    /// readable again if `still_queued()` says records slipped in.
    pub fn settle(&self, sys: &impl Sys, fd: i32, still_queued: impl FnOnce() -> bool) {
        sys.fd_clear(fd);
        self.armed.swap(false, Ordering::SeqCst);
        if still_queued() && !self.armed.swap(true, Ordering::SeqCst) {
            sys.fd_signal(fd);
        }
    }
}

/// One descriptor of the table: readable while a record of a signal in
/// `mask` is queued.
pub struct FdEntry {
    /// The signals it stands for (0: entry unused).
    pub mask: AtomicU64,
    /// Its eventfd.
    pub fd: AtomicI32,
    /// Its arming flag.
    pub arm: FdArm,
    /// Waits asleep on its eventfd (`ppoll`), which a nudge must reach.
    pub sleepers: AtomicU32,
}

/// A fixed table of descriptors, each for a mask. Entries are appended
/// (under the caller's lock) and never removed, so a publisher can read it
/// without a lock: `count` entries are complete, and `any` is the union of
/// their masks (a publisher of a signal outside `any` skips the table).
pub struct FdTable<const N: usize> {
    /// The entries; the first `count` are in use.
    pub entries: [FdEntry; N],
    /// How many entries are complete.
    pub count: AtomicUsize,
    /// Union of the masks of the complete entries.
    pub any: AtomicU64,
}

impl<const N: usize> FdTable<N> {
    /// Publisher side: arm every descriptor whose mask holds `bit`.
    /// Async-signal-safe.
    #[inline]
    pub fn publish(&self, sys: &impl Sys, bit: u64) {
        // Store-load point against `add` + the caller's settle (a record
        // pushed before this load, an entry added before that check): the
        // real caller has just made a SeqCst read-modify-write
        // (`EventCount::notify`).
        sc_fence();
        // Acquire: pairs with the release in `add`; an entry counted is
        // complete.
        if self.any.load(Ordering::Acquire) & bit == 0 {
            return;
        }
        let count = self.count.load(Ordering::Acquire).min(N);
        for e in &self.entries[..count] {
            // Relaxed: written before `count` was released.
            if e.mask.load(Ordering::Relaxed) & bit != 0 {
                e.arm.publish(sys, e.fd.load(Ordering::Relaxed));
            }
        }
    }

    /// Make the descriptors that waits sleep on readable, so that they look
    /// again (see `EventCount::nudge`; a sleeper counts itself, then checks
    /// the epoch, so it either sees the nudge's bump or is seen here).
    pub fn nudge_sleepers(&self, sys: &impl Sys) {
        sc_fence();
        let count = self.count.load(Ordering::Acquire).min(N);
        for e in &self.entries[..count] {
            if e.sleepers.load(Ordering::SeqCst) != 0 {
                e.arm.publish(sys, e.fd.load(Ordering::Relaxed));
            }
        }
    }

    /// The index of the entry for exactly `mask`, if there is one.
    pub fn find(&self, mask: u64) -> Option<usize> {
        let count = self.count.load(Ordering::Acquire).min(N);
        (0..count).find(|&i| self.entries[i].mask.load(Ordering::Relaxed) == mask)
    }

    /// Append an entry for `mask` with eventfd `fd` (caller serialises
    /// appends). Returns its index, or None when the table is full. The
    /// caller then settles it, so that records queued before it existed
    /// make it readable.
    pub fn add(&self, mask: u64, fd: i32) -> Option<usize> {
        let i = self.count.load(Ordering::Relaxed);
        let e = self.entries.get(i)?;
        e.fd.store(fd, Ordering::Relaxed);
        e.mask.store(mask, Ordering::Relaxed);
        // Release: the entry is complete before it is counted.
        self.count.store(i + 1, Ordering::Release);
        // SeqCst: ordered before the caller's settle, which checks the
        // queues: a publisher that missed the bit pushed before that check.
        self.any.fetch_or(mask, Ordering::SeqCst);
        sc_fence();
        Some(i)
    }

    /// After a drain of `mask` found nothing: settle every entry that
    /// shares a signal with it and is armed; `queued(m)` says whether
    /// records of mask `m` wait.
    pub fn settle(&self, sys: &impl Sys, mask: u64, queued: impl Fn(u64) -> bool) {
        let count = self.count.load(Ordering::Acquire).min(N);
        for e in &self.entries[..count] {
            let m = e.mask.load(Ordering::Relaxed);
            // Relaxed: an entry not armed yet needs no clearing; one armed
            // after this look was armed for a record still queued.
            if m & mask != 0 && e.arm.armed.load(Ordering::Relaxed) {
                e.arm
                    .settle(sys, e.fd.load(Ordering::Relaxed), || queued(m));
            }
        }
    }
}
