//! Which signals sigx catches, what it replaced, what it chains to, the
//! callbacks, and the descriptors of `sigx_fd_mask`.
//!
//! **One source of truth per fact.** Whether sigx's handler is a signal's
//! disposition is the kernel's to say: it is asked ([`kernel_is_sigx`])
//! wherever sigx cannot know the answer, namely for `SIGX_ONESHOT` signals
//! (the kernel resets them on the first delivery) and for signals
//! `sigx_reraise` defaulted from signal context. What sigx installed, with
//! which flags, the disposition it saved, the capacity asked for and the
//! callback live in [`State`], behind one mutex, and nowhere else. The
//! atomics the lock-free readers use (`CAUGHT`, `VERIFY`, `CALLBACKS`,
//! `HAS_QUEUE` and each slot's queue and chain index) are views of that
//! state, written only by the methods here while the lock is held.
//!
//! **Nothing swaps a caught signal's queue.** A queue is created at the
//! first install, and replaced (for a new capacity) only by an install of a
//! signal that sigx does not catch and whose queue is empty; even then the
//! old ring stays readable (see `handler::Queue`).
//!
//! **Callbacks run outside every lock.** A dispatcher takes a reference to
//! the signal's current [`Registration`] and counts itself as running it
//! (under the lock), then calls it with no lock held and cancellation
//! disabled. Removing a registration marks it removed, then waits on a
//! condition variable until its own runs are over — except on a thread
//! that is running it (a callback removing itself), which returns at once.
//! Whoever sees the last run end after the removal calls `release` (the
//! remover after its wait, or the dispatcher that ended the last run).
//!
//! Hosts (`src/disposition.rs`): other code may replace sigx's handler
//! at any time. Registry operations ask the kernel about their signal
//! under the lock ([`State::displaced`]): uninstall, ignore and default on
//! a displaced signal forget sigx's state and leave the other code's
//! disposition alone (`Error::Displaced`); install takes it back and saves
//! the displacer's disposition for `SIGX_CHAIN` and uninstall. Waits learn
//! of it through [`caught`]. Sender filters (`src/filter.rs`) belong to an
//! install and are forgotten with it ([`State::publish`]).
//!
//! Fork: the `pthread_atfork` hooks block every signal and take the locks
//! before `fork`, and release them on both sides; the child empties the
//! queues, gives each descriptor a file of its own under the same number,
//! forgets runs of other threads, and puts back `SIGX_FORK_RESET` signals.

use crate::error::{Error, Flags, Signal, Timeout};
use crate::handler::{self, CHAINS, MAX_CHAINS, Queue, SEQ, SLOTS};
use crate::pending::{self, signals_in};
use crate::queue::Ring;
use crate::record::sigx_info;
use crate::{disposition, filter, flags, os, wake};
use std::os::raw::c_void;
use std::sync::Arc;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

/// A C callback, its user pointer and its finalizer.
pub struct Callback {
    /// The function.
    pub func: unsafe extern "C" fn(*const sigx_info, *mut c_void),
    /// Passed back unchanged; sigx never dereferences it.
    pub user: *mut c_void,
    /// Called once with `user` when the registration is gone for good.
    pub release: Option<unsafe extern "C" fn(*mut c_void)>,
}

/// One `sigx_on`/`sigx_on_release` registration.
pub struct Registration {
    cb: Callback,
    /// The threads running it now, one entry per run in progress (changed
    /// under the registry lock; a thread may appear twice when a callback
    /// dispatches).
    runners: std::sync::Mutex<Vec<usize>>,
    /// Replaced or removed (under the lock).
    removed: AtomicBool,
    /// `release` was claimed by someone (under the lock).
    released: AtomicBool,
    /// Removers waiting for the runs to end (under the lock).
    waiting: AtomicU32,
}

// SAFETY: sigx never dereferences `user`; calling the callback and `release`
// on other threads with it is what the C API documents. The atomics are
// changed under the registry lock.
unsafe impl Send for Registration {}
// SAFETY: as above.
unsafe impl Sync for Registration {}

impl Registration {
    /// Run `f` on the list of runners (caller holds the registry lock, so
    /// the inner lock is never contended; nothing here panics while
    /// holding it, and a poisoned one is used as it is).
    fn runners<R>(&self, f: impl FnOnce(&mut Vec<usize>) -> R) -> R {
        let mut guard = self
            .runners
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// Runs in progress (caller holds the registry lock).
    fn running(&self) -> usize {
        self.runners(|r| r.len())
    }

    /// Claim the call of `release` (caller holds the lock; the runs are
    /// over). Returns what to call after unlocking.
    fn claim_release(&self) -> Option<Release> {
        if self.released.swap(true, Ordering::Relaxed) {
            return None;
        }
        self.cb.release.map(|f| Release(f, self.cb.user))
    }
}

/// A `release(user)` call to make once no lock is held.
struct Release(unsafe extern "C" fn(*mut c_void), *mut c_void);

impl Release {
    fn run(self) {
        let _nc = os::NoCancel::new();
        // SAFETY: the function and pointer the caller registered together; the registration is gone and none of its runs is in progress, which is when the C API says release is called.
        unsafe { (self.0)(self.1) };
    }
}

struct Entry {
    /// sigx installed its handler with these flags, and has not changed the
    /// disposition since (the kernel may have: see `VERIFY`).
    installed: Option<Flags>,
    /// The disposition before sigx first changed the signal.
    saved: Option<libc::sigaction>,
    /// Index into `CHAINS` of the saved disposition's handler (0: none).
    chain: u32,
    /// Capacity set with `sigx_set_capacity`, if any.
    capacity: Option<u32>,
    /// The callback.
    callback: Option<Arc<Registration>>,
}

impl Entry {
    const EMPTY: Entry = Entry {
        installed: None,
        saved: None,
        chain: 0,
        capacity: None,
        callback: None,
    };
}

/// A user descriptor: the epoll instance `sigx_fd_mask` returned, and the
/// signalfd inside it (the table entry's eventfd is the other member).
struct UserFd {
    mask: u64,
    epoll: i32,
    signalfd: i32,
    eventfd: i32,
}

struct State {
    entries: [Entry; 65],
    default_capacity: u32,
    /// `CHAINS` entries in use (entry 0 is never used).
    chains: usize,
    user_fds: Vec<UserFd>,
    /// Registrations removed while still running, until their last run
    /// ends: sigx keeps every live registration reachable from here, even
    /// one whose dispatcher never comes back (a forked child that exits
    /// from inside the callback).
    draining: Vec<Arc<Registration>>,
}

// SAFETY: the raw `user` pointers inside are never dereferenced by sigx.
unsafe impl Send for State {}

static REGISTRY: os::Mutex<State> = os::Mutex::new(State {
    entries: [Entry::EMPTY; 65],
    default_capacity: flags::SIGX_CAPACITY_DEFAULT,
    chains: 1,
    user_fds: Vec::new(),
    draining: Vec::new(),
});
/// Signalled when a registration's last run ends and a remover waits.
static RUNS_ENDED: os::Condvar = os::Condvar::new();

/// Signals whose disposition sigx set to its handler (the installs in
/// `State`). Includes `SIGX_ONESHOT` signals the kernel may have reset.
static CAUGHT: AtomicU64 = AtomicU64::new(0);
/// Signals of `CAUGHT` whose disposition the kernel may have changed
/// without sigx (ONESHOT installs, `sigx_reraise`): ask it.
static VERIFY: AtomicU64 = AtomicU64::new(0);
/// Signals `sigx_reraise` set to `SIG_DFL` from outside the lock; the next
/// registry call forgets them as `sigx_default` would.
static RERAISED: AtomicU64 = AtomicU64::new(0);
/// Signals with a callback.
static CALLBACKS: AtomicU64 = AtomicU64::new(0);
/// Installs with `SIGX_CHAIN` or `SIGX_ONESHOT`, whose deliveries must run
/// the handler (a wait never takes them with `sigtimedwait`).
static HANDLER_ONLY: AtomicU64 = AtomicU64::new(0);

/// Whether the calling thread runs a callback of `reg` now (caller holds
/// the registry lock): a callback removing its own registration must not
/// wait for itself.
fn running_here(reg: &Registration) -> bool {
    let me = os::thread_id();
    reg.runners(|r| r.contains(&me))
}

/// Whether sigx's handler is `signo`'s disposition in the kernel right now.
pub fn kernel_is_sigx(signo: i32) -> bool {
    os::get_action(signo).is_ok_and(|a| a.sa_sigaction == handler::handle as *const () as usize)
}

/// The signals of `mask` that sigx catches now. Lock-free: the installs,
/// corrected by asking the kernel about the signals it may have reset
/// (`VERIFY`, every time) and about the others, which other code may have
/// taken over (a recent answer is trusted: see `disposition::live`).
pub fn caught(mask: u64) -> u64 {
    // Acquire: pairs with the releases in `State::publish`.
    let c = CAUGHT.load(Ordering::Acquire) & mask;
    disposition::live(c, VERIFY.load(Ordering::Acquire))
}

/// Hosts: the installed signals whose handler other code has replaced
/// (asks the kernel about each, under the lock, so that no install runs
/// meanwhile). Waiters are nudged, so those waiting only for such signals
/// return at once.
pub fn displaced() -> Result<u64, Error> {
    with_state(|_, _| {
        // Acquire: pairs with the releases in `State::publish`.
        let caught = CAUGHT.load(Ordering::Acquire);
        Ok(disposition::displaced(
            caught,
            VERIFY.load(Ordering::Acquire),
        ))
    })
}

/// Hosts: the kernel's disposition of `sig` and the flags sigx installed it
/// with (if it counts it as installed), read together under the lock.
pub fn disposition(sig: Signal) -> Result<disposition::sigx_disposition, Error> {
    let state = REGISTRY.lock();
    let action = os::get_action(sig.get())?;
    let installed = state
        .entries
        .get(sig.get() as usize)
        .and_then(|e| e.installed)
        .map(Flags::bits);
    Ok(disposition::describe(&action, installed))
}

/// Hosts: set the sender filter of `sig` (`word` from
/// `filter::accept_word`; 0 clears it). The signal must be caught now.
pub fn set_filter(sig: Signal, word: u32) -> Result<(), Error> {
    with_state(|state, _| {
        let signo = sig.get() as usize;
        if !state.catches(signo) {
            return Err(Error::NotInstalled);
        }
        filter::store(signo, word);
        Ok(())
    })
}

type Locked = os::MutexGuard<'static, State>;

/// Work left for after a registry operation, outside its critical section.
enum After {
    /// Call a `release` this thread claimed (no lock held).
    Release(Release),
    /// Wait, lock held and cancellation disabled, until the runs of a
    /// removed registration are over, then release it if nobody else did.
    Wait(Arc<Registration>),
}

/// Take the registry lock (setting the process up on first use) and catch
/// up with `sigx_reraise` calls made meanwhile.
fn lock() -> (Locked, Vec<After>) {
    PROCESS_SETUP.call_once(|| {
        // Failure (ENOMEM) leaves fork without the reset; nothing else to do.
        let _ = os::atfork(before_fork, after_fork_parent, after_fork_child);
    });
    let mut state = REGISTRY.lock();
    let mut releases = Vec::new();
    let reraised = RERAISED.swap(0, Ordering::AcqRel);
    for signo in signals_in(reraised) {
        if !kernel_is_sigx(signo as i32) {
            // As `sigx_default` would have: no longer caught, no callback.
            state.entries[signo].installed = None;
            state.publish(signo);
            releases.extend(state.remove_callback(signo));
        }
    }
    (state, releases)
}

static PROCESS_SETUP: Once = Once::new();

impl State {
    /// Bring the lock-free views of `signo` in line with its entry.
    fn publish(&mut self, signo: usize) {
        let bit = 1u64 << (signo - 1);
        let e = &self.entries[signo];
        let set = |word: &AtomicU64, on: bool| {
            // Release: pairs with the acquire loads of the readers.
            if on {
                word.fetch_or(bit, Ordering::AcqRel);
            } else {
                word.fetch_and(!bit, Ordering::AcqRel);
            }
        };
        set(&CAUGHT, e.installed.is_some());
        set(&VERIFY, e.installed.is_some_and(|f| f.has(Flags::ONESHOT)));
        set(
            &HANDLER_ONLY,
            e.installed
                .is_some_and(|f| f.has(Flags::ONESHOT) || f.has(Flags::CHAIN)),
        );
        set(&CALLBACKS, e.callback.is_some());
        let chain = match e.installed {
            Some(f) if f.has(Flags::CHAIN) => e.chain,
            _ => 0,
        };
        // Release: the CHAINS entry was written before its index.
        SLOTS[signo].chain.store(chain, Ordering::Release);
        if e.installed.is_none() {
            filter::store(signo, 0); // a filter belongs to the install
        }
        self.refresh_signalfds();
    }

    /// Give every user descriptor's signalfd the caught signals of its mask.
    fn refresh_signalfds(&self) {
        let caught = CAUGHT.load(Ordering::Acquire);
        for u in &self.user_fds {
            let _ = os::signalfd(u.signalfd, u.mask & caught);
        }
    }

    /// Remember the disposition sigx is about to replace, the first time
    /// only, and the chain entry of its handler.
    fn save_original(&mut self, sig: Signal) -> Result<(), Error> {
        let signo = sig.get() as usize;
        if self.entries[signo].saved.is_some() {
            return Ok(());
        }
        let old = os::get_action(sig.get())?;
        self.entries[signo].chain = self.chain_index(&old)?;
        self.entries[signo].saved = Some(old);
        Ok(())
    }

    /// The `CHAINS` index for a disposition's handler (0 for SIG_DFL,
    /// SIG_IGN and sigx's own), appending an entry if it is new.
    fn chain_index(&mut self, action: &libc::sigaction) -> Result<u32, Error> {
        let f = action.sa_sigaction;
        if f == libc::SIG_DFL || f == libc::SIG_IGN || f == handler::handle as *const () as usize {
            return Ok(0);
        }
        let siginfo = action.sa_flags & libc::SA_SIGINFO != 0;
        let found = (1..self.chains).find(|&i| {
            CHAINS[i].func.load(Ordering::Relaxed) == f
                && CHAINS[i].siginfo.load(Ordering::Relaxed) == siginfo
        });
        if let Some(i) = found {
            return Ok(i as u32);
        }
        if self.chains >= MAX_CHAINS {
            return Err(Error::NoMemory);
        }
        let i = self.chains;
        CHAINS[i].siginfo.store(siginfo, Ordering::Relaxed);
        CHAINS[i].func.store(f, Ordering::Relaxed);
        self.chains += 1;
        Ok(i as u32)
    }

    /// Whether sigx catches `signo` now (its install, checked with the
    /// kernel, which may have reset it or let other code replace it).
    fn catches(&self, signo: usize) -> bool {
        self.entries[signo].installed.is_some() && kernel_is_sigx(signo as i32)
    }

    /// Hosts: whether other code replaced the disposition sigx last set for
    /// `signo` (asks the kernel; see `disposition::taken_over`).
    fn displaced(&self, signo: usize) -> bool {
        let e = &self.entries[signo];
        let reset_ok = VERIFY.load(Ordering::Acquire) & (1u64 << (signo - 1)) != 0;
        disposition::taken_over(
            signo as i32,
            e.installed.is_some(),
            e.saved.is_some(),
            reset_ok,
        )
    }

    /// Hosts: forget everything sigx knows about a displaced `signo`,
    /// leaving the kernel's disposition alone.
    fn forget(&mut self, signo: usize, pending: &mut Vec<After>) {
        let e = &mut self.entries[signo];
        e.installed = None;
        e.saved = None;
        e.chain = 0;
        self.publish(signo);
        pending.extend(self.remove_callback(signo));
    }

    /// Make sure `sig` has a queue of the capacity it should have. A queue
    /// that exists is kept while sigx catches the signal or records wait in
    /// it; otherwise a new one replaces it, keeping the old one readable.
    fn ensure_queue(&mut self, sig: Signal) -> Result<(), Error> {
        let signo = sig.get() as usize;
        let slot = &SLOTS[signo];
        let want = self.entries[signo]
            .capacity
            .unwrap_or(self.default_capacity) as usize;
        let old = slot.queue();
        if let Some(q) = old {
            if q.ring.capacity() == want || !q.ring.is_empty() || self.catches(signo) {
                return Ok(());
            }
        }
        let ring = Ring::new(want).ok_or(Error::NoMemory)?;
        let queue: &'static Queue = Box::leak(Box::new(Queue { ring, older: old }));
        slot.publish_queue(queue);
        // Release: the queue pointer is visible before the bit announcing it.
        handler::HAS_QUEUE.fetch_or(sig.bit(), Ordering::Release);
        Ok(())
    }

    /// Install sigx's handler for `sig` with `flags` (lock held).
    fn install(&mut self, sig: Signal, flags: Flags) -> Result<(), Error> {
        let signo = sig.get() as usize;
        let before = (self.entries[signo].saved, self.entries[signo].chain);
        if self.displaced(signo) {
            // Hosts: take it back; the displacer's disposition is what
            // SIGX_CHAIN calls and uninstall puts back from now on.
            self.entries[signo].saved = None;
            self.entries[signo].chain = 0;
        }
        self.save_original(sig)?;
        self.ensure_queue(sig)?;
        let mut sa_flags = libc::SA_ONSTACK;
        if !flags.has(Flags::INTERRUPT) {
            sa_flags |= libc::SA_RESTART;
        }
        if flags.has(Flags::ONESHOT) {
            sa_flags |= libc::SA_RESETHAND;
        }
        // The chain index first, so that the handler chains as asked from
        // its first run under the new disposition.
        let was = self.entries[signo].installed.replace(flags);
        self.publish(signo);
        if let Err(e) = os::set_action(sig.get(), &os::handler_action(handler::handle, sa_flags)) {
            // Nothing changed: forget what this call saved.
            let entry = &mut self.entries[signo];
            entry.installed = was;
            (entry.saved, entry.chain) = before;
            self.publish(signo);
            return Err(e.into());
        }
        Ok(())
    }

    /// Take the callback of `signo` away and wait until its runs on other
    /// threads have ended (not for a run on this thread: a callback removing
    /// itself). Returns the `release` call to make after unlocking, if this
    /// thread is the one to make it.
    fn remove_callback(&mut self, signo: usize) -> Option<After> {
        let old = self.entries[signo].callback.take()?;
        self.publish(signo);
        old.removed.store(true, Ordering::Relaxed);
        self.settle_removed(old)
    }

    /// The rest of `remove_callback`, for a registration already taken out
    /// of its entry and marked removed.
    fn settle_removed(&mut self, old: Arc<Registration>) -> Option<After> {
        if old.running() == 0 {
            return old.claim_release().map(After::Release);
        }
        if running_here(&old) {
            // A callback removing itself: the dispatcher ending the last
            // run calls release (and drops it from `draining`).
            self.draining.push(old);
            return None;
        }
        Some(After::Wait(old))
    }
}

/// Finish a registry operation: wait (lock held, cancellation disabled)
/// for the runs of registrations it removed, then unlock, nudge waiters,
/// and make the `release` calls this thread claimed.
fn finish(mut state: Locked, after: Vec<After>) {
    let mut calls = Vec::new();
    for a in after {
        match a {
            After::Release(r) => calls.push(r),
            After::Wait(old) => {
                let _nc = os::NoCancel::new();
                old.waiting.fetch_add(1, Ordering::Relaxed);
                while old.running() != 0 {
                    RUNS_ENDED.wait(&mut state);
                }
                old.waiting.fetch_sub(1, Ordering::Relaxed);
                calls.extend(old.claim_release());
            }
        }
    }
    drop(state);
    // Waiters re-check their masks and what is installed.
    wake::nudge();
    for r in calls {
        r.run();
    }
}

/// Run `op` under the registry lock, then [`finish`].
fn with_state<T>(
    op: impl FnOnce(&mut State, &mut Vec<After>) -> Result<T, Error>,
) -> Result<T, Error> {
    let (mut state, mut pending) = lock();
    let result = op(&mut state, &mut pending);
    finish(state, pending);
    result
}

/// Catch `sig` with sigx's handler. A callback stays registered.
pub fn install(sig: Signal, flags: Flags) -> Result<(), Error> {
    with_state(|state, _| state.install(sig, flags))
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
    let signo = sig.get() as usize;
    with_state(|state, pending| {
        if state.displaced(signo) {
            // Hosts: the disposition is someone else's now; leave it.
            state.forget(signo, pending);
            return Err(Error::Displaced);
        }
        let action = match to {
            Disposition::Ignore => {
                state.save_original(sig)?;
                os::plain_action(libc::SIG_IGN)
            }
            Disposition::Default => {
                state.save_original(sig)?;
                os::plain_action(libc::SIG_DFL)
            }
            Disposition::Restore => state.entries[signo].saved.ok_or(Error::NotInstalled)?,
        };
        // Not caught any more from before the kernel changes: a wait that
        // takes a delivery of it from the kernel after this point hands it
        // back (see `pending::take_from_kernel`), for the new disposition.
        let was = state.entries[signo].installed.take();
        state.publish(signo);
        if let Err(e) = os::set_action(sig.get(), &action) {
            state.entries[signo].installed = was;
            state.publish(signo);
            return Err(e.into());
        }
        if let Disposition::Restore = to {
            state.entries[signo].saved = None;
            state.entries[signo].chain = 0;
        }
        state.publish(signo);
        pending.extend(state.remove_callback(signo));
        Ok(())
    })
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
    if !(1..=flags::SIGX_CAPACITY_MAX).contains(&records) {
        return Err(Error::Argument);
    }
    with_state(|state, _| {
        match sig {
            None => state.default_capacity = records,
            Some(sig) => {
                let signo = sig.get() as usize;
                if state.catches(signo) || pending::any_queued(sig.bit()) {
                    return Err(Error::Busy);
                }
                state.entries[signo].capacity = Some(records);
            }
        }
        Ok(())
    })
}

/// Register, replace (`Some`) or remove (`None`) the callback of `sig`,
/// installing the signal with flags 0 if sigx does not catch it yet.
pub fn on(sig: Signal, callback: Option<Callback>) -> Result<(), Error> {
    let signo = sig.get() as usize;
    with_state(|state, pending| {
        if let Some(cb) = callback {
            if !state.catches(signo) {
                state.install(sig, Flags::default())?;
            }
            let new = Arc::new(Registration {
                cb,
                runners: std::sync::Mutex::new(Vec::new()),
                removed: AtomicBool::new(false),
                released: AtomicBool::new(false),
                waiting: AtomicU32::new(0),
            });
            let old = state.entries[signo].callback.replace(new);
            state.publish(signo);
            if let Some(old) = old {
                old.removed.store(true, Ordering::Relaxed);
                pending.extend(state.settle_removed(old));
            }
        } else {
            pending.extend(state.remove_callback(signo));
        }
        Ok(())
    })
}

/// What a dispatcher waits for: records of signals with callbacks.
struct Callbacks;

impl pending::Registry for Callbacks {
    fn mask(&self) -> u64 {
        CALLBACKS.load(Ordering::SeqCst)
    }
    fn caught(&self, mask: u64) -> u64 {
        caught(mask)
    }
    fn handler_only(&self, mask: u64) -> u64 {
        // Acquire: pairs with the releases in `State::publish`.
        HANDLER_ONLY.load(Ordering::Acquire) & mask
    }
}

/// What `sigx_wait` waits for: a fixed mask.
pub struct Fixed(pub u64);

impl pending::Registry for Fixed {
    fn mask(&self) -> u64 {
        self.0
    }
    fn caught(&self, mask: u64) -> u64 {
        caught(mask)
    }
    fn handler_only(&self, mask: u64) -> u64 {
        // Acquire: pairs with the releases in `State::publish`.
        HANDLER_ONLY.load(Ordering::Acquire) & mask
    }
}

/// Wait for a record of a signal in `mask`.
pub fn wait(mask: u64, timeout: Timeout) -> Result<sigx_info, Error> {
    pending::wait(&Fixed(mask), timeout.deadline())
}

/// Wait for records of signals with callbacks and run their callbacks.
/// Returns how many ran (at least one).
pub fn dispatch(timeout: Timeout) -> Result<u32, Error> {
    let deadline = timeout.deadline();
    loop {
        let first = pending::wait(&Callbacks, deadline)?;
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

/// Run the callback of `rec.signo` if one is registered, with no lock held
/// and cancellation disabled.
fn run_callback(rec: &sigx_info) -> bool {
    let Some(reg) = begin_run(rec.signo as usize) else {
        // Removed between the wait and now: the record is consumed, which
        // is what removing the callback asked for.
        return false;
    };
    let _nc = os::NoCancel::new();
    // SAFETY: `func` is the function the caller registered with `user`; its registration counts this run, so removal waits for it (or, from this thread, leaves the release to us).
    unsafe { (reg.cb.func)(rec, reg.cb.user) };
    end_run(&reg);
    true
}

/// Count a run of `signo`'s current registration, if there is one.
fn begin_run(signo: usize) -> Option<Arc<Registration>> {
    let (state, after) = lock();
    let reg = state.entries.get(signo).and_then(|e| e.callback.clone());
    if let Some(r) = &reg {
        let me = os::thread_id();
        r.runners(|v| v.push(me));
    }
    if after.is_empty() {
        drop(state);
    } else {
        finish(state, after);
    }
    reg
}

/// A run of `reg` ended: wake its removers, or call `release` if it was the
/// last run of a removed registration that nobody waits for.
fn end_run(reg: &Registration) {
    let mut guard = REGISTRY.lock();
    let me = os::thread_id();
    let left = reg.runners(|v| {
        if let Some(i) = v.iter().rposition(|&t| t == me) {
            v.swap_remove(i);
        }
        v.len()
    });
    let mut release = None;
    if left == 0 && reg.removed.load(Ordering::Relaxed) {
        guard
            .draining
            .retain(|d| !std::ptr::eq(Arc::as_ptr(d), reg as *const Registration));
        if reg.waiting.load(Ordering::Relaxed) > 0 {
            RUNS_ENDED.notify_all();
        } else {
            release = reg.claim_release();
        }
    }
    drop(guard);
    if let Some(r) = release {
        r.run();
    }
}

/// What `sigx_reraise` does to sigx's state from signal context:
/// note the signal, so that the next registry call (and every wait, at
/// once) asks the kernel about it. Async-signal-safe (atomics only).
pub fn note_reraise(sig: Signal) {
    RERAISED.fetch_or(sig.bit(), Ordering::AcqRel);
    VERIFY.fetch_or(sig.bit(), Ordering::AcqRel);
}

/// `SIGX_ALL`: every signal, the mask of `sigx_fd()`.
pub const ALL: u64 = u64::MAX;

/// The descriptor for `mask` (the same one for the same mask), creating
/// it on first use: an epoll instance holding the mask's eventfd and a
/// signalfd for the mask's caught signals.
///
/// The mask's wake entry (its eventfd) is taken last: an entry is never
/// removed, so one made for a call that then failed (no descriptor left for
/// the signalfd or the epoll instance) would stay open for good. The
/// signalfd and the epoll instance come first, and a failure closes them.
/// `wake::USER_MASKS` masks besides `SIGX_ALL` may have a descriptor; the
/// table has room for them whatever waits made entries for.
pub fn fd_mask(mask: u64) -> Result<i32, Error> {
    if mask == 0 {
        return Err(Error::Argument);
    }
    with_state(|state, _| {
        if let Some(u) = state.user_fds.iter().find(|u| u.mask == mask) {
            return Ok(u.epoll);
        }
        // SIGX_ALL (`sigx_fd()`) has a place of its own.
        let others = state.user_fds.iter().filter(|u| u.mask != ALL).count();
        if mask != ALL && others >= wake::USER_MASKS {
            return Err(Error::Busy);
        }
        state.user_fds.try_reserve(1).map_err(|_| Error::NoMemory)?;
        let caught = CAUGHT.load(Ordering::Acquire);
        let signalfd = os::signalfd(-1, mask & caught)?;
        let epoll = match os::epoll_create() {
            Ok(ep) => ep,
            Err(e) => {
                os::close(signalfd);
                return Err(e.into());
            }
        };
        let eventfd = wake::entry_for(mask, wake::Use::User, pending::any_queued)
            .map_err(Error::from)
            .and_then(|entry| entry.ok_or(Error::Busy))
            .and_then(|(_, eventfd)| {
                os::epoll_add(epoll, eventfd)
                    .and_then(|()| os::epoll_add(epoll, signalfd))
                    .map(|()| eventfd)
                    .map_err(Error::from)
            });
        let eventfd = match eventfd {
            Ok(fd) => fd,
            Err(e) => {
                os::close(epoll);
                os::close(signalfd);
                return Err(e);
            }
        };
        state.user_fds.push(UserFd {
            mask,
            epoll,
            signalfd,
            eventfd,
        });
        Ok(epoll)
    })
}

fn make_epoll(eventfd: i32, signalfd: i32) -> std::io::Result<i32> {
    let ep = os::epoll_create()?;
    let added = os::epoll_add(ep, eventfd).and_then(|()| os::epoll_add(ep, signalfd));
    if let Err(e) = added {
        os::close(ep);
        return Err(e);
    }
    Ok(ep)
}

/// Blocks every signal across `fork`: a signal sent to the new child before
/// it has run is delivered on its first return to user space, which is
/// before this hook's child half empties the queues. Blocked, it waits in
/// the kernel until the reset is done, and is then recorded in the child.
extern "C" fn before_fork() {
    let mask = os::block_all_signals();
    // SAFETY: released in `after_fork_parent` / `after_fork_child`, on this thread or (in the child) its copy.
    unsafe { REGISTRY.raw_lock() };
    wake::lock_for_fork();
    crate::child::lock_for_fork(); // issue #14
    FORK_MASK.with_locked(|m| *m = Some(mask));
}

extern "C" fn after_fork_parent() {
    crate::child::unlock_after_fork_parent(); // issue #14
    wake::unlock_after_fork();
    let mask = FORK_MASK.with_locked(Option::take);
    // SAFETY: taken in `before_fork` on this thread.
    unsafe { REGISTRY.raw_unlock() };
    if let Some(mask) = mask {
        os::restore_sigmask(&mask);
    }
}

extern "C" fn after_fork_child() {
    // Signals are still blocked (see `before_fork`): no handler can push
    // while the rings are reset.
    pending::reset_after_fork();
    crate::child::after_fork_child(); // issue #14: a forked child watches nothing
    wake::reset_after_fork();
    crate::timer::after_fork_child(); // issue #13: no timers, no deadlines
    wake::unlock_after_fork();
    filter::after_fork(); // Hosts: the child's pid; refused figures at 0
    // SAFETY: the child has one thread, which holds the registry lock (taken in `before_fork`); nobody waits on the condition variable in the child.
    unsafe {
        RUNS_ENDED.reinit_after_fork();
        REGISTRY.data_locked().after_fork();
    }
    let mask = FORK_MASK.with_locked(Option::take);
    // SAFETY: taken in `before_fork` by the thread the child continues.
    unsafe { REGISTRY.raw_unlock() };
    if let Some(mask) = mask {
        os::restore_sigmask(&mask);
    }
}

impl State {
    /// The child side of `fork` (lock held, one thread, signals blocked).
    fn after_fork(&mut self) {
        // Runs of other threads do not exist here: keep only this thread's.
        let me = os::thread_id();
        for e in self.entries.iter() {
            if let Some(reg) = &e.callback {
                reg.runners(|v| v.retain(|&t| t == me));
                reg.waiting.store(0, Ordering::Relaxed);
            }
        }
        for reg in &self.draining {
            reg.runners(|v| v.retain(|&t| t == me));
            reg.waiting.store(0, Ordering::Relaxed);
        }
        // Each user descriptor: a signalfd and an epoll of the child's own,
        // on the same numbers (the eventfds were renewed by `wake`).
        let caught = CAUGHT.load(Ordering::Acquire);
        for u in &self.user_fds {
            if let Ok(sfd) = os::signalfd(-1, u.mask & caught) {
                let _ = os::move_fd(sfd, u.signalfd);
            }
            if let Ok(ep) = make_epoll(u.eventfd, u.signalfd) {
                let _ = os::move_fd(ep, u.epoll);
            }
        }
        // SIGX_FORK_RESET: put back what sigx replaced, as uninstall would.
        // The callback is forgotten without calling release: until it execs,
        // the child of a threaded parent may only make async-signal-safe
        // calls.
        for signo in 1..self.entries.len() {
            let reset = self.entries[signo]
                .installed
                .is_some_and(|f| f.has(Flags::FORK_RESET));
            if !reset {
                continue;
            }
            if let Some(saved) = self.entries[signo].saved.take() {
                let _ = os::set_action(signo as i32, &saved);
            }
            let e = &mut self.entries[signo];
            e.installed = None;
            e.chain = 0;
            if let Some(reg) = e.callback.take() {
                std::mem::forget(reg);
            }
            self.publish(signo);
        }
    }
}

/// The forking thread's signal mask, saved by `before_fork` while it holds
/// the registry lock and restored on both sides of the fork.
struct ForkMask(std::cell::UnsafeCell<Option<libc::sigset_t>>);

// SAFETY: only the thread holding the registry lock (the forking thread,
// between `before_fork` and the after-fork hooks) touches it.
unsafe impl Sync for ForkMask {}

impl ForkMask {
    fn with_locked<R>(&self, f: impl FnOnce(&mut Option<libc::sigset_t>) -> R) -> R {
        // SAFETY: the callers hold the registry lock, which guards FORK_MASK.
        f(unsafe { &mut *self.0.get() })
    }
}

static FORK_MASK: ForkMask = ForkMask(std::cell::UnsafeCell::new(None));
