//! The signal zone: the only code that runs inside a signal handler, and the
//! static tables it shares with the rest of sigx.
//!
//! Allowed here: loads, stores and read-modify-writes of atomics; pushing into
//! a [`Ring`] that was published before the handler was installed and is
//! never freed (atomics plus one copy into a claimed slot); `clock_gettime`,
//! and the futex wake and eventfd writes of [`wake::notify`]; calling the
//! previous handler when chaining; saving and restoring `errno`.
//!
//! Not allowed: allocation, locks, formatting, panics (no indexing without a
//! prior check, no `unwrap`), lazy statics or thread-local initialisation,
//! std I/O, and any change to the interrupted context (its signal mask
//! included). Everything the handler touches is a `static` with a constant
//! initialiser, or a ring reached through one.
//!
//! `errno`: the interrupted code must find it unchanged. The common path
//! (nobody asleep, no descriptor to arm, no chaining) makes no call that can
//! set it: atomics, and `clock_gettime`, which reads the vDSO and cannot
//! fail for CLOCK_MONOTONIC. Each call that can set it keeps it itself: the
//! futex wake and the eventfd write save and restore it
//! ([`os::ErrnoGuard`]), and so does the handler around a chained handler.
//!
//! What the handler reads about a signal is one word per fact, so that no
//! concurrent install can make it see half of a change: the ring pointer
//! (never swapped while the signal is caught), and the chain index, which
//! names an entry of [`CHAINS`] written once before any index pointed at it
//! (the handler to call *and* how many arguments it takes).
//!
//! sigx installs the handler with a full `sa_mask`, so it never interrupts
//! itself on one thread; handlers on different threads do run at once, which
//! is why the rings are multi-producer.
//!
//! Deadlines (issue #13) add one decision: an `SI_TIMER` delivery whose
//! value names a deadline's arming is hidden — no record, no count, no
//! wake, no chain — when it is a repeat after the first expiry or a late
//! one of a cleared or replaced arming ([`deadline::hide`]). It is safe
//! here: it reads one word of a static table with a constant initialiser,
//! indexed by a bounds-checked slot, and changes it with at most one CAS;
//! no system call, so `errno` is untouched. Only the deadline's own thread
//! runs this for its slot, and only that thread writes the word, so the
//! word never changes under the handler except through the handler itself.
//! It comes first, so that a repeat is never counted, not even as refused.
//!
//! Sender filter (`sigx_filter`, decided in [`filter::admits`]): a refused
//! delivery is dropped before it is recorded.
//!
//! Both decisions hang off one word per signal, the slot's `checks`: the
//! filter's `SIGX_FROM_*` bits (none: no filter) and [`DEADLINE_SIGNAL`],
//! set for good once a deadline has used the signal. 0, the common case,
//! costs every delivery one load and one branch; otherwise [`screened_out`]
//! (cold) makes the two decisions. The filter's is made by [`refuses`],
//! which judges the sender from siginfo and atomics (plus
//! `getppid`, which cannot fail, for `SIGX_FROM_PARENT`); a refused delivery
//! is only counted, in `delivered` and `refused`: no `seq`, no record, no
//! wake, no chained handler. Deliveries a wait takes from the kernel pass
//! the same test ([`taken_from_kernel`]).

use crate::queue::Ring;
use crate::record::sigx_info;
use crate::{deadline, filter, os, wake};
use std::os::raw::{c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};

/// The ring type every signal uses.
pub type InfoRing = Ring<sigx_info>;

/// A signal's queue: a ring, and the ring it replaced, if any.
///
/// A ring is replaced only while sigx does not catch the signal and the ring
/// is empty (a capacity change, see the registry), but a handler that
/// started before the change may still push into the old one. So the old
/// ring stays reachable from the new one and consumers keep reading it:
/// nothing pushed anywhere is ever out of their sight.
pub struct Queue {
    /// The ring new deliveries go to.
    pub ring: InfoRing,
    /// The ring this one replaced (never freed).
    pub older: Option<&'static Queue>,
}

/// Per-signal state shared between the handler and normal context.
pub struct Slot {
    /// The signal's queue; null until first installed. Once non-null it is
    /// never freed.
    pub queue: AtomicPtr<Queue>,
    /// Deliveries the handler saw (and deliveries waits took from the
    /// kernel).
    pub delivered: AtomicU64,
    /// Of those, lost to a full ring.
    pub dropped: AtomicU64,
    /// Drops not yet reported in a returned record's `dropped`.
    pub unreported: AtomicU64,
    /// Most records queued at once, as seen by takes (see
    /// `pending::note_length`); `stats` adds the length now.
    pub high_water: AtomicU64,
    /// What to chain to: an index into [`CHAINS`], 0 for nothing.
    pub chain: AtomicU32,
    /// What the handler must check before it records a delivery: the
    /// sender filter's accepted `SIGX_FROM_*` bits (none: no filter, see
    /// `filter.rs`) and [`DEADLINE_SIGNAL`]. Changed only as one word
    /// (`filter::store`, `deadline::set`).
    pub checks: AtomicU32,
    /// Deliveries the filter refused (counted in `delivered` too).
    pub refused: AtomicU64,
}

impl Slot {
    const fn new() -> Self {
        Self {
            queue: AtomicPtr::new(ptr::null_mut()),
            delivered: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            unreported: AtomicU64::new(0),
            high_water: AtomicU64::new(0),
            chain: AtomicU32::new(0),
            checks: AtomicU32::new(0),
            refused: AtomicU64::new(0),
        }
    }

    /// The queue, if one was published.
    #[inline]
    pub fn queue(&self) -> Option<&'static Queue> {
        // Acquire: pairs with the release in `publish_queue`, so the queue's
        // contents are initialised before we use it.
        let p = self.queue.load(Ordering::Acquire);
        // SAFETY: a non-null pointer came from `Box::leak` in `publish_queue`'s caller and is never freed, so it is valid for 'static.
        unsafe { p.as_ref() }
    }

    /// Publish a queue (normal context, registry lock held).
    pub fn publish_queue(&self, queue: &'static Queue) {
        // Release: the queue is fully built before anyone can load it.
        self.queue
            .store(queue as *const Queue as *mut Queue, Ordering::Release);
    }
}

/// One slot per signal number; index 0 is unused.
pub static SLOTS: [Slot; 65] = [const { Slot::new() }; 65];

/// Bit `signo - 1` is set once the signal has a queue, so consumers scan
/// only signals that can hold records.
pub static HAS_QUEUE: AtomicU64 = AtomicU64::new(0);

/// The last `seq` handed out. Not reset by fork: a child carries on.
pub static SEQ: AtomicU64 = AtomicU64::new(0);

/// A handler to chain to: its address and whether it takes three
/// arguments. Written once, before any slot's `chain` names it.
pub struct ChainFn {
    /// `sa_sigaction` of the disposition sigx replaced.
    pub func: AtomicUsize,
    /// Whether it was installed with `SA_SIGINFO`.
    pub siginfo: AtomicBool,
}

/// The bit of a slot's `checks` that says a deadline has used the signal,
/// so that its `SI_TIMER` deliveries may be repeats to hide. Never cleared:
/// a late delivery of a cleared deadline must still be hidden. Outside every
/// `SIGX_FROM_*` bit.
pub const DEADLINE_SIGNAL: u32 = 1 << 31;
static_assertions::const_assert_eq!(DEADLINE_SIGNAL & crate::flags::SIGX_FROM_ANY, 0);

/// How many different handlers sigx can chain to over the process's life.
pub const MAX_CHAINS: usize = 256;

/// The handlers sigx may chain to; entry 0 is never used ("none"). The
/// registry appends (under its lock) and never changes an entry.
pub static CHAINS: [ChainFn; MAX_CHAINS] = [const {
    ChainFn {
        func: AtomicUsize::new(0),
        siginfo: AtomicBool::new(false),
    }
}; MAX_CHAINS];

/// Fill a record from what the kernel passed. `info` may be NULL (a foreign
/// caller chaining to us without SA_SIGINFO); the fields are then zero.
///
/// The bytes of siginfo's union are copied as they are (`pid`/`uid` and
/// `value` from the offsets where the kernel puts a sender's pid/uid and
/// `si_value`); which of them mean something depends on `si_code`, and that
/// is sorted out in normal context by [`sigx_info::interpret`] when the
/// record is taken. The handler stays short and branch-free here.
#[inline(always)]
fn record(signo: c_int, info: *const libc::siginfo_t, seq: u64) -> sigx_info {
    let mut rec = sigx_info {
        signo,
        seq,
        time_ns: os::monotonic_ns(),
        ..sigx_info::default()
    };
    // SAFETY: the kernel passes a valid siginfo_t with SA_SIGINFO; NULL is handled by `as_ref`.
    if let Some(si) = unsafe { info.as_ref() } {
        rec.code = si.si_code;
        // SAFETY: the kernel fills the whole siginfo_t (128 bytes), so reading union members at their fixed offsets reads initialised bytes whatever si_code is; `interpret` drops the ones that do not apply.
        unsafe {
            rec.pid = si.si_pid();
            rec.uid = si.si_uid();
            rec.value = si.si_value().sival_ptr as usize as u64;
        }
    }
    rec
}

/// The slot of `signo`, if it is a number sigx can ever install.
#[inline(always)]
pub fn slot_of(signo: c_int) -> Option<&'static Slot> {
    usize::try_from(signo).ok().and_then(|i| SLOTS.get(i))
}

/// sigx's handler.
pub extern "C" fn handle(signo: c_int, info: *mut libc::siginfo_t, ctx: *mut c_void) {
    let Some(slot) = slot_of(signo) else {
        return; // not a number we can ever install: nothing to record
    };
    // Relaxed: 0 needs nothing else; `refuses` fences before it reads what
    // a filter's word was published with, and a deadline's bit was set by
    // this very thread (its signals are directed at it) before it armed.
    let checks = slot.checks.load(Ordering::Relaxed);
    if checks != 0 && screened_out(slot, checks, info) {
        return;
    }
    deliver(slot, signo, info);
    // Acquire: pairs with the registry's release of the index, after it
    // wrote the entry.
    let chain = slot.chain.load(Ordering::Acquire) as usize;
    if chain != 0 {
        // The chained handler is foreign code: it may not keep errno.
        let _errno = os::ErrnoGuard::save();
        call_chain(chain, signo, info, ctx);
    }
}

/// Whether a delivery of a signal whose `checks` word is not 0 goes no
/// further: a deadline's repeat to hide (first, so that it is not even
/// counted as refused), or a sender the filter refuses (counted).
#[cold]
#[inline(never)]
fn screened_out(slot: &Slot, checks: u32, info: *const libc::siginfo_t) -> bool {
    if checks & DEADLINE_SIGNAL != 0 && deadline_repeat(info) {
        return true; // it interrupted the thread: all a deadline's repeat is for
    }
    let accept = checks & !DEADLINE_SIGNAL;
    accept != 0 && refuses(slot, accept, info)
}

/// Whether this delivery is one to hide: a repeat of an expired deadline,
/// or a late one of a cleared or replaced deadline (issue #13, see
/// `deadline::hide`). For everything but `SI_TIMER` deliveries, one
/// compare.
#[inline(always)]
fn deadline_repeat(info: *const libc::siginfo_t) -> bool {
    // SAFETY: as in `record`.
    let Some(si) = (unsafe { info.as_ref() }) else {
        return false;
    };
    if si.si_code != libc::SI_TIMER {
        return false;
    }
    // SAFETY: SI_TIMER: the kernel filled the timer member of the union, whose sigval is at `si_value`'s offset.
    let value = unsafe { si.si_value().sival_ptr } as usize as u64;
    deadline::hide(value)
}

/// Record one delivery of `signo`: queue it (or count it lost) and wake
/// waiters.
#[inline(always)]
fn deliver(slot: &Slot, signo: c_int, info: *const libc::siginfo_t) {
    // Relaxed: seq only needs to be unique and increasing; the ring's
    // release store publishes the record.
    let seq = SEQ.fetch_add(1, Ordering::Relaxed) + 1;
    let rec = record(signo, info, seq);
    // Relaxed counters: they are figures, read only when no delivery is in
    // progress for the accounting identity.
    slot.delivered.fetch_add(1, Ordering::Relaxed);
    // No queue is impossible: install publishes it before sigaction.
    if slot.queue().is_none_or(|q| q.ring.push(seq, rec).is_err()) {
        dropped(slot);
    }
    wake::notify(1u64 << ((signo - 1) & 63));
}

/// Whether the sender filter `accept` (non-zero) refuses this delivery; a
/// refused one is counted here. A NULL `info` (a foreign handler chaining
/// to us without siginfo) names no sender and is refused.
#[inline(always)]
fn refuses(slot: &Slot, accept: u32, info: *const libc::siginfo_t) -> bool {
    // Acquire: pairs with the release store of the word in `filter::store`.
    std::sync::atomic::fence(Ordering::Acquire);
    // SAFETY: the kernel passes a valid siginfo_t with SA_SIGINFO; NULL is handled by `as_ref`.
    let admitted = match unsafe { info.as_ref() } {
        Some(si) => {
            // SAFETY: the kernel fills the whole siginfo_t, so the union's sender fields are initialised bytes whatever si_code is; `admits` uses them only for sender codes.
            let (pid, uid) = unsafe { (si.si_pid(), si.si_uid()) };
            filter::admits(accept, si.si_code, pid, uid)
        }
        None => false,
    };
    if !admitted {
        // Relaxed: figures, as in `deliver`.
        slot.delivered.fetch_add(1, Ordering::Relaxed);
        slot.refused.fetch_add(1, Ordering::Relaxed);
    }
    !admitted
}

/// Count a delivery the ring could not take: never lose one silently.
#[cold]
#[inline(never)]
fn dropped(slot: &Slot) {
    // Relaxed: a figure. `unreported` is AcqRel-swapped by the consumer, so
    // Release here is enough.
    slot.dropped.fetch_add(1, Ordering::Relaxed);
    slot.unreported.fetch_add(1, Ordering::Release);
}

/// Normal context: make the record of a delivery that a wait took off the
/// kernel's queue itself (`sigtimedwait`), exactly as the handler would have
/// made it, and count it. It is returned to the caller at once, not queued.
/// `None` for a delivery the handler would have hidden (a deadline's
/// repeat: not counted either), or if the sender filter refused it (counted
/// as the handler would).
pub fn taken_from_kernel(info: &libc::siginfo_t) -> Option<sigx_info> {
    let signo = info.si_signo;
    let slot = slot_of(signo)?;
    // As in `handle`.
    let checks = slot.checks.load(Ordering::Relaxed);
    if checks != 0 && screened_out(slot, checks, info) {
        return None;
    }
    let seq = SEQ.fetch_add(1, Ordering::Relaxed) + 1;
    let mut rec = record(signo, info, seq);
    slot.delivered.fetch_add(1, Ordering::Relaxed);
    rec.interpret();
    // AcqRel: as in `pending::take`.
    rec.dropped = slot.unreported.swap(0, Ordering::AcqRel);
    Some(rec)
}

/// A three-argument (`SA_SIGINFO`) signal handler.
type SigactionFn = extern "C" fn(c_int, *mut libc::siginfo_t, *mut c_void);

/// Call chain entry `index`.
#[inline(never)]
fn call_chain(index: usize, signo: c_int, info: *mut libc::siginfo_t, ctx: *mut c_void) {
    let Some(entry) = CHAINS.get(index) else {
        return;
    };
    // Relaxed: the entry was written before the index was released, and the
    // caller's acquire of the index ordered these loads after that.
    let f = entry.func.load(Ordering::Relaxed);
    if f == 0 {
        return;
    }
    if entry.siginfo.load(Ordering::Relaxed) {
        // SAFETY: `f` is the sa_sigaction of a saved disposition with SA_SIGINFO, i.e. a three-argument handler; it is not SIG_DFL or SIG_IGN (the registry never makes entries for those).
        let f: SigactionFn = unsafe { std::mem::transmute(f) };
        f(signo, info, ctx);
    } else {
        // SAFETY: as above, for a one-argument handler without SA_SIGINFO; the same entry says both, so the arity always matches the function.
        let f: extern "C" fn(c_int) = unsafe { std::mem::transmute(f) };
        f(signo);
    }
}
