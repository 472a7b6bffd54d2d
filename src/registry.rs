//! Which signals sigx has changed, what it replaced, and the callbacks.
//!
//! All changes go through one mutex (`REGISTRY`). The handler never takes it:
//! it sees only the atomics in [`crate::handler`], which the functions here
//! publish in the order the handler needs (ring and flags first, then
//! `sigaction`; `sigaction` back first, then the bookkeeping).
//!
//! Callbacks have a second lock, the *gate*. `sigx_dispatch` holds it from
//! the moment it looks a callback up until the callback returns, and every
//! change that removes or replaces a callback takes it too. That is what
//! makes "once `sigx_on(signo, NULL)` has returned, the old callback never
//! starts again" true. The gate is reentrant for the dispatching thread, so a
//! callback may call `sigx_on` or `sigx_uninstall` on itself. Lock order:
//! gate, then registry.
//!
//! Fork: the `pthread_atfork` hooks take the registry lock before `fork` and
//! release it on both sides, so the child never inherits it held by a thread
//! it does not have. The gate is not taken (fork must not wait for a long
//! callback); the child re-initialises it if another thread held it. The
//! child then empties the queues (see API.md).

use crate::error::{Error, Flags, Signal, Timeout};
use crate::handler::{self, CAUGHT, HAS_RING, InfoRing, SEQ, SLOTS};
use crate::queue::Ring;
use crate::record::sigx_info;
use crate::{hold, os, pending, wake};
use std::os::raw::c_void;
use std::sync::Once;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Records a signal's queue keeps unless told otherwise.
pub const DEFAULT_CAPACITY: u32 = 1024;
/// The largest capacity `sigx_set_capacity` accepts.
pub const MAX_CAPACITY: u32 = 1 << 20;

/// A C callback and its user pointer.
#[derive(Clone, Copy)]
pub struct Callback {
    /// The function.
    pub func: unsafe extern "C" fn(*const sigx_info, *mut c_void),
    /// Passed back unchanged; sigx never dereferences it.
    pub user: *mut c_void,
}

// SAFETY: sigx never dereferences `user`; passing it to the callback on
// another thread is what the C API documents.
unsafe impl Send for Callback {}

#[derive(Clone, Copy)]
struct Entry {
    /// The disposition before sigx first changed the signal.
    saved: Option<libc::sigaction>,
    /// Capacity set with `sigx_set_capacity`, if any.
    capacity: Option<u32>,
    callback: Option<Callback>,
}

impl Entry {
    const EMPTY: Entry = Entry {
        saved: None,
        capacity: None,
        callback: None,
    };
}

struct State {
    entries: [Entry; 65],
    default_capacity: u32,
    /// Rings replaced after a capacity change. A handler or waiter may still
    /// hold a reference, so they are kept, not freed.
    retired: Vec<&'static InfoRing>,
}

// SAFETY: the raw `user` pointers inside are never dereferenced by sigx.
unsafe impl Send for State {}

static REGISTRY: os::Mutex<State> = os::Mutex::new(State {
    entries: [Entry::EMPTY; 65],
    default_capacity: DEFAULT_CAPACITY,
    retired: Vec::new(),
});

/// Bit `signo - 1` set while a callback is registered (read lock-free by
/// dispatchers).
static CALLBACKS: AtomicU64 = AtomicU64::new(0);

/// The reentrant gate around callbacks (see the module docs).
static GATE: os::Mutex<()> = os::Mutex::new(());
/// `os::thread_id()` of the gate's holder, 0 when free.
static GATE_OWNER: AtomicUsize = AtomicUsize::new(0);

/// Holds the gate; releases it on drop unless it was re-entered.
struct GateGuard {
    outer: bool,
}

fn enter_gate() -> GateGuard {
    let me = os::thread_id();
    // Relaxed: only this thread can have stored its own id.
    if GATE_OWNER.load(Ordering::Relaxed) == me {
        return GateGuard { outer: false };
    }
    GATE.raw_lock();
    GATE_OWNER.store(me, Ordering::Relaxed);
    GateGuard { outer: true }
}

impl Drop for GateGuard {
    fn drop(&mut self) {
        if self.outer {
            GATE_OWNER.store(0, Ordering::Relaxed);
            GATE.raw_unlock();
        }
    }
}

static PROCESS_SETUP: Once = Once::new();

/// Once per process, before the first install or descriptor: the fork hooks,
/// and the lookup flow control needs (`os::single_threaded`).
fn ensure_process_setup() {
    PROCESS_SETUP.call_once(|| {
        // Failure (ENOMEM) leaves fork without the reset; nothing else to do.
        let _ = os::atfork(before_fork, after_fork_parent, after_fork_child);
        // Before any handler or wait asks (see `hold`).
        os::find_single_threaded_flag();
    });
}

/// The forking thread's signal mask, saved by `before_fork` while it holds
/// the registry lock and restored on both sides of the fork.
struct ForkMask(std::cell::UnsafeCell<Option<libc::sigset_t>>);

// SAFETY: only the thread holding the registry lock (the forking thread,
// between `before_fork` and the after-fork hooks) touches it.
unsafe impl Sync for ForkMask {}

static FORK_MASK: ForkMask = ForkMask(std::cell::UnsafeCell::new(None));

/// Blocks every signal across `fork`: a signal sent to the new child before
/// it has run is delivered on its first return to user space, which is
/// before this hook's child half empties the queues. Blocked, it waits in
/// the kernel until the reset is done, and is then recorded in the child.
extern "C" fn before_fork() {
    let mask = os::block_all_signals();
    REGISTRY.raw_lock();
    // SAFETY: we hold the registry lock, which guards FORK_MASK.
    unsafe { *FORK_MASK.0.get() = Some(mask) };
}

/// Give the forking thread its mask back. Caller holds the registry lock.
fn restore_fork_mask() {
    // SAFETY: the caller holds the registry lock, which guards FORK_MASK.
    if let Some(mask) = unsafe { (*FORK_MASK.0.get()).take() } {
        os::restore_sigmask(&mask);
    }
}

extern "C" fn after_fork_parent() {
    restore_fork_mask();
    REGISTRY.raw_unlock();
}

extern "C" fn after_fork_child() {
    // Signals are still blocked (see `before_fork`): no handler can push
    // while the rings are reset.
    pending::reset_after_fork();
    wake::reset_after_fork();
    let held = hold::reset_after_fork();
    // The gate is not taken before fork: a callback may run for long, and
    // fork must not wait for it. If a thread of the parent held it, that
    // thread is gone in the child, so the gate starts free.
    if GATE_OWNER.load(Ordering::Relaxed) != os::thread_id() {
        GATE_OWNER.store(0, Ordering::Relaxed);
        // SAFETY: we are the child's only thread and we do not hold the gate.
        unsafe { GATE.reinit_after_fork() };
    }
    restore_fork_mask();
    if held != 0 {
        // Cannot fail for SIG_UNBLOCK with a valid set.
        let _ = os::thread_sigmask(libc::SIG_UNBLOCK, held);
    }
    REGISTRY.raw_unlock();
}

fn ring_for(state: &mut State, sig: Signal) -> Result<&'static InfoRing, Error> {
    let slot = &SLOTS[sig.get() as usize];
    let entry = &state.entries[sig.get() as usize];
    let want = entry.capacity.unwrap_or(state.default_capacity) as usize;
    if let Some(ring) = slot.ring() {
        // Keep a ring of the right size, or one that still holds records.
        if ring.capacity() == want || !ring.is_empty() {
            return Ok(ring);
        }
    }
    state.retired.try_reserve(1).map_err(|_| Error::NoMemory)?;
    let ring: &'static InfoRing = Box::leak(Box::new(Ring::new(want).ok_or(Error::NoMemory)?));
    if let Some(old) = slot.ring() {
        state.retired.push(old);
    }
    slot.publish_ring(ring);
    // Release: the ring pointer is visible before the bit that announces it.
    HAS_RING.fetch_or(sig.bit(), Ordering::Release);
    Ok(ring)
}

/// Remember the disposition sigx is about to replace, the first time only,
/// and tell the handler what to chain to.
fn save_original(entry: &mut Entry, sig: Signal) -> Result<(), Error> {
    if entry.saved.is_some() {
        return Ok(());
    }
    let old = os::get_action(sig.get())?;
    let slot = &SLOTS[sig.get() as usize];
    let f = old.sa_sigaction;
    let callable = f != libc::SIG_DFL && f != libc::SIG_IGN;
    slot.chain_siginfo
        .store(old.sa_flags & libc::SA_SIGINFO != 0, Ordering::Relaxed);
    // Release: `chain_siginfo` is visible before `chain_to`.
    slot.chain_to
        .store(if callable { f } else { 0 }, Ordering::Release);
    entry.saved = Some(old);
    Ok(())
}

/// Catch `sig` with sigx's handler.
pub fn install(sig: Signal, flags: Flags) -> Result<(), Error> {
    ensure_process_setup();
    let mut state = REGISTRY.lock();
    ring_for(&mut state, sig)?;
    let mut entry = state.entries[sig.get() as usize];
    save_original(&mut entry, sig)?;
    let slot = &SLOTS[sig.get() as usize];
    // Relaxed: sigaction below orders it before any delivery to our handler.
    slot.flags.store(flags.bits(), Ordering::Relaxed);
    let mut sa_flags = libc::SA_ONSTACK;
    if !flags.has(Flags::INTERRUPT) {
        sa_flags |= libc::SA_RESTART;
    }
    if flags.has(Flags::ONESHOT) {
        sa_flags |= libc::SA_RESETHAND;
    }
    // A re-install may change the flags to ones whose signals are never
    // held: record what is held first (see hold::settle_before_change).
    hold::settle_before_change(sig.get(), || {
        os::set_action(sig.get(), &os::handler_action(handler::handle, sa_flags))
    })?;
    CAUGHT.fetch_or(sig.bit(), Ordering::SeqCst);
    if CALLBACKS.load(Ordering::SeqCst) & sig.bit() == 0 {
        // Dropped by `sigx_reraise`, which cannot take the lock.
        entry.callback = None;
    }
    state.entries[sig.get() as usize] = entry;
    Ok(())
}

/// Whether sigx's handler is the disposition of `sig` right now (asks the
/// kernel, so a `SIGX_ONESHOT` reset or a foreign `sigaction` shows).
pub fn is_installed(sig: Signal) -> Result<bool, Error> {
    let now = os::get_action(sig.get())?;
    Ok(now.sa_sigaction == handler::handle as *const () as usize)
}

enum Disposition {
    Ignore,
    Default,
    Restore,
}

/// Set `SIG_IGN`, `SIG_DFL` or the saved disposition, and drop the callback.
fn set_disposition(sig: Signal, to: Disposition) -> Result<(), Error> {
    let _gate = enter_gate();
    let mut state = REGISTRY.lock();
    let mut entry = state.entries[sig.get() as usize];
    let action = match to {
        Disposition::Ignore => {
            save_original(&mut entry, sig)?;
            os::plain_action(libc::SIG_IGN)
        }
        Disposition::Default => {
            save_original(&mut entry, sig)?;
            os::plain_action(libc::SIG_DFL)
        }
        Disposition::Restore => entry.saved.ok_or(Error::NotInstalled)?,
    };
    // Not caught any more from here on: a holder releasing the signal now
    // records what it still holds instead of unblocking it into the new
    // disposition (hold::release_if_owner). Put back if the change fails.
    let was_caught = CAUGHT.fetch_and(!sig.bit(), Ordering::SeqCst) & sig.bit() != 0;
    // Deliveries held back in the kernel were sent while sigx caught the
    // signal: record them before the new disposition could see them.
    if let Err(e) = hold::settle_before_change(sig.get(), || os::set_action(sig.get(), &action)) {
        if was_caught {
            CAUGHT.fetch_or(sig.bit(), Ordering::SeqCst);
        }
        return Err(e.into());
    }
    CALLBACKS.fetch_and(!sig.bit(), Ordering::SeqCst);
    entry.callback = None;
    if let Disposition::Restore = to {
        let slot = &SLOTS[sig.get() as usize];
        slot.chain_to.store(0, Ordering::Release);
        slot.flags.store(0, Ordering::Relaxed);
        entry.saved = None;
    }
    state.entries[sig.get() as usize] = entry;
    drop(state);
    // Waiters re-check whether their mask still has something installed.
    wake::nudge();
    Ok(())
}

/// `SIG_IGN`.
pub fn ignore(sig: Signal) -> Result<(), Error> {
    set_disposition(sig, Disposition::Ignore)
}

/// `SIG_DFL`.
pub fn set_default(sig: Signal) -> Result<(), Error> {
    set_disposition(sig, Disposition::Default)
}

/// Put back what sigx replaced.
pub fn uninstall(sig: Signal) -> Result<(), Error> {
    set_disposition(sig, Disposition::Restore)
}

/// Set one signal's capacity (`Some`) or the default (`None`).
pub fn set_capacity(sig: Option<Signal>, records: u32) -> Result<(), Error> {
    if !(1..=MAX_CAPACITY).contains(&records) {
        return Err(Error::Argument);
    }
    let mut state = REGISTRY.lock();
    match sig {
        None => state.default_capacity = records,
        Some(sig) => {
            let busy = CAUGHT.load(Ordering::SeqCst) & sig.bit() != 0
                || SLOTS[sig.get() as usize]
                    .ring()
                    .is_some_and(|r| !r.is_empty());
            if busy {
                return Err(Error::Busy);
            }
            state.entries[sig.get() as usize].capacity = Some(records);
        }
    }
    Ok(())
}

/// Register, replace (`Some`) or remove (`None`) the callback of `sig`,
/// installing the signal with flags 0 if sigx does not catch it yet.
pub fn on(sig: Signal, callback: Option<Callback>) -> Result<(), Error> {
    let _gate = enter_gate();
    match callback {
        None => {
            let mut state = REGISTRY.lock();
            state.entries[sig.get() as usize].callback = None;
            CALLBACKS.fetch_and(!sig.bit(), Ordering::SeqCst);
        }
        Some(cb) => {
            if CAUGHT.load(Ordering::SeqCst) & sig.bit() == 0 {
                install(sig, Flags::default())?;
            }
            let mut state = REGISTRY.lock();
            state.entries[sig.get() as usize].callback = Some(cb);
            CALLBACKS.fetch_or(sig.bit(), Ordering::SeqCst);
        }
    }
    // A dispatcher asleep on the old set of callbacks looks again.
    wake::nudge();
    Ok(())
}

/// Wait for records of signals with callbacks and run their callbacks.
/// Returns how many ran (at least one).
pub fn dispatch(timeout: Timeout) -> Result<u32, Error> {
    let deadline = timeout.deadline();
    loop {
        // The check inside `wait` also covers "no callback registered": an
        // empty mask has nothing caught.
        let first = pending::wait(|| CALLBACKS.load(Ordering::SeqCst), deadline)?;
        // Records delivered after this point wait for the next call.
        let last = SEQ.load(Ordering::SeqCst);
        let mut ran = 0u32;
        let mut next = Some(first);
        while let Some(rec) = next {
            if run_callback(&rec) {
                ran = ran.saturating_add(1);
            }
            next = pending::take(CALLBACKS.load(Ordering::SeqCst), last);
        }
        // Every record taken had lost its callback meanwhile: keep waiting.
        if ran > 0 {
            return Ok(ran);
        }
    }
}

/// What `sigx_reraise` must forget before it sets `SIG_DFL` behind the
/// registry's back: the signal is no longer caught and has no callback.
/// Async-signal-safe (atomics and a futex wake only); the registry entry is
/// reconciled on the next install.
pub fn forget_for_reraise(sig: Signal) {
    CAUGHT.fetch_and(!sig.bit(), Ordering::SeqCst);
    CALLBACKS.fetch_and(!sig.bit(), Ordering::SeqCst);
    wake::nudge();
}

/// Run the callback of `rec.signo` if one is still registered.
fn run_callback(rec: &sigx_info) -> bool {
    let _gate = enter_gate();
    let cb = REGISTRY.lock().entries[rec.signo as usize].callback;
    match cb {
        Some(cb) => {
            // SAFETY: `func` is the function the caller registered for this signal and has not removed (we hold the gate, so it cannot be removed before the call starts); `rec` is a live record.
            unsafe { (cb.func)(rec, cb.user) };
            true
        }
        // Removed between the wait and now: the record is consumed, which
        // is what removing the callback asked for.
        None => false,
    }
}

/// The eventfd, created on first use.
pub fn event_fd() -> Result<i32, Error> {
    ensure_process_setup();
    let _state = REGISTRY.lock();
    let fd = wake::event_fd()?;
    // Records queued before the descriptor existed must make it readable.
    wake::settle_fd(|| pending::queued(u64::MAX) > 0);
    hold::claim_for_loop();
    Ok(fd)
}
