//! The consumer side of the queues: taking records oldest-first across a set
//! of signals, taking blocked deliveries from the kernel, the figures, and
//! waiting.
//!
//! Runs in normal context only. It reads the rings lock-free (they are never
//! freed), so waiters never contend with installs on the registry lock.
//!
//! **Blocked signals come from the kernel.** A signal the calling thread
//! has blocked is never handled on that thread, so a wait takes its pending
//! deliveries itself: `rt_sigtimedwait` with a zero timeout, turned into the
//! same record the handler makes ([`handler::taken_from_kernel`]), once the
//! rings of its mask are empty (queued records are older). To sleep, such a
//! wait uses `ppoll` on the eventfd of its mask with those signals unblocked
//! for the sleep only: one arriving delivery runs the handler on this thread
//! and ends the sleep, and the kernel blocks them again before anything
//! else runs, so a flood stays in the kernel's queue (where senders meet
//! `EAGAIN` when it is full) instead of overrunning the ring. The thread's
//! mask is the same before and after. Other waits sleep on the futex event
//! count.

use crate::error::{Deadline, Error};
use crate::handler::{self, InfoRing, SLOTS, Slot};
use crate::record::{sigx_info, sigx_stats};
use crate::wake::{self, Waiter};
use crate::{child, disposition, os};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Iterate the signal numbers whose bits are set in `mask`.
pub fn signals_in(mask: u64) -> impl Iterator<Item = usize> {
    let mut m = mask;
    std::iter::from_fn(move || {
        if m == 0 {
            return None;
        }
        let bit = m.trailing_zeros() as usize;
        m &= m - 1;
        Some(bit + 1)
    })
}

/// The rings of signal `signo`: its current one, then those it replaced.
fn rings(signo: usize) -> impl Iterator<Item = &'static InfoRing> {
    let mut next = SLOTS.get(signo).and_then(Slot::queue);
    std::iter::from_fn(move || {
        let q = next?;
        next = q.older;
        Some(&q.ring)
    })
}

/// Take the oldest record (smallest `seq`) among the signals in `mask` whose
/// `seq` is at most `max_seq`.
///
/// Each ring's head is compared by the key copy in its slot, then popped at
/// exactly that position; if another consumer took it first, look again.
pub fn take(mask: u64, max_seq: u64) -> Option<sigx_info> {
    // Issue #14: exits of watched children become records before the look.
    child::poll(mask);
    let mask = with_queue(mask);
    loop {
        let mut best: Option<(usize, &InfoRing, u64, u64)> = None;
        for signo in signals_in(mask) {
            for ring in rings(signo) {
                if let Some((pos, seq)) = ring.peek() {
                    if seq <= max_seq && best.is_none_or(|(_, _, _, s)| seq < s) {
                        best = Some((signo, ring, pos, seq));
                    }
                }
            }
        }
        let (signo, ring, pos, _) = best?;
        let slot = &SLOTS[signo];
        note_length(slot, ring);
        let _in_hand = child::InHand::new(1u64 << (signo - 1));
        if let Some(mut rec) = ring.pop_at(pos) {
            rec.interpret();
            // Issue #14: a duplicate of a watched child's exit is dropped.
            let Some(mut rec) = child::filter(rec) else {
                continue;
            };
            // AcqRel: takes every drop counted before this point exactly once.
            rec.dropped = slot.unreported.swap(0, Ordering::AcqRel);
            return Some(rec);
        }
    }
}

/// Keep `high_water` up to date before a take. A ring only grows between
/// two takes, so its length just before one is the most it held since the
/// previous take; [`stats`] adds the length now.
fn note_length(slot: &Slot, ring: &InfoRing) {
    let len = ring.len();
    // Relaxed: a figure. The load first spares the read-modify-write in the
    // common case where the mark does not move.
    if len > slot.high_water.load(Ordering::Relaxed) {
        slot.high_water.fetch_max(len, Ordering::Relaxed);
    }
}

/// The signals of `mask` that have a queue (the others cannot hold records).
fn with_queue(mask: u64) -> u64 {
    // Acquire: a set bit means the queue pointer was published before it.
    mask & handler::HAS_QUEUE.load(Ordering::Acquire)
}

/// How many records of the signals in `mask` are queued.
pub fn queued(mask: u64) -> u64 {
    signals_in(with_queue(mask))
        .flat_map(rings)
        .map(|r| r.len())
        .sum()
}

/// Whether a ring of the signals in `mask` holds a record.
pub fn any_queued(mask: u64) -> bool {
    signals_in(with_queue(mask))
        .flat_map(rings)
        .any(|r| !r.is_empty())
}

/// Figures for one signal (`Some(signo)`) or the sum over all (`None`).
pub fn stats(signo: Option<i32>) -> sigx_stats {
    let one = |s: usize| {
        let slot = &SLOTS[s];
        let queued = queued(1u64 << (s - 1));
        sigx_stats {
            delivered: slot.delivered.load(Ordering::Relaxed),
            dropped: slot.dropped.load(Ordering::Relaxed),
            queued,
            high_water: slot.high_water.load(Ordering::Relaxed).max(queued),
        }
    };
    match signo {
        Some(s) => one(s as usize),
        None => (1..SLOTS.len())
            .map(one)
            .fold(sigx_stats::default(), |a, b| sigx_stats {
                delivered: a.delivered + b.delivered,
                dropped: a.dropped + b.dropped,
                queued: a.queued + b.queued,
                high_water: a.high_water.max(b.high_water),
            }),
    }
}

/// Take one pending delivery of the signals in `blocked` (which the calling
/// thread has blocked) off the kernel's queue, as a record.
///
/// A delivery taken after its signal stopped being caught (another thread
/// uninstalled it between our look and the take) was sent for the new
/// disposition: it is handed back to the kernel unchanged
/// (`rt_sigqueueinfo` to this process, which may carry any `si_code`), and
/// that signal is left alone for the rest of this call.
fn take_from_kernel(reg: &impl Registry, blocked: u64) -> Option<sigx_info> {
    let mut blocked = blocked;
    if blocked == 0 {
        return None;
    }
    // A delivery the sender filter refuses is counted and skipped (no
    // record), a deadline's repeat is hidden (issue #13); a duplicate of a
    // watched child's exit is dropped (issue #14).
    let _in_hand = child::InHand::new(blocked);
    while let Some(si) = os::sigtimedwait_now(blocked) {
        let bit = 1u64 << ((si.si_signo - 1) & 63);
        if reg.caught(bit) == 0 {
            os::give_back(&si);
            blocked &= !bit;
            if blocked == 0 {
                return None;
            }
            continue;
        }
        if let Some(rec) = handler::taken_from_kernel(&si).and_then(child::filter) {
            return Some(rec);
        }
    }
    None
}

/// What a waiter needs to know from the registry.
pub trait Registry {
    /// The signals to wait for now (re-read on every wake-up, so that a
    /// dispatcher sees callbacks registered while it sleeps).
    fn mask(&self) -> u64;
    /// Which of `mask` sigx catches now.
    fn caught(&self, mask: u64) -> u64;
    /// Which of `mask` must reach the handler rather than be taken with
    /// `sigtimedwait`: `SIGX_CHAIN` signals (the handler calls the previous
    /// one) and `SIGX_ONESHOT` ones (the kernel resets the disposition when
    /// it runs the handler).
    fn handler_only(&self, mask: u64) -> u64;
}

/// The time left until `deadline` (None: no limit), or `Err` once it has
/// passed.
fn remaining(deadline: Deadline) -> Result<Option<Duration>, ()> {
    match deadline {
        Deadline::Never => Ok(None),
        Deadline::Now => Err(()),
        Deadline::At(at) => match at.checked_duration_since(Instant::now()) {
            Some(left) if !left.is_zero() => Ok(Some(left)),
            _ => Err(()),
        },
    }
}

/// How long a wait with blocked signals sleeps at most when it has no
/// eventfd to be woken through (the entries made for waits are all taken,
/// `wake::SLEEP_MASKS`, or no descriptor could be had).
const POLL_WITHOUT_FD: Duration = Duration::from_millis(10);

/// Wait for a record of a signal in `reg.mask()` until `deadline`.
///
/// Fails with `NotInstalled` as soon as no signal of the mask is caught and
/// none has records queued, and with `Timeout` when the deadline passes.
/// Either failure settles the descriptors of the mask (see
/// `wake::settle`). The calling thread's signal mask is the same when this
/// returns as when it was called.
pub fn wait(reg: &impl Registry, deadline: Deadline) -> Result<sigx_info, Error> {
    // The epoch and the mask of the last look for work. Every record is
    // published before the epoch moves on, so while both stay as they were
    // nothing new can be found and the look is not repeated.
    let mut looked = (wake::epoch(), reg.mask());
    if let Some(rec) = take(looked.1, u64::MAX) {
        return Ok(rec);
    }
    let blocked_here = os::blocked_now();
    // Nothing there, so a wait that may sleep most likely does. With none of
    // its signals blocked here it sleeps on the futex: register now rather
    // than after one more turn of the loop (the epoch is read after
    // registering, at the top of the loop, as the event count requires).
    let sleeps_on_futex = deadline != Deadline::Now && reg.mask() & blocked_here == 0;
    let mut waiter = sleeps_on_futex.then(Waiter::register);
    loop {
        // Read before looking for work, so that a change after the look
        // ends the sleep (futex or, with blocked signals, ppoll).
        let epoch = wake::epoch();
        let mask = reg.mask();
        if (epoch, mask) != looked {
            if let Some(rec) = take(mask, u64::MAX) {
                return Ok(rec);
            }
            looked = (epoch, mask);
        }
        let caught = reg.caught(mask);
        let blocked = caught & blocked_here;
        let via_handler = blocked & reg.handler_only(blocked);
        if let Some(rec) = take_from_kernel(reg, blocked & !via_handler) {
            return Ok(rec);
        }
        // A pending delivery of those runs the handler during a ppoll that
        // unblocks them and does not sleep (the kernel blocks them again
        // after one handler), and its record is taken on the next turn.
        if via_handler != 0
            && os::sigpending().is_ok_and(|p| p & via_handler != 0)
            && os::ppoll(&mut [], Some(Duration::ZERO), blocked_here & !via_handler) < 0
        {
            continue;
        }
        let left = if caught == 0 {
            Err(Error::NotInstalled)
        } else {
            remaining(deadline).map_err(|()| Error::Timeout)
        };
        let left = match left {
            // Hosts: a displacement during the sleep wakes nobody; ask
            // again at least every RECHECK (src/disposition.rs).
            Ok(left) => Some(left.map_or(disposition::RECHECK, |l| l.min(disposition::RECHECK))),
            Err(e) => {
                // One last look: a record may have arrived during the sleep
                // that just timed out (or since the look above).
                if wake::epoch() != looked.0 {
                    if let Some(rec) = take(mask, u64::MAX) {
                        return Ok(rec);
                    }
                }
                wake::settle(mask, any_queued);
                return Err(e);
            }
        };
        if blocked != 0 {
            sleep_unblocked(mask, epoch, blocked_here & !blocked, left);
            continue;
        }
        match &waiter {
            Some(w) => w.sleep(epoch, left),
            // Register, then look again before sleeping (the epoch must be
            // read after registering and before the look).
            None => waiter = Some(Waiter::register()),
        }
    }
}

/// Sleep until a record of `mask` is queued, a delivery of the signals
/// that `sleep_mask` leaves unblocked runs its handler here, the epoch
/// moves past `epoch`, or `left` passes: `ppoll` on the mask's eventfd with
/// the thread's mask set to `sleep_mask` for the call only. A cancellation
/// point.
fn sleep_unblocked(mask: u64, epoch: u32, sleep_mask: u64, left: Option<Duration>) {
    match wake::entry_for(mask, wake::Use::Sleep, any_queued)
        .ok()
        .flatten()
    {
        Some((i, _)) => wake::sleep_on_entry(i, epoch, || any_queued(mask), sleep_mask, left),
        // No descriptor to be woken through: look again now and then.
        None => {
            let left = Some(left.map_or(POLL_WITHOUT_FD, |l| l.min(POLL_WITHOUT_FD)));
            os::cancellable(|| os::ppoll(&mut [], left, sleep_mask));
        }
    }
}

/// In a forked child (single-threaded, signals blocked): empty every ring and
/// zero the figures. `SEQ` carries on.
pub fn reset_after_fork() {
    for slot in &SLOTS[1..] {
        let mut q = slot.queue();
        while let Some(queue) = q {
            queue.ring.reset();
            q = queue.older;
        }
        slot.delivered.store(0, Ordering::Relaxed);
        slot.dropped.store(0, Ordering::Relaxed);
        slot.unreported.store(0, Ordering::Relaxed);
        slot.high_water.store(0, Ordering::Relaxed);
    }
}
