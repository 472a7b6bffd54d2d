//! The flag and limit values of the C API, defined once: the header's
//! macros are generated from these, and the core's typed arguments
//! ([`crate::error::Flags`]) are built on them.

/// `sigx_install` flag: do not set `SA_RESTART`, so a blocking system call
/// that the signal interrupts fails with `EINTR` (what a timeout or a
/// shutdown needs to break out of `read`, `accept`, `sleep`).
pub const SIGX_INTERRUPT: u32 = 1;
/// `sigx_install` flag: after the first delivery the kernel resets the
/// disposition to `SIG_DFL` (`SA_RESETHAND`); that delivery is still recorded.
pub const SIGX_ONESHOT: u32 = 2;
/// `sigx_install` flag: after recording, also call the handler that was in
/// place before sigx first changed this signal (another library's, a language
/// runtime's). `SIG_DFL` and `SIG_IGN` predecessors are not called.
pub const SIGX_CHAIN: u32 = 4;
/// `sigx_install` flag: in a child made by `fork`, put back the disposition
/// sigx replaced for this signal (what `sigx_uninstall` would restore), so
/// that, for instance, pool workers forked after
/// `sigx_install(SIGTERM, SIGX_FORK_RESET)` die of SIGTERM as usual. Without
/// it a forked child keeps sigx's handler.
pub const SIGX_FORK_RESET: u32 = 8;

/// `sigx_child_watch` flag: sigx reaps the child when its exit record is
/// taken (no zombie is left; the record is the only report). Without it the
/// child stays waitable (`waitpid`) after the record.
pub const SIGX_CHILD_REAP: u32 = 1;

/// Records a signal's queue keeps unless `sigx_set_capacity` says otherwise.
/// Memory is used only as records wait (80 bytes each), so the default can
/// be generous.
pub const SIGX_CAPACITY_DEFAULT: u32 = 65536;
/// The largest capacity `sigx_set_capacity` accepts.
pub const SIGX_CAPACITY_MAX: u32 = 1048576;

/// `sigx_filter` sender: the kernel (faults, timers, SIGCHLD, the terminal,
/// `SI_KERNEL`, every `si_code > 0`, and `SI_TIMER`, `SI_MESGQ`,
/// `SI_ASYNCIO`, `SI_SIGIO`).
pub const SIGX_FROM_KERNEL: u32 = 1;
/// `sigx_filter` sender: this process (`raise`, `kill(getpid(), …)`, and
/// what the kernel sends on the process's own behalf with `SI_USER`, such
/// as SIGPIPE).
pub const SIGX_FROM_SELF: u32 = 2;
/// `sigx_filter` sender: the parent process at the time of delivery.
pub const SIGX_FROM_PARENT: u32 = 4;
/// `sigx_filter` sender: a process whose real uid is 0.
pub const SIGX_FROM_ROOT: u32 = 8;
/// `sigx_filter` sender: a process with this process's real uid.
pub const SIGX_FROM_SAME_USER: u32 = 16;
/// `sigx_filter`: every sender (the default; the same as no filter).
pub const SIGX_FROM_ANY: u32 = 31;

/// `sigx_timer_create` flag: deliver to the creating thread only
/// (`SIGEV_THREAD_ID`), so that a `SIGX_INTERRUPT` signal interrupts *that*
/// thread's blocking call and no other thread runs the handler. sigx deletes
/// such a timer when its thread exits.
pub const SIGX_TIMER_THREAD: u32 = 1;
/// `sigx_timer_set` flag: `first_ns` is an absolute time on the timer's
/// clock (`TIMER_ABSTIME`); on SIGX_CLOCK_REALTIME a calendar deadline that
/// follows changes of the clock.
pub const SIGX_TIMER_ABSTIME: u32 = 1;
