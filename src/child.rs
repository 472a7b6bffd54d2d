//! Children: one SIGCHLD record per exit of a watched child, whatever the
//! kernel merged (`sigx_child_watch`). Normal context only, one lock.
//!
//! **Source of truth.** A watch holds a pidfd, in an epoll instance of this
//! module. A *scan* asks that epoll which watched children have exited and
//! reads each with `waitid(P_PIDFD, WEXITED | WNOHANG | WNOWAIT)` (the child
//! stays a zombie), then pushes a record made from it into SIGCHLD's ring,
//! as the handler would (next `seq`, `time_ns` now, counted in
//! `delivered`), and wakes waiters. A scan runs at every take whose mask
//! holds SIGCHLD (a wait's start and each of its wake-ups, each drain step,
//! each dispatch step), after every kernel child record taken, and in
//! `sigx_child_watch` (a zombie is reported). Never in the handler.
//!
//! **Wake-ups come from SIGCHLD itself.** Every exit is followed by a
//! SIGCHLD delivery: its own, or the pending one it was merged into, which
//! is handled after the exit. That delivery's record (or, blocked, its
//! pending state) makes waits and `sigx_fd` wake, and the take that follows
//! scans. So the pidfds need no place in the user descriptors.
//!
//! **De-duplication lives where records are taken** ([`filter`], called by
//! `pending` for each record before it is returned). A kernel exit record
//! (CLD_EXITED/KILLED/DUMPED) for a watched pid: if the scan has not made
//! the child's record yet, the kernel's *is* the one record (checked with
//! the pidfd that this child has exited; if not, it is a stale record of an
//! earlier process with that pid, and is dropped); otherwise it is a
//! duplicate and dropped. Our own record is recognised by its `seq`. After
//! reporting, a pid whose kernel record has not been seen stays as a
//! *tombstone*, which drops that record when it comes (unless its code or
//! status differ, or sigx reaped the child and an exited child has that pid
//! again: then the pid was reused and the record passes). A tombstone is
//! forgotten when its record comes, when the pid is watched again, or once
//! it is a second old at a quiet moment: no SIGCHLD pending in the kernel
//! (any thread), none queued, none in a taker's hands. What that cannot see
//! is a handler the kernel has started but that has not pushed yet; a
//! record still ahead after a second needs that handler stalled across it.
//!
//! **Accounting.** SIGCHLD's `delivered` counts records made available:
//! +1 per kernel delivery (the handler, or a wait taking it from the
//! kernel), +1 per record a scan made, -1 per kernel record dropped as a
//! duplicate (its drop count is given back for the next record). So
//! delivered == returned + queued + dropped still holds at quiet moments.
//! A scan never drops: when the ring is full the child waits for the next
//! scan.

use crate::error::Error;
use crate::handler::{SEQ, SLOTS};
use crate::record::sigx_info;
use crate::{os, pending, registry, wake};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const SIGCHLD: i32 = libc::SIGCHLD;
/// SIGCHLD's bit in a mask.
const BIT: u64 = 1 << (SIGCHLD - 1);
/// How old a tombstone must be before a quiet moment may forget it.
const GRACE: Duration = Duration::from_secs(1);

/// Where a watched child's exit stands.
#[derive(Clone, Copy)]
enum Stage {
    /// Not reported; its pidfd is in the epoll.
    Live,
    /// The scan queued record `seq`; `kernel_seen` once the kernel's own
    /// exit record was dropped.
    Queued { seq: u64, kernel_seen: bool },
    /// Reported; the kernel's record has not been seen (a tombstone).
    /// `code` and `status` as reported; `reaped` if sigx reaped it (so the
    /// pid may be another child's by now).
    Reported {
        since: Instant,
        code: i32,
        status: i32,
        reaped: bool,
    },
}

struct Watch {
    /// Open while Live or Queued (to scan, then to reap); -1 after.
    pidfd: i32,
    /// `SIGX_CHILD_REAP`.
    reap: bool,
    /// Watched by the program (false after `sigx_child_unwatch` of a child
    /// whose record is queued, and for tombstones).
    watched: bool,
    stage: Stage,
}

struct Table {
    watches: BTreeMap<i32, Watch>,
    /// Holds the pidfds of Live watches, tagged with the pid; -1 until the
    /// first watch.
    epoll: i32,
    /// The last look for tombstones to forget.
    last_sweep: Option<Instant>,
}

static TABLE: os::Mutex<Table> = os::Mutex::new(Table {
    watches: BTreeMap::new(),
    epoll: -1,
    last_sweep: None,
});
/// Entries of the table (any stage): zero spares takes the lock.
static ENTRIES: AtomicUsize = AtomicUsize::new(0);
/// SIGCHLD records popped from a ring or taken from the kernel and not yet
/// through [`filter`] (see [`InHand`]).
static IN_HAND: AtomicUsize = AtomicUsize::new(0);

/// Run `f` on the table (lock held), then publish its size.
fn with_table<R>(f: impl FnOnce(&mut Table) -> R) -> R {
    let mut t = TABLE.lock();
    let r = f(&mut t);
    // Release: a taker that sees the count sees the entries through the lock.
    ENTRIES.store(t.watches.len(), Ordering::Release);
    r
}

/// Watch child `pid` (see `sigx_child_watch`).
pub fn watch(pid: i32, reap: bool) -> Result<(), Error> {
    if registry::caught(BIT) == 0 {
        return Err(Error::NotInstalled);
    }
    with_table(|t| {
        if let Some(w) = t.watches.get_mut(&pid) {
            if !matches!(w.stage, Stage::Reported { .. }) {
                w.watched = true;
                w.reap = reap;
                return Ok(());
            }
        }
        if t.epoll < 0 {
            t.epoll = os::epoll_create()?;
        }
        let fd = os::pidfd_open(pid).map_err(|e| match e.raw_os_error() {
            // No such process; a thread other than a process's first (ENOENT
            // since Linux 6.9, EINVAL before).
            Some(libc::ESRCH | libc::ENOENT | libc::EINVAL) => Error::NotFound,
            Some(libc::ENOSYS) => Error::Unsupported,
            _ => e.into(),
        })?;
        // Not a child of ours (or reaped already): ECHILD. No P_PIDFD
        // (Linux 5.3): EINVAL.
        let added = match os::waitid_pidfd(fd, true) {
            Ok(_) => os::epoll_add_tagged(t.epoll, fd, pid as u32 as u64).map_err(Error::from),
            Err(e) => Err(match e.raw_os_error() {
                Some(libc::ECHILD) => Error::NotFound,
                Some(libc::EINVAL) => Error::Unsupported,
                _ => e.into(),
            }),
        };
        if let Err(e) = added {
            os::close(fd);
            return Err(e);
        }
        // A tombstone of an earlier child with this pid is replaced: the
        // Live check in `judge` sorts out a late record of that one.
        t.watches.insert(
            pid,
            Watch {
                pidfd: fd,
                reap,
                watched: true,
                stage: Stage::Live,
            },
        );
        t.scan();
        Ok(())
    })
}

/// Stop watching child `pid` (see `sigx_child_unwatch`).
pub fn unwatch(pid: i32) -> Result<(), Error> {
    with_table(|t| {
        let ep = t.epoll;
        let w = t.watches.get_mut(&pid).ok_or(Error::NotFound)?;
        if !w.watched {
            return Err(Error::NotFound);
        }
        match w.stage {
            Stage::Live => {
                os::epoll_del(ep, w.pidfd);
                os::close(w.pidfd);
                t.watches.remove(&pid);
            }
            // The record is queued: it is still returned (the kernel's may
            // have been merged into it), without reaping.
            Stage::Queued { .. } => {
                w.watched = false;
                w.reap = false;
            }
            Stage::Reported { .. } => return Err(Error::NotFound),
        }
        Ok(())
    })
}

/// Before a take with `mask`: make records of the watched children that
/// have exited.
pub fn poll(mask: u64) {
    // Acquire: pairs with the release in `with_table`.
    if mask & BIT != 0 && ENTRIES.load(Ordering::Acquire) != 0 {
        with_table(Table::scan);
    }
}

/// A SIGCHLD record taken from a ring or the kernel, before it is returned:
/// `None` if it is a duplicate of an exit sigx reports otherwise (see the
/// module docs). Reaps a `SIGX_CHILD_REAP` child whose record this is.
pub fn filter(rec: sigx_info) -> Option<sigx_info> {
    // Acquire: pairs with the release in `with_table`.
    if rec.signo != SIGCHLD || ENTRIES.load(Ordering::Acquire) == 0 {
        return Some(rec);
    }
    with_table(|t| {
        let kernel = rec.code > 0 && !t.is_ours(&rec);
        let out = t.judge(rec);
        if kernel {
            // A kernel child event: every exit merged into it is visible now.
            t.scan();
        }
        out
    })
}

/// Counts a SIGCHLD record between its take and [`filter`], so that a
/// tombstone sweep never runs while one is in a taker's hands.
pub struct InHand(bool);

impl InHand {
    /// Before popping from a ring or the kernel with `mask`.
    pub fn new(mask: u64) -> Self {
        let on = mask & BIT != 0;
        if on {
            // SeqCst: ordered before the take, and against the sweep's look.
            IN_HAND.fetch_add(1, Ordering::SeqCst);
        }
        InHand(on)
    }
}

impl Drop for InHand {
    fn drop(&mut self) {
        if self.0 {
            IN_HAND.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

impl Table {
    /// Whether `rec` is a record a scan made (it is, while queued, known by
    /// its `seq`).
    fn is_ours(&self, rec: &sigx_info) -> bool {
        self.watches
            .get(&rec.pid)
            .is_some_and(|w| matches!(w.stage, Stage::Queued { seq, .. } if seq == rec.seq))
    }

    /// Decide what becomes of SIGCHLD record `rec` (lock held).
    fn judge(&mut self, rec: sigx_info) -> Option<sigx_info> {
        let exit = matches!(
            rec.code,
            libc::CLD_EXITED | libc::CLD_KILLED | libc::CLD_DUMPED
        );
        if !exit {
            return Some(rec); // stop, continue, sent by a process
        }
        let ep = self.epoll;
        let Some(stage) = self.watches.get(&rec.pid).map(|w| w.stage) else {
            return Some(rec); // not watched
        };
        match stage {
            Stage::Queued { seq, kernel_seen } if seq == rec.seq => {
                self.finish(&rec, kernel_seen);
                Some(rec)
            }
            Stage::Queued {
                seq,
                kernel_seen: false,
            } => {
                if let Some(w) = self.watches.get_mut(&rec.pid) {
                    w.stage = Stage::Queued {
                        seq,
                        kernel_seen: true,
                    };
                }
                absorb(&rec)
            }
            // A second kernel exit record while ours is queued: not about
            // this child (its zombie keeps the pid); pass it.
            Stage::Queued { .. } => Some(rec),
            Stage::Live => {
                let fd = self.watches.get(&rec.pid).map_or(-1, |w| w.pidfd);
                if let Ok(None) = os::waitid_pidfd(fd, true) {
                    // This child has not exited: the record is about an
                    // earlier process that had its pid.
                    return absorb(&rec);
                }
                // The kernel's record came first: it is the one.
                os::epoll_del(ep, fd);
                self.finish(&rec, true);
                Some(rec)
            }
            Stage::Reported {
                code,
                status,
                reaped,
                ..
            } => {
                // Another exit than the one reported, or an exited child
                // with this pid after sigx reaped ours: the pid was reused,
                // the record is the new child's. Keep the tombstone.
                if rec.code != code || rec.status != status || (reaped && os::child_exited(rec.pid))
                {
                    return Some(rec);
                }
                self.watches.remove(&rec.pid);
                absorb(&rec)
            }
        }
    }

    /// The exit of `pid` is being reported: reap it if asked, close its
    /// pidfd, and keep a tombstone unless the kernel's record was seen.
    fn finish(&mut self, rec: &sigx_info, kernel_seen: bool) {
        let Some(w) = self.watches.get_mut(&rec.pid) else {
            return;
        };
        // Through the pidfd, so that nothing but this child is reaped.
        let reaped = w.watched && w.reap && os::waitid_pidfd(w.pidfd, false).is_ok();
        os::close(w.pidfd);
        w.pidfd = -1;
        if kernel_seen {
            self.watches.remove(&rec.pid);
        } else {
            w.watched = false;
            w.stage = Stage::Reported {
                since: Instant::now(),
                code: rec.code,
                status: rec.status,
                reaped,
            };
        }
    }

    /// Queue a record for every watched child that has exited (lock held).
    fn scan(&mut self) {
        if self.epoll >= 0 {
            self.scan_ready();
        }
        self.sweep();
    }

    fn scan_ready(&mut self) {
        let mut tags = [0u64; 64];
        loop {
            let n = os::epoll_ready(self.epoll, &mut tags);
            let mut moved = false;
            for &tag in &tags[..n] {
                let pid = tag as u32 as i32;
                let Some(w) = self.watches.get_mut(&pid) else {
                    continue;
                };
                if !matches!(w.stage, Stage::Live) {
                    continue;
                }
                match os::waitid_pidfd(w.pidfd, true) {
                    Ok(None) => {}
                    Ok(Some(exit)) => {
                        let Some(seq) = push_record(&exit) else {
                            return; // ring full: the next take scans again
                        };
                        os::epoll_del(self.epoll, w.pidfd);
                        w.stage = Stage::Queued {
                            seq,
                            kernel_seen: false,
                        };
                        moved = true;
                    }
                    // Reaped by other code (ECHILD): its status is gone. The
                    // kernel's record, if not merged, passes as unwatched.
                    Err(_) => {
                        os::epoll_del(self.epoll, w.pidfd);
                        os::close(w.pidfd);
                        self.watches.remove(&pid);
                        moved = true;
                    }
                }
            }
            if n < tags.len() || !moved {
                return;
            }
        }
    }

    /// Forget tombstones older than [`GRACE`] at a quiet moment (see the
    /// module docs). Looks at most twice per GRACE.
    fn sweep(&mut self) {
        let now = Instant::now();
        if self
            .last_sweep
            .is_some_and(|t| now.saturating_duration_since(t) < GRACE / 2)
        {
            return;
        }
        let old = |w: &Watch| matches!(w.stage, Stage::Reported { since, .. } if now.saturating_duration_since(since) >= GRACE);
        if !self.watches.values().any(old) {
            return;
        }
        self.last_sweep = Some(now);
        // The kernel first, then the ring, then the takers' hands: a record
        // moves only the other way (kernel -> ring or taker -> filter), and
        // the filter needs the lock we hold.
        if os::signal_pending_anywhere(SIGCHLD)
            || pending::queued(BIT) != 0
            || IN_HAND.load(Ordering::SeqCst) != 0
        {
            return;
        }
        self.watches.retain(|_, w| !old(w));
    }
}

/// Drop duplicate kernel record `rec`: it no longer counts as delivered,
/// and the drops it would have reported wait for the next record.
fn absorb(rec: &sigx_info) -> Option<sigx_info> {
    let slot = &SLOTS[SIGCHLD as usize];
    // Relaxed: figures (see `handler::deliver`); Release as the handler's.
    slot.delivered.fetch_sub(1, Ordering::Relaxed);
    if rec.dropped != 0 {
        slot.unreported.fetch_add(rec.dropped, Ordering::Release);
    }
    None
}

/// Queue the exit record of a watched child into SIGCHLD's ring, as the
/// handler would, and wake waiters. `None` when the ring is full.
fn push_record(exit: &os::ChildExit) -> Option<u64> {
    let slot = &SLOTS[SIGCHLD as usize];
    let queue = slot.queue()?;
    // Relaxed: as in `handler::deliver`.
    let seq = SEQ.fetch_add(1, Ordering::Relaxed) + 1;
    let rec = sigx_info {
        signo: SIGCHLD,
        code: exit.code,
        pid: exit.pid,
        uid: exit.uid,
        // Where the handler leaves si_status; `interpret` moves it.
        value: exit.status as u32 as u64,
        seq,
        time_ns: os::monotonic_ns(),
        ..sigx_info::default()
    };
    slot.delivered.fetch_add(1, Ordering::Relaxed);
    if queue.ring.push(seq, rec).is_err() {
        slot.delivered.fetch_sub(1, Ordering::Relaxed);
        return None;
    }
    wake::notify(BIT);
    Some(seq)
}

/// Before `fork`: hold the lock, so the child never inherits it held.
pub fn lock_for_fork() {
    // SAFETY: released by `unlock_after_fork_parent` or `after_fork_child`.
    unsafe { TABLE.raw_lock() };
}

/// After `fork`, in the parent.
pub fn unlock_after_fork_parent() {
    // SAFETY: taken by `lock_for_fork` on this thread.
    unsafe { TABLE.raw_unlock() };
}

/// After `fork`, in the child (one thread, signals blocked): watch nothing.
/// The inherited pidfds and epoll are closed; the table's memory is left
/// alone (the child of a threaded parent should not free).
pub fn after_fork_child() {
    // SAFETY: this thread holds the lock (taken in `lock_for_fork` by the thread the child continues), and no guard exists.
    let t = unsafe { TABLE.data_locked() };
    for w in t.watches.values() {
        if w.pidfd >= 0 {
            os::close(w.pidfd);
        }
    }
    if t.epoll >= 0 {
        os::close(t.epoll);
    }
    t.epoll = -1;
    t.last_sweep = None;
    std::mem::forget(std::mem::take(&mut t.watches));
    ENTRIES.store(0, Ordering::Release);
    IN_HAND.store(0, Ordering::SeqCst);
    // SAFETY: as above.
    unsafe { TABLE.raw_unlock() };
}
