//! Thin, checked wrappers around the system calls sigx needs.
//!
//! Each wrapper does one call, turns failure into `io::Error` (or the raw
//! errno) and keeps its `unsafe` to a single commented block. The functions
//! marked async-signal-safe are the only ones the signal zone may call: they
//! are single system calls (or vDSO reads) with no allocation and no locks.

use std::cell::UnsafeCell;
use std::io;
use std::os::raw::{c_int, c_void};
use std::sync::atomic::AtomicU32;
use std::time::Duration;

/// The calling thread's `errno`. Async-signal-safe.
pub fn errno() -> c_int {
    // SAFETY: __errno_location always returns a valid pointer to this thread's errno.
    unsafe { *libc::__errno_location() }
}

/// Set the calling thread's `errno`. Async-signal-safe.
pub fn set_errno(value: c_int) {
    // SAFETY: as in `errno`.
    unsafe { *libc::__errno_location() = value }
}

/// Saves the calling thread's `errno` and puts it back when dropped.
/// Async-signal-safe.
pub struct ErrnoGuard(c_int);

impl ErrnoGuard {
    /// Save `errno` now.
    pub fn save() -> Self {
        Self(errno())
    }
}

impl Drop for ErrnoGuard {
    fn drop(&mut self) {
        set_errno(self.0);
    }
}

fn check(ret: c_int) -> io::Result<c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

/// CLOCK_MONOTONIC in nanoseconds. Async-signal-safe (POSIX lists
/// `clock_gettime`; on Linux it is a vDSO read).
pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out-pointer; CLOCK_MONOTONIC always exists on Linux, so the call cannot fail.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64)
        .wrapping_mul(1_000_000_000)
        .wrapping_add(ts.tv_nsec as u64)
}

/// A duration as the kernel's `timespec` (seconds beyond `time_t` clamp).
fn timespec(d: Duration) -> libc::timespec {
    libc::timespec {
        tv_sec: d.as_secs().min(i64::MAX as u64) as libc::time_t,
        tv_nsec: d.subsec_nanos() as libc::c_long,
    }
}

/// Sleep while `*word == expected`, for at most `timeout` (None: forever).
/// Returns on a wake-up, a changed word, the timeout or a signal; the caller
/// re-checks its condition in every case.
pub fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let ts = timeout.map(timespec);
    let ts_ptr = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `word` is a live, aligned u32 for the duration of the call, and `ts_ptr` is NULL or points at `ts`, which outlives the call. FUTEX_WAIT only reads them.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            expected,
            ts_ptr,
        )
    };
}

/// Wake every thread sleeping in [`futex_wait`] on `word`.
/// Async-signal-safe (a single system call); leaves `errno` as it was.
/// Never inlined: callers (the handler) stay free of the errno bookkeeping
/// on their paths that make no system call.
#[inline(never)]
pub fn futex_wake_all(word: &AtomicU32) {
    let _errno = ErrnoGuard::save();
    // SAFETY: FUTEX_WAKE only uses the address as a key; it does not access memory through it.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
            i32::MAX,
        )
    };
}

/// A new non-blocking, close-on-exec eventfd.
pub fn eventfd() -> io::Result<c_int> {
    // SAFETY: plain system call with constant flags.
    check(unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) })
}

/// Add one to an eventfd's counter, making it readable. Errors (EAGAIN when
/// the counter is saturated, EBADF after a race with fork) are ignored: a
/// saturated eventfd is readable anyway. Async-signal-safe; leaves `errno`
/// as it was. Never inlined, like [`futex_wake_all`].
#[inline(never)]
pub fn eventfd_signal(fd: c_int) {
    let _errno = ErrnoGuard::save();
    let one: u64 = 1;
    // The system call, not libc's write(): that is a cancellation point, and
    // a thread cancelled inside the handler here would leave the eventfd
    // marked written (wake::FD_ARMED) but never written.
    // SAFETY: writes 8 bytes from a live local; a bad fd only yields an error.
    unsafe {
        libc::syscall(
            libc::SYS_write,
            fd,
            (&one as *const u64).cast::<c_void>(),
            8usize,
        )
    };
}

/// Reset an eventfd's counter to zero (not readable any more).
pub fn eventfd_clear(fd: c_int) {
    let mut buf: u64 = 0;
    // The system call, not libc's read(), which is a cancellation point (see
    // `eventfd_signal`).
    // SAFETY: reads at most 8 bytes into a live local; EAGAIN (already clear) is fine.
    unsafe {
        libc::syscall(
            libc::SYS_read,
            fd,
            (&mut buf as *mut u64).cast::<c_void>(),
            8usize,
        )
    };
}

/// Close a descriptor, ignoring errors.
pub fn close(fd: c_int) {
    // SAFETY: the caller owns `fd`.
    unsafe { libc::close(fd) };
}

/// Convert a sigx mask (bit `signo - 1`) into a `sigset_t`. Bits that the C
/// library refuses (its reserved signals) are skipped, as `pthread_sigmask`
/// would skip them.
pub fn sigset_from_mask(mask: u64) -> libc::sigset_t {
    // SAFETY: sigemptyset initialises the set it is given.
    let mut set = unsafe {
        let mut set = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
        libc::sigemptyset(set.as_mut_ptr());
        set.assume_init()
    };
    for signo in 1..=64 {
        if mask & (1u64 << (signo - 1)) != 0 {
            // SAFETY: `set` is initialised; an invalid or reserved number makes sigaddset fail with EINVAL, which we skip on purpose.
            unsafe { libc::sigaddset(&mut set, signo) };
        }
    }
    set
}

/// Convert a `sigset_t` into a sigx mask (signals 1..=64).
pub fn mask_from_sigset(set: &libc::sigset_t) -> u64 {
    let mut mask = 0;
    for signo in 1..=64 {
        // SAFETY: `set` is an initialised set; sigismember only reads it.
        if unsafe { libc::sigismember(set, signo) } == 1 {
            mask |= 1u64 << (signo - 1);
        }
    }
    mask
}

/// A full signal set.
pub fn full_sigset() -> libc::sigset_t {
    // SAFETY: sigfillset initialises the set it is given.
    unsafe {
        let mut set = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
        libc::sigfillset(set.as_mut_ptr());
        set.assume_init()
    }
}

/// `pthread_sigmask(how, mask)`; returns the previous mask. Only for the
/// calls whose job is the mask (`sigx_block`, `sigx_unblock`,
/// `sigx_setmask`): sigx changes no thread's mask otherwise.
pub fn thread_sigmask(how: c_int, mask: u64) -> io::Result<u64> {
    let set = sigset_from_mask(mask);
    let mut old = sigset_from_mask(0);
    // SAFETY: both sets are initialised and live across the call.
    let rc = unsafe { libc::pthread_sigmask(how, &set, &mut old) };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc));
    }
    Ok(mask_from_sigset(&old))
}

/// Block every signal on this thread and return the previous mask, for
/// [`restore_sigmask`]. Async-signal-safe. Only for the fork hooks, which
/// put the mask back on both sides before `fork` returns.
pub fn block_all_signals() -> libc::sigset_t {
    let all = full_sigset();
    let mut old = sigset_from_mask(0);
    // SAFETY: both sets are initialised; SIG_BLOCK cannot fail.
    unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &all, &mut old) };
    old
}

/// Set this thread's mask back to one saved by [`block_all_signals`] (the
/// fork hooks).
pub fn restore_sigmask(mask: &libc::sigset_t) {
    // SAFETY: `mask` is an initialised set.
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, mask, std::ptr::null_mut()) };
}

/// `sigpending`: signals pending for this thread or the process.
pub fn sigpending() -> io::Result<u64> {
    let mut set = sigset_from_mask(0);
    // SAFETY: `set` is a valid out-pointer.
    check(unsafe { libc::sigpending(&mut set) })?;
    Ok(mask_from_sigset(&set))
}

/// Take one pending signal of `mask` off the kernel's queues without
/// waiting (`sigtimedwait` with a zero timeout), or `None` when none is
/// pending. Only signals blocked on the calling thread can be pending for it,
/// so this is how a waiter collects deliveries held back in the kernel.
pub fn sigtimedwait_now(mask: u64) -> Option<libc::siginfo_t> {
    let set = sigset_from_mask(mask);
    let zero = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    let mut info = std::mem::MaybeUninit::<libc::siginfo_t>::zeroed();
    // The system call itself, not glibc's sigtimedwait, which rewrites
    // SI_TKILL as SI_USER: the record must say what the handler would see.
    // The kernel's sigset is 64 bits (sigsetsize 8): the first word of
    // sigset_t.
    // SAFETY: `set` and `zero` are initialised and live across the call; `info` is a valid out-pointer the kernel fills on success; 8 is the kernel's sigset size.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_rt_sigtimedwait,
            &set as *const libc::sigset_t,
            info.as_mut_ptr(),
            &zero as *const libc::timespec,
            8usize,
        )
    };
    // SAFETY: a positive return means the kernel filled `info` (and the zeroed bytes are a valid siginfo_t anyway).
    (rc > 0).then(|| unsafe { info.assume_init() })
}

/// The calling thread's blocked signals as a sigx mask (bit `signo - 1`),
/// with one system call (the kernel's 64-bit set, not glibc's 1024-bit one).
/// It only reads: the new set is NULL, so `SIG_BLOCK` changes nothing.
pub fn blocked_now() -> u64 {
    let mut old: u64 = 0;
    // SAFETY: a NULL new set only reads the mask; `old` is a live 8-byte out-buffer, and 8 is the kernel's sigset size on Linux.
    unsafe {
        libc::syscall(
            libc::SYS_rt_sigprocmask,
            libc::SIG_BLOCK,
            std::ptr::null::<u64>(),
            &mut old as *mut u64,
            8usize,
        )
    };
    old
}

/// Reserve `bytes` of private, zero-filled memory that costs nothing until
/// touched (`MAP_NORESERVE`: no swap is set aside for it either). `None` if
/// the address space cannot be had.
pub fn map_zeroed(bytes: usize) -> Option<std::ptr::NonNull<u8>> {
    if bytes == 0 {
        return None;
    }
    // SAFETY: an anonymous private mapping at an address of the kernel's choosing touches no existing memory.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            bytes,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return None;
    }
    std::ptr::NonNull::new(p.cast())
}

/// Give back a mapping made by [`map_zeroed`].
///
/// # Safety
/// `ptr` and `bytes` are those of one mapping from [`map_zeroed`], and no
/// reference into it is used afterwards.
pub unsafe fn unmap(ptr: std::ptr::NonNull<u8>, bytes: usize) {
    // SAFETY: guaranteed by the caller.
    unsafe { libc::munmap(ptr.as_ptr().cast(), bytes) };
}

unsafe extern "C" {
    fn pthread_setcancelstate(state: c_int, oldstate: *mut c_int) -> c_int;
    fn pthread_setcanceltype(kind: c_int, oldtype: *mut c_int) -> c_int;
}

/// glibc and musl: `PTHREAD_CANCEL_DISABLE`.
const CANCEL_DISABLE: c_int = 1;
/// glibc and musl: `PTHREAD_CANCEL_ASYNCHRONOUS`.
const CANCEL_ASYNCHRONOUS: c_int = 1;

/// Disables thread cancellation while it lives (callbacks run under one),
/// and puts the previous state back when dropped.
pub struct NoCancel(c_int);

impl NoCancel {
    /// Disable cancellation for the calling thread now.
    pub fn new() -> Self {
        let mut old = 0;
        // SAFETY: `old` is a valid out-pointer; the state value is valid.
        unsafe { pthread_setcancelstate(CANCEL_DISABLE, &mut old) };
        Self(old)
    }
}

impl Default for NoCancel {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for NoCancel {
    fn drop(&mut self) {
        let mut ignored = 0;
        // SAFETY: puts back the state read in `new`.
        unsafe { pthread_setcancelstate(self.0, &mut ignored) };
    }
}

/// Run `sleep` (one blocking system call, nothing else) as a cancellation
/// point: with asynchronous cancellation enabled just around it, so that a
/// `pthread_cancel` ends the thread there, also while it is blocked. The
/// caller holds no lock and leaves nothing that needs undoing but what a
/// thread-exit destructor undoes (see `wake::Waiter`).
pub fn cancellable<R>(sleep: impl FnOnce() -> R) -> R {
    let mut old = 0;
    // SAFETY: `old` is a valid out-pointer; the type value is valid. A cancel already pending acts here, where nothing is held.
    unsafe { pthread_setcanceltype(CANCEL_ASYNCHRONOUS, &mut old) };
    let r = sleep();
    let mut ignored = 0;
    // SAFETY: puts back the type read above.
    unsafe { pthread_setcanceltype(old, &mut ignored) };
    r
}

/// `ppoll` on `fds` (may be empty) for at most `timeout` (None: forever),
/// with the calling thread's signal mask set to `mask` (a sigx mask) for
/// the call only. Returns the number of ready descriptors, 0 on timeout, -1
/// on EINTR or another error. The raw system call with the kernel's 8-byte
/// set.
pub fn ppoll(fds: &mut [libc::pollfd], timeout: Option<Duration>, mask: u64) -> c_int {
    let ts = timeout.map(timespec);
    let ts_ptr = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `fds` is a live slice of pollfd the kernel may write `revents` into; `ts_ptr` is NULL or points at `ts`; `mask` is a live 8-byte set, the kernel's sigset size.
    unsafe {
        libc::syscall(
            libc::SYS_ppoll,
            fds.as_mut_ptr(),
            fds.len() as libc::nfds_t,
            ts_ptr,
            &mask as *const u64,
            8usize,
        ) as c_int
    }
}

/// A new signalfd for the signals of `mask` (non-blocking, close-on-exec),
/// or, with `fd` >= 0, change the set of an existing one.
pub fn signalfd(fd: c_int, mask: u64) -> io::Result<c_int> {
    let set = sigset_from_mask(mask);
    // SAFETY: `set` is an initialised set; flags are constants.
    check(unsafe { libc::signalfd(fd, &set, libc::SFD_NONBLOCK | libc::SFD_CLOEXEC) })
}

/// A new close-on-exec epoll instance.
pub fn epoll_create() -> io::Result<c_int> {
    // SAFETY: plain system call with a constant flag.
    check(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })
}

/// Watch `fd` for readability in epoll instance `ep`.
pub fn epoll_add(ep: c_int, fd: c_int) -> io::Result<()> {
    let mut ev = libc::epoll_event {
        events: libc::EPOLLIN as u32,
        u64: fd as u64,
    };
    // SAFETY: `ev` is a live, initialised event.
    check(unsafe { libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, fd, &mut ev) })?;
    Ok(())
}

/// Make `to` refer to what `from` refers to (close-on-exec), then close
/// `from`: the descriptor keeps its number and gets a new file.
pub fn move_fd(from: c_int, to: c_int) -> io::Result<()> {
    // SAFETY: both are descriptors the caller owns; dup3 replaces `to` atomically.
    let rc = check(unsafe { libc::dup3(from, to, libc::O_CLOEXEC) });
    close(from);
    rc.map(|_| ())
}

/// Queue a delivery taken with [`sigtimedwait_now`] back to this process,
/// unchanged (`rt_sigqueueinfo`: a process may give itself any `si_code`).
/// Errors (the kernel's queue is full) are ignored: there is nothing better
/// to do with it.
pub fn give_back(info: &libc::siginfo_t) {
    let mut copy = *info;
    // SAFETY: `copy` is a complete siginfo_t the kernel filled; rt_sigqueueinfo only reads it.
    unsafe {
        libc::syscall(
            libc::SYS_rt_sigqueueinfo,
            libc::getpid(),
            info.si_signo,
            &mut copy as *mut libc::siginfo_t,
        )
    };
}

/// The disposition of `signo` now.
pub fn get_action(signo: c_int) -> io::Result<libc::sigaction> {
    // SAFETY: an all-zero sigaction is a valid value (SIG_DFL, empty mask).
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: `old` is a valid out-pointer; a NULL new action only reads.
    check(unsafe { libc::sigaction(signo, std::ptr::null(), &mut old) })?;
    Ok(old)
}

/// Replace the disposition of `signo`.
pub fn set_action(signo: c_int, action: &libc::sigaction) -> io::Result<()> {
    // SAFETY: `action` is a fully initialised sigaction; the handler it names (if any) stays valid because the library is never unloaded.
    check(unsafe { libc::sigaction(signo, action, std::ptr::null_mut()) })?;
    Ok(())
}

/// A sigaction for a three-argument handler with the given `sa_flags` and a
/// full `sa_mask` (the handler never interrupts itself on one thread).
pub fn handler_action(
    handler: extern "C" fn(c_int, *mut libc::siginfo_t, *mut c_void),
    flags: c_int,
) -> libc::sigaction {
    // SAFETY: an all-zero sigaction is valid; every field we rely on is set.
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = handler as *const () as usize;
    sa.sa_flags = flags | libc::SA_SIGINFO;
    sa.sa_mask = full_sigset();
    sa
}

/// A sigaction for `SIG_DFL` or `SIG_IGN`.
pub fn plain_action(disposition: libc::sighandler_t) -> libc::sigaction {
    // SAFETY: an all-zero sigaction is valid.
    let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
    sa.sa_sigaction = disposition;
    sa
}

/// Set `SIG_DFL`, unblock `signo` on this thread and raise it: the job of
/// `sigx_reraise`, one of the calls that may change the mask.
/// Async-signal-safe: sigaction, sigprocmask and raise are on POSIX's list.
pub fn reraise(signo: c_int) {
    let dfl = plain_action(libc::SIG_DFL);
    // SAFETY: `dfl` is a valid sigaction; the set is a live local.
    unsafe {
        libc::sigaction(signo, &dfl, std::ptr::null_mut());
        let mut set = std::mem::MaybeUninit::<libc::sigset_t>::uninit();
        libc::sigemptyset(set.as_mut_ptr());
        libc::sigaddset(set.as_mut_ptr(), signo);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, set.as_ptr(), std::ptr::null_mut());
        libc::raise(signo);
    }
}

/// `sigqueue(pid, signo, value)`. Async-signal-safe.
pub fn sigqueue(pid: c_int, signo: c_int, value: u64) -> Result<(), c_int> {
    let val = libc::sigval {
        sival_ptr: value as usize as *mut c_void,
    };
    // SAFETY: plain system call; `val` is passed by value.
    if unsafe { libc::sigqueue(pid, signo, val) } < 0 {
        return Err(errno());
    }
    Ok(())
}

/// `raise(signo)`: to the calling thread. Async-signal-safe.
pub fn raise(signo: c_int) -> Result<(), c_int> {
    // SAFETY: plain library call.
    if unsafe { libc::raise(signo) } != 0 {
        return Err(errno());
    }
    Ok(())
}

fn timeval_from_ms(ms: u64) -> libc::timeval {
    libc::timeval {
        tv_sec: (ms / 1000).min(i64::MAX as u64) as libc::time_t,
        tv_usec: ((ms % 1000) * 1000) as libc::suseconds_t,
    }
}

/// `setitimer(ITIMER_REAL)`; returns the previous timer's remaining time in
/// microseconds.
pub fn set_real_timer(delay_ms: u64, interval_ms: u64) -> io::Result<u64> {
    let new = libc::itimerval {
        it_value: timeval_from_ms(delay_ms),
        it_interval: timeval_from_ms(if delay_ms == 0 { 0 } else { interval_ms }),
    };
    // SAFETY: an all-zero itimerval is valid.
    let mut old: libc::itimerval = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are live locals.
    check(unsafe { libc::setitimer(libc::ITIMER_REAL, &new, &mut old) })?;
    Ok((old.it_value.tv_sec as u64)
        .saturating_mul(1_000_000)
        .saturating_add(old.it_value.tv_usec as u64))
}

/// Register fork hooks (`pthread_atfork`).
pub fn atfork(
    prepare: extern "C" fn(),
    parent: extern "C" fn(),
    child: extern "C" fn(),
) -> io::Result<()> {
    // SAFETY: the hooks are plain functions that live as long as the process (the library is never unloaded).
    let rc = unsafe { libc::pthread_atfork(Some(prepare), Some(parent), Some(child)) };
    if rc != 0 {
        return Err(io::Error::from_raw_os_error(rc));
    }
    Ok(())
}

/// `pthread_self()` as an integer, to compare thread identities (it is the
/// same in a forked child's only thread as in the thread that forked).
/// Async-signal-safe in practice: glibc and musl read the thread pointer.
pub fn thread_id() -> usize {
    // SAFETY: pthread_self cannot fail.
    unsafe { libc::pthread_self() as usize }
}

/// A new thread-specific data key whose destructor `dtor` runs at thread
/// exit for threads that set a value. `None` if keys are exhausted.
pub fn thread_key_create(dtor: extern "C" fn(*mut c_void)) -> Option<u32> {
    let mut key: libc::pthread_key_t = 0;
    // SAFETY: `key` is a valid out-pointer; `dtor` has the destructor signature and lives as long as the process.
    (unsafe { libc::pthread_key_create(&mut key, Some(dtor)) } == 0).then_some(key)
}

/// Set (`on`: a non-null marker) or clear this thread's value of `key`.
/// Allocates nothing for the first keys a process creates.
pub fn thread_key_set(key: u32, on: bool) {
    let value = if on {
        std::ptr::NonNull::<u8>::dangling()
            .as_ptr()
            .cast::<c_void>()
    } else {
        std::ptr::null_mut()
    };
    // SAFETY: `key` came from `thread_key_create`; the value is never dereferenced.
    unsafe { libc::pthread_setspecific(key, value) };
}

/// Set this thread's value of `key` to `value` (0: none). The value is a
/// number, never dereferenced; nothing is allocated for the first keys a
/// process creates.
pub fn thread_key_set_value(key: u32, value: usize) {
    // SAFETY: `key` came from `thread_key_create`; the value is never dereferenced.
    unsafe { libc::pthread_setspecific(key, value as *const c_void) };
}

/// This thread's value of `key` (0 if none was set).
pub fn thread_key_get(key: u32) -> usize {
    // SAFETY: `key` came from `thread_key_create`.
    unsafe { libc::pthread_getspecific(key) as usize }
}

/// A mutex built on `pthread_mutex_t`, so that the fork hooks can take it
/// before `fork` and release it on both sides (which `std::sync::Mutex` does
/// not allow), and so that a statically initialised one needs no allocation.
///
/// It is not reentrant and never poisoned: sigx code holding it does not
/// panic (the release build aborts on panic anyway).
pub struct Mutex<T> {
    raw: UnsafeCell<libc::pthread_mutex_t>,
    data: UnsafeCell<T>,
}

// SAFETY: access to `data` is serialised by `raw`.
unsafe impl<T: Send> Sync for Mutex<T> {}

impl<T> Mutex<T> {
    /// A new unlocked mutex.
    pub const fn new(data: T) -> Self {
        Self {
            raw: UnsafeCell::new(libc::PTHREAD_MUTEX_INITIALIZER),
            data: UnsafeCell::new(data),
        }
    }

    /// Lock it; the guard unlocks on drop.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        // SAFETY: the guard unlocks it on drop, on this thread.
        unsafe { self.raw_lock() };
        MutexGuard { mutex: self }
    }

    /// Lock it if nobody holds it; `None` if someone does.
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        // SAFETY: `raw` is an initialised mutex that is never moved; on success the guard unlocks it on drop, on this thread.
        (unsafe { libc::pthread_mutex_trylock(self.raw.get()) } == 0)
            .then_some(MutexGuard { mutex: self })
    }

    /// Lock without a guard (for the fork hooks). Pair with [`Mutex::raw_unlock`].
    ///
    /// # Safety
    /// The caller unlocks it with [`Mutex::raw_unlock`] on this thread (or,
    /// in a forked child, the thread that forked) and creates no guard
    /// meanwhile.
    pub unsafe fn raw_lock(&self) {
        // SAFETY: `raw` is an initialised mutex that is never moved (it lives in a static or behind a reference for its whole life).
        unsafe { libc::pthread_mutex_lock(self.raw.get()) };
    }

    /// Unlock a mutex taken with [`Mutex::raw_lock`] by this thread (or, in a
    /// forked child, by the thread that forked).
    ///
    /// # Safety
    /// The caller holds the lock.
    pub unsafe fn raw_unlock(&self) {
        // SAFETY: the caller holds the lock.
        unsafe { libc::pthread_mutex_unlock(self.raw.get()) };
    }

    /// In a forked child, make the mutex unlocked again when it was held by a
    /// thread of the parent, which does not exist in the child.
    ///
    /// # Safety
    /// Only in the child side of `fork`, while the child has one thread and
    /// that thread does not hold or wait for this mutex.
    pub unsafe fn reinit_after_fork(&self) {
        // SAFETY: guaranteed by the caller: nobody can be using the mutex, so overwriting it with a fresh initialiser cannot disturb an owner.
        unsafe { self.raw.get().write(libc::PTHREAD_MUTEX_INITIALIZER) };
    }

    /// Access the data while the caller holds the lock through `raw_lock`.
    ///
    /// # Safety
    /// The caller holds the lock (taken with `raw_lock`) and no guard exists.
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn data_locked(&self) -> &mut T {
        // SAFETY: guaranteed by the caller.
        unsafe { &mut *self.data.get() }
    }
}

/// Holds a [`Mutex`] locked.
pub struct MutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
}

impl<T> std::ops::Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard proves the lock is held.
        unsafe { &*self.mutex.data.get() }
    }
}

impl<T> std::ops::DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard proves the lock is held, and `&mut self` that no other reference through this guard exists.
        unsafe { &mut *self.mutex.data.get() }
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: the guard proves this thread holds the lock.
        unsafe { self.mutex.raw_unlock() };
    }
}

/// A condition variable for [`Mutex`] (`pthread_cond_t`, statically
/// initialised, so it needs no allocation).
pub struct Condvar(UnsafeCell<libc::pthread_cond_t>);

// SAFETY: pthread condition variables are made to be shared between threads.
unsafe impl Sync for Condvar {}

impl Condvar {
    /// A new condition variable.
    pub const fn new() -> Self {
        Self(UnsafeCell::new(libc::PTHREAD_COND_INITIALIZER))
    }

    /// Release the guard's mutex, sleep until notified (or spuriously), and
    /// take the mutex again. Not a cancellation point for sigx's purposes:
    /// callers disable cancellation around it ([`NoCancel`]).
    pub fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
        // SAFETY: the guard proves this thread holds the mutex, which is initialised and never moved; the condition variable likewise.
        unsafe { libc::pthread_cond_wait(self.0.get(), guard.mutex.raw.get()) };
    }

    /// Wake every thread in [`Condvar::wait`].
    pub fn notify_all(&self) {
        // SAFETY: an initialised condition variable.
        unsafe { libc::pthread_cond_broadcast(self.0.get()) };
    }

    /// In a forked child, forget waiters that were threads of the parent.
    ///
    /// # Safety
    /// Only in the child side of `fork`, while the child has one thread.
    pub unsafe fn reinit_after_fork(&self) {
        // SAFETY: guaranteed by the caller: nobody can be waiting.
        unsafe { self.0.get().write(libc::PTHREAD_COND_INITIALIZER) };
    }
}

impl Default for Condvar {
    fn default() -> Self {
        Self::new()
    }
}

/// `getppid()`: the parent's pid now (0 if the parent is outside this
/// process's pid namespace). Async-signal-safe; cannot fail, so `errno` is
/// untouched.
pub fn getppid() -> c_int {
    // SAFETY: plain system call without arguments.
    unsafe { libc::getppid() }
}

/// `getpid()`. Async-signal-safe; cannot fail.
pub fn getpid() -> c_int {
    // SAFETY: plain system call without arguments.
    unsafe { libc::getpid() }
}

/// `getuid()`: the real uid. Cannot fail.
pub fn getuid() -> u32 {
    // SAFETY: plain system call without arguments.
    unsafe { libc::getuid() }
}

/// The path of the executable or shared object that holds `addr`, as
/// `dladdr` says, copied (the loader's string is freed if the object is
/// unloaded). `None` if `dladdr` knows no object there or gives no name.
pub fn module_path(addr: usize) -> Option<std::ffi::CString> {
    // SAFETY: an all-zero Dl_info is a valid value (NULL pointers).
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is a valid out-pointer; dladdr only looks `addr` up, it does not dereference it.
    let found = unsafe { libc::dladdr(addr as *const c_void, &mut info) };
    if found == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dladdr succeeded, so dli_fname is the loader's NUL-terminated name of the object, valid until that object is unloaded; it is copied at once. (An object unloaded concurrently would have left its handler installed pointing at unmapped code: the caller's process is broken already.)
    let name = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) };
    (!name.to_bytes().is_empty()).then(|| name.to_owned())
}

// ---- Children (issue #14): pidfds, waitid(P_PIDFD), an epoll of them -----

/// `waitid`'s id type for a pidfd (Linux 5.4); not in every libc crate.
const P_PIDFD: libc::idtype_t = 3;

/// A pidfd for process `pid` (`pidfd_open`, Linux 5.3), close-on-exec (the
/// kernel sets O_CLOEXEC on every pidfd). The raw system call: glibc 2.36
/// has no wrapper.
pub fn pidfd_open(pid: c_int) -> io::Result<c_int> {
    // SAFETY: plain system call with integer arguments.
    let rc = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0 as c_int) };
    check(rc as c_int)
}

/// What `waitid` said about a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChildExit {
    /// CLD_EXITED, CLD_KILLED or CLD_DUMPED.
    pub code: c_int,
    /// The child's pid.
    pub pid: c_int,
    /// The child's real uid.
    pub uid: u32,
    /// The exit code or the signal.
    pub status: c_int,
}

/// `waitid(P_PIDFD, pidfd, WEXITED | WNOHANG [| WNOWAIT])`: `Ok(Some)` if
/// the child has exited (reaped unless `keep`), `Ok(None)` if it has not,
/// `Err(ECHILD)` if it is not a child of this process (or was reaped
/// already), `Err(EINVAL)` on kernels without P_PIDFD. The raw system call.
pub fn waitid_pidfd(pidfd: c_int, keep: bool) -> io::Result<Option<ChildExit>> {
    let mut si = std::mem::MaybeUninit::<libc::siginfo_t>::zeroed();
    let mut options = libc::WEXITED | libc::WNOHANG;
    if keep {
        options |= libc::WNOWAIT;
    }
    loop {
        // SAFETY: `si` is a valid out-pointer for one siginfo_t; the rusage pointer may be NULL.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_waitid,
                P_PIDFD,
                pidfd,
                si.as_mut_ptr(),
                options,
                std::ptr::null_mut::<libc::rusage>(),
            )
        };
        if rc == 0 {
            break;
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINTR) {
            return Err(e);
        }
    }
    // SAFETY: the kernel filled `si` (with WNOHANG and no child ready it zeroes si_pid); zeroed bytes are a valid siginfo_t anyway.
    let si = unsafe { si.assume_init() };
    // SAFETY: for waitid the kernel fills the SIGCHLD members of the union.
    let (pid, uid, status) = unsafe { (si.si_pid(), si.si_uid(), si.si_status()) };
    if pid == 0 {
        return Ok(None);
    }
    Ok(Some(ChildExit {
        code: si.si_code,
        pid,
        uid,
        status,
    }))
}

/// Watch `fd` for readability in epoll instance `ep`, with `data` as the
/// event's tag.
pub fn epoll_add_tagged(ep: c_int, fd: c_int, data: u64) -> io::Result<()> {
    let mut ev = libc::epoll_event {
        events: libc::EPOLLIN as u32,
        u64: data,
    };
    // SAFETY: `ev` is a live, initialised event.
    check(unsafe { libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, fd, &mut ev) })?;
    Ok(())
}

/// Stop watching `fd` in epoll instance `ep` (errors ignored: the caller
/// closes `fd` next or has already lost it).
pub fn epoll_del(ep: c_int, fd: c_int) {
    // SAFETY: a NULL event is allowed for EPOLL_CTL_DEL since Linux 2.6.9.
    unsafe { libc::epoll_ctl(ep, libc::EPOLL_CTL_DEL, fd, std::ptr::null_mut()) };
}

/// The tags of up to `out.len()` ready descriptors of `ep`, without
/// waiting. Returns how many were written.
pub fn epoll_ready(ep: c_int, out: &mut [u64]) -> usize {
    let mut evs = [libc::epoll_event { events: 0, u64: 0 }; 64];
    let n = out.len().min(evs.len());
    // SAFETY: `evs` has room for `n` events; a zero timeout never blocks.
    let rc = unsafe { libc::epoll_wait(ep, evs.as_mut_ptr(), n as c_int, 0) };
    let got = usize::try_from(rc).unwrap_or(0).min(n);
    for (o, e) in out.iter_mut().zip(&evs[..got]) {
        let tag = e.u64;
        *o = tag;
    }
    got
}

/// Whether a delivery of `signo` is pending in the kernel for the calling
/// thread or for the process, whatever the thread blocks (a signalfd polls
/// readable for both queues; `sigpending` would hide the process's queue
/// behind the caller's mask). `true` when it cannot tell.
pub fn signal_pending_anywhere(signo: c_int) -> bool {
    let Ok(fd) = signalfd(-1, 1u64 << ((signo - 1) & 63)) else {
        return true;
    };
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd; a zero timeout never blocks.
    let rc = unsafe { libc::poll(&mut p, 1, 0) };
    close(fd);
    rc != 0
}

/// Whether a child of this process with `pid` has exited and is not reaped
/// (`waitid(P_PID, pid, WEXITED | WNOHANG | WNOWAIT)`).
pub fn child_exited(pid: c_int) -> bool {
    let mut si = std::mem::MaybeUninit::<libc::siginfo_t>::zeroed();
    // SAFETY: `si` is a valid out-pointer for one siginfo_t.
    let rc = unsafe {
        libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            si.as_mut_ptr(),
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    // SAFETY: zeroed bytes, or what the kernel filled in: a valid siginfo_t either way; si_pid is where waitid puts the child's pid.
    rc == 0 && unsafe { si.assume_init().si_pid() } == pid
}

// ---- POSIX timers and thread-directed signals (issue #13) -----------------
// The raw system calls, not glibc's wrappers: a timer's id is then the
// kernel's own number (what `si_timerid` says), on glibc and musl alike.

/// The calling thread's kernel id. Async-signal-safe.
pub fn gettid() -> libc::pid_t {
    // SAFETY: gettid takes no arguments and cannot fail.
    unsafe { libc::syscall(libc::SYS_gettid) as libc::pid_t }
}

/// A new POSIX timer on `clock` that, when it expires, sends `signo` with
/// `si_value` = `value` to the process (`thread` None) or to one of its
/// threads (`SIGEV_THREAD_ID`). Returns the kernel's timer id.
pub fn timer_create(
    clock: libc::clockid_t,
    signo: c_int,
    value: u64,
    thread: Option<libc::pid_t>,
) -> io::Result<c_int> {
    // SAFETY: an all-zero sigevent is a valid value (the padding included).
    let mut ev: libc::sigevent = unsafe { std::mem::zeroed() };
    ev.sigev_value = libc::sigval {
        sival_ptr: value as usize as *mut c_void,
    };
    ev.sigev_signo = signo;
    match thread {
        Some(tid) => {
            ev.sigev_notify = libc::SIGEV_THREAD_ID;
            ev.sigev_notify_thread_id = tid;
        }
        None => ev.sigev_notify = libc::SIGEV_SIGNAL,
    }
    let mut id: c_int = -1;
    // SAFETY: `ev` is an initialised sigevent and `id` a live out-int (the kernel's timer_t is an int), both live across the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_timer_create,
            clock,
            &mut ev as *mut libc::sigevent,
            &mut id as *mut c_int,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(id)
}

fn timespec_from_ns(ns: u64) -> libc::timespec {
    libc::timespec {
        tv_sec: (ns / 1_000_000_000) as libc::time_t,
        tv_nsec: (ns % 1_000_000_000) as libc::c_long,
    }
}

fn ns_from_timespec(ts: &libc::timespec) -> u64 {
    (ts.tv_sec.max(0) as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec.max(0) as u64)
}

/// Arm (`first_ns` > 0) or disarm (0) timer `id`: first expiry after
/// `first_ns` (an absolute time on its clock with `absolute`), then every
/// `interval_ns` if non-zero.
pub fn timer_settime(id: c_int, absolute: bool, first_ns: u64, interval_ns: u64) -> io::Result<()> {
    let spec = libc::itimerspec {
        it_interval: timespec_from_ns(if first_ns == 0 { 0 } else { interval_ns }),
        it_value: timespec_from_ns(first_ns),
    };
    let flags = if absolute { libc::TIMER_ABSTIME } else { 0 };
    // SAFETY: `spec` is initialised and live across the call; a NULL old value is allowed.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_timer_settime,
            id,
            flags,
            &spec as *const libc::itimerspec,
            std::ptr::null_mut::<libc::itimerspec>(),
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// What is left of timer `id` until its next expiry (0: disarmed) and its
/// interval, in nanoseconds.
pub fn timer_gettime(id: c_int) -> io::Result<(u64, u64)> {
    // SAFETY: an all-zero itimerspec is valid.
    let mut spec: libc::itimerspec = unsafe { std::mem::zeroed() };
    // SAFETY: `spec` is a live out-pointer.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_timer_gettime,
            id,
            &mut spec as *mut libc::itimerspec,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((
        ns_from_timespec(&spec.it_value),
        ns_from_timespec(&spec.it_interval),
    ))
}

/// Delete timer `id`. When this returns the timer will not expire again.
pub fn timer_delete(id: c_int) -> io::Result<()> {
    // SAFETY: plain system call on an integer id; a stale id only yields EINVAL.
    if unsafe { libc::syscall(libc::SYS_timer_delete, id) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The start of a `siginfo_t` as the kernel lays it out for `SI_QUEUE` and
/// `SI_TIMER` (the union begins pointer-aligned after three ints; its first
/// two ints are pid/uid or timer id/overrun, then `si_value`).
#[repr(C)]
struct SiginfoHead {
    signo: c_int,
    errno: c_int,
    code: c_int,
    fields: SiginfoValue,
}

#[repr(C)]
struct SiginfoValue {
    first: c_int,
    second: c_int,
    value: *mut c_void,
}

const _: () = assert!(std::mem::size_of::<SiginfoHead>() <= std::mem::size_of::<libc::siginfo_t>());
const _: () =
    assert!(std::mem::align_of::<SiginfoHead>() <= std::mem::align_of::<libc::siginfo_t>());

/// Queue `signo` to the calling thread with the given `si_code` (negative:
/// a process may claim such a code only for itself) and `si_value`. If the
/// signal is not blocked, its handler has run when this returns. The raw
/// `rt_tgsigqueueinfo`.
pub fn queue_to_this_thread(signo: c_int, code: c_int, value: u64) -> io::Result<()> {
    // SAFETY: an all-zero siginfo_t is a valid value.
    let mut si: libc::siginfo_t = unsafe { std::mem::zeroed() };
    let head = (&mut si as *mut libc::siginfo_t).cast::<SiginfoHead>();
    // SAFETY: `SiginfoHead` fits in a siginfo_t and needs no more alignment (checked above), and mirrors the kernel's layout of its first fields; `si` is a live local.
    unsafe {
        (*head).signo = signo;
        (*head).code = code;
        (*head).fields.value = value as usize as *mut c_void;
    }
    // SAFETY: `si` is initialised and live across the call; the kernel copies it.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_rt_tgsigqueueinfo,
            libc::getpid(),
            gettid(),
            signo,
            &si as *const libc::siginfo_t,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}
