//! The signal zone: the only code that runs inside a signal handler, and the
//! static table it shares with the rest of sigx.
//!
//! Allowed here: loads, stores and read-modify-writes of atomics; pushing into
//! a pre-allocated [`Ring`] (atomics plus one copy into a claimed slot);
//! `clock_gettime`, `futex` wake and `write` to the eventfd (through
//! [`wake::notify`]); setting a bit in the kernel's `ucontext_t` to hold a
//! flood back ([`hold::hold_if_owner`]); saving and restoring `errno`
//! (below); calling the previous handler when chaining.
//!
//! Not allowed: allocation, locks, formatting, panics (no indexing without a
//! prior check, no `unwrap`), lazy statics or thread-local initialisation,
//! std I/O. Everything the handler touches is a `static` with a constant
//! initialiser, or a ring that was published before the handler was
//! installed and is never freed.
//!
//! `errno`: the interrupted code must find it unchanged. The common path
//! (nobody asleep, no eventfd, no chaining) makes no call that can set it:
//! atomics, and `clock_gettime`, which reads the vDSO and cannot fail for
//! CLOCK_MONOTONIC. Each call that can set it keeps it itself: the futex
//! wake and the eventfd write save and restore it ([`os::ErrnoGuard`]), and
//! so does the handler around a chained handler. `sigaddset` in
//! [`hold::hold_if_owner`] only fails (EINVAL) for numbers it is never given.
//! This keeps the save/restore (a call to `__errno_location` and two
//! registers kept across the whole handler) off the path every delivery
//! takes.
//!
//! sigx installs the handler with a full `sa_mask`, so it never interrupts
//! itself on one thread; handlers on different threads do run at once, which
//! is why the rings are multi-producer.

use crate::queue::Ring;
use crate::record::sigx_info;
use crate::{hold, os, wake};
use std::os::raw::{c_int, c_void};
use std::ptr;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};

/// The ring type every signal uses.
pub type InfoRing = Ring<sigx_info>;

/// Per-signal state shared between the handler and normal context.
pub struct Slot {
    /// The signal's ring; null until first installed. Once non-null it is
    /// never freed (a replaced ring is retired, not dropped).
    pub ring: AtomicPtr<InfoRing>,
    /// Deliveries the handler saw.
    pub delivered: AtomicU64,
    /// Of those, lost to a full ring.
    pub dropped: AtomicU64,
    /// Drops not yet reported in a returned record's `dropped`.
    pub unreported: AtomicU64,
    /// Most records queued at once, as seen by takes (see
    /// `pending::note_length`); `stats` adds the length now.
    pub high_water: AtomicU64,
    /// The sigx flags the signal was installed with (`Flags` bits).
    pub flags: AtomicU32,
    /// The handler to chain to (`sa_sigaction` of the saved disposition), or
    /// 0 when there is none to call (SIG_DFL, SIG_IGN or not saved).
    pub chain_to: AtomicUsize,
    /// Whether `chain_to` takes three arguments (`SA_SIGINFO`).
    pub chain_siginfo: AtomicBool,
}

impl Slot {
    const fn new() -> Self {
        Self {
            ring: AtomicPtr::new(ptr::null_mut()),
            delivered: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            unreported: AtomicU64::new(0),
            high_water: AtomicU64::new(0),
            flags: AtomicU32::new(0),
            chain_to: AtomicUsize::new(0),
            chain_siginfo: AtomicBool::new(false),
        }
    }

    /// The ring, if one was published.
    pub fn ring(&self) -> Option<&'static InfoRing> {
        // Acquire: pairs with the release in `publish_ring`, so the ring's
        // contents are initialised before we use it.
        let p = self.ring.load(Ordering::Acquire);
        // SAFETY: a non-null pointer came from `Box::leak` in `publish_ring` and is never freed, so it is valid for 'static.
        unsafe { p.as_ref() }
    }

    /// Publish a ring (normal context, registry lock held). The previous one,
    /// if any, stays allocated: a handler or waiter may still be reading it.
    pub fn publish_ring(&self, ring: &'static InfoRing) {
        // Release: the ring is fully built before anyone can load it.
        self.ring
            .store(ring as *const InfoRing as *mut InfoRing, Ordering::Release);
    }
}

/// One slot per signal number; index 0 is unused.
pub static SLOTS: [Slot; 65] = [const { Slot::new() }; 65];

/// The last `seq` handed out. Not reset by fork: a child carries on.
pub static SEQ: AtomicU64 = AtomicU64::new(0);

/// Bit `signo - 1` is set while sigx's handler is the signal's disposition.
/// The handler clears a `SIGX_ONESHOT` signal's bit (the kernel has reset it).
pub static CAUGHT: AtomicU64 = AtomicU64::new(0);

/// Bit `signo - 1` is set once the signal has a ring, so consumers scan only
/// signals that can hold records.
pub static HAS_RING: AtomicU64 = AtomicU64::new(0);

/// `Flags::ONESHOT` and `Flags::CHAIN`, repeated here so that this module does
/// not depend on the argument types.
pub const ONESHOT: u32 = 2;
/// See [`ONESHOT`].
pub const INTERRUPT: u32 = 1;
/// See [`ONESHOT`].
pub const CHAIN: u32 = 4;

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

/// sigx's handler.
pub extern "C" fn handle(signo: c_int, info: *mut libc::siginfo_t, ctx: *mut c_void) {
    let Some(slot) = usize::try_from(signo).ok().and_then(|i| SLOTS.get(i)) else {
        return; // not a number we can ever install: nothing to record
    };
    // Relaxed: the flags are written before sigaction installs us, and
    // sigaction is a full barrier for this signal's deliveries.
    let flags = slot.flags.load(Ordering::Relaxed);
    if flags & ONESHOT != 0 {
        // The kernel reset the disposition before running us.
        CAUGHT.fetch_and(!(1u64 << (signo - 1)), Ordering::Relaxed);
    }
    deliver(slot, signo, info, flags, ctx);
    if flags & CHAIN != 0 {
        // The chained handler is foreign code: it may not keep errno.
        let _errno = os::ErrnoGuard::save();
        chain(slot, signo, info, ctx);
    }
}

/// Record one delivery of `signo`: queue it (or count it lost), hold the
/// signal back if that filled the ring, and wake waiters. Runs in the
/// handler, and in normal context for a held delivery that a waiter took off
/// the kernel's queue itself ([`deliver_pulled`], `ctx` NULL).
#[inline(always)]
fn deliver(slot: &Slot, signo: c_int, info: *const libc::siginfo_t, flags: u32, ctx: *mut c_void) {
    // Relaxed: seq only needs to be unique and increasing; the ring's
    // release store publishes the record.
    let seq = SEQ.fetch_add(1, Ordering::Relaxed) + 1;
    let rec = record(signo, info, seq);
    // Relaxed counters: they are figures, read only when no delivery is in
    // progress for the accounting identity.
    slot.delivered.fetch_add(1, Ordering::Relaxed);
    match slot.ring().map(|r| r.push(seq, rec)) {
        Some(Ok(pushed)) => {
            // `high_water` is kept by the consumers (see `pending::take`).
            // `full`, not `queued == capacity`: when this handler interrupted
            // a take on its own thread, that take has moved the head but not
            // freed the slot, and the next delivery would be dropped.
            if pushed.full {
                hold::hold_if_owner(signo, flags, ctx);
            }
        }
        // Full (or, impossibly, no ring: install publishes it before
        // sigaction).
        _ => dropped(slot, signo, flags, ctx),
    }
    wake::notify();
}

/// Normal context: record a delivery of a held signal that the caller took
/// off the kernel's queue with `sigtimedwait` (see [`hold`]) exactly as the
/// handler would have, except for chaining and `SIGX_ONESHOT`, which held
/// signals never have.
pub fn deliver_pulled(info: &libc::siginfo_t) {
    let signo = info.si_signo;
    let Some(slot) = usize::try_from(signo).ok().and_then(|i| SLOTS.get(i)) else {
        return;
    };
    let flags = slot.flags.load(Ordering::Relaxed);
    deliver(slot, signo, info, flags, ptr::null_mut());
}

/// Count a delivery the ring could not take: never lose one silently.
#[cold]
#[inline(never)]
fn dropped(slot: &Slot, signo: c_int, flags: u32, ctx: *mut c_void) {
    // Relaxed: a figure. `unreported` is AcqRel-swapped by the consumer, so
    // Release here is enough.
    slot.dropped.fetch_add(1, Ordering::Relaxed);
    slot.unreported.fetch_add(1, Ordering::Release);
    hold::hold_if_owner(signo, flags, ctx);
}

/// A three-argument (`SA_SIGINFO`) signal handler.
type SigactionFn = extern "C" fn(c_int, *mut libc::siginfo_t, *mut c_void);

/// Call the disposition sigx replaced, if it is a function.
#[inline(never)]
fn chain(slot: &Slot, signo: c_int, info: *mut libc::siginfo_t, ctx: *mut c_void) {
    // Acquire: pairs with the release in the registry, which stores
    // `chain_siginfo` before `chain_to`.
    let f = slot.chain_to.load(Ordering::Acquire);
    if f == 0 {
        return;
    }
    if slot.chain_siginfo.load(Ordering::Relaxed) {
        // SAFETY: `f` is the sa_sigaction of a saved disposition with SA_SIGINFO, i.e. a three-argument handler; it is not SIG_DFL or SIG_IGN (the registry stores 0 for those).
        let f: SigactionFn = unsafe { std::mem::transmute(f) };
        f(signo, info, ctx);
    } else {
        // SAFETY: as above, for a one-argument handler without SA_SIGINFO.
        let f: extern "C" fn(c_int) = unsafe { std::mem::transmute(f) };
        f(signo);
    }
}
