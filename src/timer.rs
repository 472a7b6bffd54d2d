//! Timers: POSIX timers on any clock, for the process or for one thread
//! (`sigx_timer_*`, issue #13).
//!
//! Each timer is a kernel timer (`timer_create`, the raw system call, so
//! that its id is the kernel's own) that sends a signal with `si_value` =
//! the caller's cookie. The signal zone learns nothing about timers: their
//! deliveries are ordinary deliveries, and `sigx_info::interpret` reads the
//! overrun count from the raw siginfo bytes when a record is taken.
//!
//! The table of timers lives in normal context, under a lock of its own
//! (no other sigx lock is ever taken while it is held). System calls on a
//! timer are made with the lock held, so that a kernel id is never used
//! after `sigx_timer_delete` let the kernel give it to someone else.
//!
//! Ids are positive and never reused while the process lives: a counter
//! that a fork child carries on from. Thread timers (`SIGX_TIMER_THREAD`)
//! note their thread in a `pthread_key_t` whose destructor deletes them when
//! the thread exits. A forked child has no timers (the kernel copies none),
//! so its table starts empty.

use crate::error::{Error, Signal};
use crate::os;
use std::os::raw::{c_int, c_void};
use std::sync::Once;
use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};

/// The clocks a timer can run on (`enum sigx_clock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// CLOCK_MONOTONIC.
    Monotonic,
    /// CLOCK_REALTIME.
    Realtime,
    /// CLOCK_BOOTTIME.
    Boottime,
    /// CLOCK_PROCESS_CPUTIME_ID.
    ProcessCpu,
    /// CLOCK_THREAD_CPUTIME_ID of the creating thread.
    ThreadCpu,
}

impl Clock {
    /// The clock for a `sigx_clock` value; anything else is an argument error.
    pub fn from_raw(clock: c_int) -> Result<Self, Error> {
        Ok(match clock {
            0 => Clock::Monotonic,
            1 => Clock::Realtime,
            2 => Clock::Boottime,
            3 => Clock::ProcessCpu,
            4 => Clock::ThreadCpu,
            _ => return Err(Error::Argument),
        })
    }

    /// The kernel's clock id (for the thread CPU clock: the calling thread's).
    fn id(self) -> libc::clockid_t {
        match self {
            Clock::Monotonic => libc::CLOCK_MONOTONIC,
            Clock::Realtime => libc::CLOCK_REALTIME,
            Clock::Boottime => libc::CLOCK_BOOTTIME,
            Clock::ProcessCpu => libc::CLOCK_PROCESS_CPUTIME_ID,
            Clock::ThreadCpu => libc::CLOCK_THREAD_CPUTIME_ID,
        }
    }
}

/// One timer of the table.
struct Timer {
    /// sigx's id (what the caller holds).
    id: i32,
    /// The kernel's timer id.
    kernel: c_int,
    /// The thread it is delivered to and deleted with (`SIGX_TIMER_THREAD`).
    thread: Option<libc::pid_t>,
}

/// The timers that exist, in increasing id order.
struct Table {
    timers: Vec<Timer>,
}

impl Table {
    fn find(&self, id: i32) -> Result<usize, Error> {
        self.timers
            .binary_search_by_key(&id, |t| t.id)
            .map_err(|_| Error::NotFound)
    }
}

static TABLE: os::Mutex<Table> = os::Mutex::new(Table { timers: Vec::new() });

/// The next id to hand out. Not reset by fork: ids are never reused.
static NEXT_ID: AtomicI32 = AtomicI32::new(1);

/// The key whose destructor deletes a thread's timers; `u32::MAX` until
/// created (or if the system had no key left).
static EXIT_KEY: AtomicU32 = AtomicU32::new(u32::MAX);
static EXIT_KEY_ONCE: Once = Once::new();

/// The thread-exit key, created on first use.
fn exit_key() -> Option<u32> {
    EXIT_KEY_ONCE.call_once(|| {
        if let Some(key) = os::thread_key_create(thread_exit) {
            EXIT_KEY.store(key, Ordering::Release);
        }
    });
    let key = EXIT_KEY.load(Ordering::Acquire);
    (key != u32::MAX).then_some(key)
}

/// Thread exit: delete the timers delivered to this thread.
extern "C" fn thread_exit(_marker: *mut c_void) {
    let me = os::gettid();
    let mut table = TABLE.lock();
    table.timers.retain(|t| {
        if t.thread != Some(me) {
            return true;
        }
        // Nothing to do about a failure: the id is gone either way.
        let _ = os::timer_delete(t.kernel);
        false
    });
}

/// Create a timer that sends `sig` with `si_value` = `cookie` when it
/// expires, to the process or (`thread`) to the calling thread only. It
/// starts disarmed. Returns its id.
pub fn create(sig: Signal, clock: Clock, thread: bool, cookie: u64) -> Result<i32, Error> {
    let key = if thread {
        // Without the key the timer could outlive its thread: refuse.
        Some(exit_key().ok_or(Error::System(libc::EAGAIN))?)
    } else {
        None
    };
    let mut table = TABLE.lock();
    table.timers.try_reserve(1).map_err(|_| Error::NoMemory)?;
    let id = NEXT_ID.load(Ordering::Relaxed);
    if id == i32::MAX {
        // Every id was handed out once; none may be reused.
        return Err(Error::System(libc::EAGAIN));
    }
    let tid = thread.then(os::gettid);
    let kernel = os::timer_create(clock.id(), sig.get(), cookie, tid)?;
    // Relaxed: the lock orders every change of the counter.
    NEXT_ID.store(id + 1, Ordering::Relaxed);
    table.timers.push(Timer {
        id,
        kernel,
        thread: tid,
    });
    drop(table);
    if let Some(key) = key {
        os::thread_key_set(key, true);
    }
    Ok(id)
}

/// Arm (`first_ns` > 0) or disarm (0) timer `id`.
pub fn set(id: i32, first_ns: u64, interval_ns: u64, absolute: bool) -> Result<(), Error> {
    let table = TABLE.lock();
    let t = &table.timers[table.find(id)?];
    os::timer_settime(t.kernel, absolute, first_ns, interval_ns)?;
    Ok(())
}

/// What is left of timer `id` until its next expiry (0: disarmed), and its
/// interval, in nanoseconds.
pub fn get(id: i32) -> Result<(u64, u64), Error> {
    let table = TABLE.lock();
    let t = &table.timers[table.find(id)?];
    Ok(os::timer_gettime(t.kernel)?)
}

/// Delete timer `id`; it never expires again.
pub fn delete(id: i32) -> Result<(), Error> {
    let mut table = TABLE.lock();
    let at = table.find(id)?;
    let t = table.timers.remove(at);
    // The id is gone from sigx whatever the kernel says (it only fails for
    // an id it no longer knows).
    let _ = os::timer_delete(t.kernel);
    Ok(())
}

/// How many timers exist.
pub fn count() -> usize {
    TABLE.lock().timers.len()
}

/// In a forked child (one thread): no timers and no deadlines. The kernel
/// copied no timer, so the list is emptied. If a thread that the child does
/// not have held the lock at the fork, the lock is made anew and the list,
/// which that thread may have left half-changed, is leaked rather than
/// freed. The id counter carries on.
pub fn after_fork_child() {
    match TABLE.try_lock() {
        Some(mut table) => table.timers = Vec::new(),
        None => {
            // SAFETY: called from the child side of fork only, while the child has one thread; the holder is a thread of the parent (sigx never forks while holding it).
            unsafe { TABLE.reinit_after_fork() };
            std::mem::forget(std::mem::take(&mut TABLE.lock().timers));
        }
    }
    crate::deadline::after_fork_child();
}

#[cfg(test)]
mod tests {
    use super::Clock;
    use crate::error::Error;

    #[test]
    fn clocks_are_the_contract_values() {
        let want = [
            Clock::Monotonic,
            Clock::Realtime,
            Clock::Boottime,
            Clock::ProcessCpu,
            Clock::ThreadCpu,
        ];
        for (raw, clock) in want.iter().enumerate() {
            assert_eq!(Clock::from_raw(raw as i32), Ok(*clock));
        }
        for bad in [-1, 5, 6, i32::MIN, i32::MAX] {
            assert_eq!(Clock::from_raw(bad), Err(Error::Argument));
        }
    }
}
