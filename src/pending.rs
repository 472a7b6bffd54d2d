//! The consumer side of the queues: taking records oldest-first across a set
//! of signals, the figures, and waiting.
//!
//! Runs in normal context only. It reads the rings lock-free (they are never
//! freed), so waiters never contend with installs on the registry lock.

use crate::error::{Deadline, Error};
use crate::handler::{CAUGHT, HAS_RING, InfoRing, SLOTS, Slot};
use crate::hold;
use crate::record::{sigx_info, sigx_stats};
use crate::wake::{self, Waiter};
use std::sync::atomic::Ordering;
use std::time::Instant;

/// Iterate the signal numbers whose bits are set in `mask`.
fn signals_in(mask: u64) -> impl Iterator<Item = usize> {
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

/// Take the oldest record (smallest `seq`) among the signals in `mask` whose
/// `seq` is at most `max_seq`.
///
/// Each ring's head is compared by the key copy in its slot, then popped at
/// exactly that position; if another consumer took it first, look again.
pub fn take(mask: u64, max_seq: u64) -> Option<sigx_info> {
    // Acquire: a set bit means the ring pointer was published before it.
    let mask = mask & HAS_RING.load(Ordering::Acquire);
    if mask.is_power_of_two() {
        // One ring: its head is the oldest record, no comparison needed.
        let signo = mask.trailing_zeros() as usize + 1;
        return take_from(signo, max_seq);
    }
    loop {
        let mut best = None;
        for signo in signals_in(mask) {
            let Some(ring) = SLOTS[signo].ring() else {
                continue;
            };
            if let Some((pos, seq)) = ring.peek() {
                if seq <= max_seq && best.is_none_or(|(_, _, _, s)| seq < s) {
                    best = Some((signo, ring, pos, seq));
                }
            }
        }
        let (signo, ring, pos, _) = best?;
        note_length(&SLOTS[signo], ring);
        if let Some(mut rec) = ring.pop_at(pos) {
            rec.interpret();
            // AcqRel: takes every drop counted before this point exactly once.
            rec.dropped = SLOTS[signo].unreported.swap(0, Ordering::AcqRel);
            return Some(rec);
        }
    }
}

/// [`take`] for a single signal.
fn take_from(signo: usize, max_seq: u64) -> Option<sigx_info> {
    let slot = &SLOTS[signo];
    let ring = slot.ring()?;
    loop {
        let (pos, seq) = ring.peek()?;
        if seq > max_seq {
            return None;
        }
        note_length(slot, ring);
        if let Some(mut rec) = ring.pop_at(pos) {
            rec.interpret();
            // AcqRel: as in `take`.
            rec.dropped = slot.unreported.swap(0, Ordering::AcqRel);
            return Some(rec);
        }
    }
}

/// Keep `high_water` up to date before a take. A ring only grows between
/// two takes, so its length just before one is the most it held since the
/// previous take; [`stats`] adds the length now. Kept here, in normal
/// context, rather than in the handler, which then does less.
fn note_length(slot: &Slot, ring: &InfoRing) {
    let len = ring.len();
    // Relaxed: a figure. The load first spares the read-modify-write in the
    // common case where the mark does not move.
    if len > slot.high_water.load(Ordering::Relaxed) {
        slot.high_water.fetch_max(len, Ordering::Relaxed);
    }
}

/// How many records of the signals in `mask` are queued.
pub fn queued(mask: u64) -> u64 {
    let mask = mask & HAS_RING.load(Ordering::Acquire);
    signals_in(mask)
        .filter_map(|s| SLOTS[s].ring())
        .map(|r| r.len())
        .sum()
}

/// Figures for one signal (`Some(signo)`) or the sum over all (`None`).
pub fn stats(signo: Option<i32>) -> sigx_stats {
    let one = |s: usize| {
        let slot = &SLOTS[s];
        let queued = slot.ring().map_or(0, |r| r.len());
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

/// Wait for a record of a signal in `mask_now()` (re-read on every wake-up,
/// so a dispatcher sees callbacks registered while it sleeps).
///
/// Fails with `NotInstalled` as soon as no signal of the mask is caught and
/// none has records queued, and with `Timeout` when the deadline passes.
/// Either failure settles the eventfd (see [`wake::settle_fd`]).
pub fn wait(mask_now: impl Fn() -> u64, deadline: Deadline) -> Result<sigx_info, Error> {
    let result = wait_for(mask_now, deadline);
    hold::after_wait(result.is_ok());
    result
}

/// The oldest record of `mask`, taking a held delivery off the kernel's
/// queue first if the rings are empty (see [`hold`]).
fn look(mask: u64) -> Option<sigx_info> {
    loop {
        if let Some(rec) = take(mask, u64::MAX) {
            return Some(rec);
        }
        if !hold::pull(mask) {
            return None;
        }
    }
}

fn wait_for(mask_now: impl Fn() -> u64, deadline: Deadline) -> Result<sigx_info, Error> {
    let may_sleep = deadline != Deadline::Now;
    hold::claim(mask_now(), !may_sleep);
    if may_sleep {
        // Fast path: a record is already there, so there is no need to
        // register as a waiter (two SeqCst read-modify-writes). A poll
        // (timeout 0) registers nothing anyway and goes straight to the loop.
        if let Some(rec) = look(mask_now()) {
            return Ok(rec);
        }
    }
    let waiter = may_sleep.then(Waiter::register);
    loop {
        let epoch = waiter.as_ref().map(|w| w.epoch());
        let mask = mask_now();
        if let Some(rec) = look(mask) {
            return Ok(rec);
        }
        // Never sleep or give up while holding signals back: the kernel has
        // nothing more of them for us, and unblocking runs any delivery that
        // raced in, so look again.
        if hold::release_if_owner() || (may_sleep && hold::pull_blocked(mask)) {
            continue;
        }
        // Relaxed: a stale view only delays the NotInstalled answer to the
        // next wake-up (every change of CAUGHT nudges waiters).
        let err = if mask & CAUGHT.load(Ordering::Relaxed) == 0 {
            Error::NotInstalled
        } else {
            // Another thread holds a signal of ours back: its deliveries
            // will not wake us, so look again after a while.
            let poll = hold::held_for(mask).then(|| Instant::now() + hold::POLL_HELD);
            match (&waiter, epoch, deadline) {
                (Some(w), Some(e), Deadline::Never) => {
                    w.sleep(e, poll);
                    continue;
                }
                (Some(w), Some(e), Deadline::At(at)) if Instant::now() < at => {
                    w.sleep(e, Some(poll.map_or(at, |p| p.min(at))));
                    continue;
                }
                _ => Error::Timeout,
            }
        };
        // One last look: a record may have arrived during the sleep that
        // just timed out (a poll looked a moment ago).
        if may_sleep {
            if let Some(rec) = take(mask, u64::MAX) {
                return Ok(rec);
            }
        }
        // A handler on this thread may have held something back since the
        // release above; a wait that gives up leaves nothing held.
        if hold::release_if_owner() {
            continue;
        }
        // Deliveries held back in the kernel count as queued for the
        // eventfd: a drain on this thread would take them.
        wake::settle_fd(|| queued(u64::MAX) > 0 || hold::held_pending());
        return Err(err);
    }
}

/// In a forked child (single-threaded, signals blocked): empty every ring and
/// zero the figures. `SEQ` carries on.
pub fn reset_after_fork() {
    for slot in &SLOTS[1..] {
        if let Some(ring) = slot.ring() {
            ring.reset();
        }
        slot.delivered.store(0, Ordering::Relaxed);
        slot.dropped.store(0, Ordering::Relaxed);
        slot.unreported.store(0, Ordering::Relaxed);
        slot.high_water.store(0, Ordering::Relaxed);
    }
}
