//! Children: one exit record per watched child (`sigx_child_watch`).

use super::boundary_status;
use crate::error::Error;
use crate::{child, flags};
use std::os::raw::c_int;

/// Report the exit of child `pid` exactly once, as a SIGCHLD record, however
/// the kernel merges SIGCHLD (several children exiting together may send
/// one signal for all of them).
///
/// The record comes through `sigx_wait`, `sigx_fd`/`sigx_fd_mask` (readable
/// while it is unreported) and `sigx_dispatch` like any other: `signo`
/// SIGCHLD, `code` CLD_EXITED, CLD_KILLED or CLD_DUMPED, `pid`, `uid` (the
/// child's), `status` (the exit code or the signal). A child that has
/// already exited (a zombie) is reported too. The kernel's own SIGCHLD
/// record for a watched child's exit is never returned in addition (sigx
/// drops it, and counts it out of `delivered`, so that the accounting
/// identity holds); stop and continue records pass through. Children that
/// are not watched are reported as before, and never reaped by sigx.
///
/// Flags: SIGX_CHILD_REAP: sigx reaps the child when its exit record is
/// taken (no zombie is left). Without it the child stays waitable:
/// `waitpid(pid, ...)` works as usual after the record (what runtimes that
/// wait for their own children, such as Python's subprocess, need). Watching
/// a watched child again only updates its flags.
///
/// Each watch holds a pidfd (close-on-exec) until the exit is reported. A
/// child reaped by other code before sigx saw its exit (`waitpid(-1)`
/// elsewhere) is reported only by the kernel's record, if one was sent for
/// it. A forked child watches nothing.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT if `pid` <= 0 or `flags` has unknown
/// bits; SIGX_ERR_NOT_INSTALLED if sigx does not catch SIGCHLD
/// (`sigx_install` or `sigx_on` it first: its records are what wake
/// waiters); SIGX_ERR_NOT_FOUND if `pid` is not a child of this process or
/// has been reaped already; SIGX_ERR_UNSUPPORTED on kernels without pidfds
/// (before Linux 5.4); SIGX_ERR_SYSTEM (errno set, e.g. EMFILE).
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_child_watch(pid: c_int, flags: u32) -> c_int {
    boundary_status(|| {
        if pid <= 0 || flags & !flags::SIGX_CHILD_REAP != 0 {
            return Err(Error::Argument);
        }
        child::watch(pid, flags & flags::SIGX_CHILD_REAP != 0)
    })
}

/// Stop watching child `pid`: sigx no longer reports its exit itself, and
/// its kernel SIGCHLD records pass through as for any other child.
///
/// If sigx has already queued the child's exit record, that record is still
/// returned (it may stand for a kernel record that was merged), but sigx
/// does not reap the child. The child's pidfd is closed.
///
/// Returns SIGX_OK; SIGX_ERR_ARGUMENT if `pid` <= 0; SIGX_ERR_NOT_FOUND if
/// the child is not watched (never was, was unwatched, or its exit record
/// has been taken).
///
/// Thread-safe. Not async-signal-safe.
#[unsafe(no_mangle)]
pub extern "C" fn sigx_child_unwatch(pid: c_int) -> c_int {
    boundary_status(|| {
        if pid <= 0 {
            return Err(Error::Argument);
        }
        child::unwatch(pid)
    })
}
