//! Hosts: who owns a signal. What the kernel says a signal's disposition is
//! (`sigx_disposition_get`), and whether other code has replaced sigx's
//! handler (displacement).
//!
//! **The kernel is the only truth.** Whether sigx's handler is still a
//! signal's disposition cannot be known from sigx's own state: a runtime, a
//! plugin or a `signal()` call may replace it at any moment without telling
//! anyone. So sigx asks the kernel (`sigaction` with a NULL new action, one
//! system call, ~0.2 µs) where the answer matters, extending what the
//! registry already did for `SIGX_ONESHOT` signals (its `VERIFY` mask):
//!
//! - every registry operation that changes or depends on a disposition
//!   (install, uninstall, ignore, default, `sigx_on`, `sigx_filter`,
//!   `sigx_set_capacity`) asks about its signal under the registry lock, and
//!   `sigx_displaced()` asks about every installed signal: exact answers;
//! - a wait asks ([`live`], through `registry::caught`) only when it has
//!   found nothing and is about to sleep or give up, never per record. To
//!   keep the ping-pong path free of system calls, an answer "still sigx's"
//!   is trusted for [`FRESH_NS`] (10 ms) by every waiter; signals the kernel
//!   resets by itself (`VERIFY`) are asked every time, as before. And since
//!   a displacement during a sleep wakes nobody, waits sleep at most
//!   [`RECHECK`] (1 s) at a time and ask again. So a wait on displaced
//!   signals only returns `SIGX_ERR_NOT_INSTALLED` at once if the
//!   displacement is older than 10 ms (or sigx was told through
//!   `sigx_displaced()`), and within about a second otherwise.
//!
//! A stale "still sigx's" only delays that answer; nothing lock-free ever
//! caches "displaced", so a concurrent re-install can never be mistaken
//! for a displacement.
//!
//! **Module names.** `dladdr`'s string belongs to the loader and is freed
//! when the object is unloaded, so [`describe`] copies it into memory sigx
//! owns and never frees (one copy per distinct path, at most
//! [`MAX_MODULES`]): the pointer in `sigx_disposition.module` stays valid
//! as long as the process lives, even after the module is gone.
#![allow(non_camel_case_types)]

use crate::handler;
use crate::os;
use crate::pending::signals_in;
use std::ffi::CStr;
use std::os::raw::c_char;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// What `signo`'s disposition is: the `kind` of a `sigx_disposition`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sigx_disposition_kind {
    /// `SIG_DFL`: the default action (see `sigx_default_action`).
    SIGX_DISP_DEFAULT = 0,
    /// `SIG_IGN`: discarded.
    SIGX_DISP_IGNORE = 1,
    /// sigx's handler.
    SIGX_DISP_SIGX = 2,
    /// A handler that is not sigx's.
    SIGX_DISP_FOREIGN = 3,
}

/// A signal's disposition as the kernel has it now, whoever set it
/// (`sigx_disposition_get`).
///
/// Exactly 64 bytes with a fixed layout, like `sigx_info`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct sigx_disposition {
    /// One of `enum sigx_disposition_kind`: SIGX_DISP_DEFAULT,
    /// SIGX_DISP_IGNORE, SIGX_DISP_SIGX, SIGX_DISP_FOREIGN.
    pub kind: i32,
    /// kind SIGX: the flags sigx installed it with (SIGX_INTERRUPT,
    /// SIGX_ONESHOT, SIGX_CHAIN, SIGX_FORK_RESET), 0 if sigx's handler is
    /// there but sigx no longer counts the signal as installed; otherwise 0.
    pub sigx_flags: u32,
    /// The kernel's `sa_flags` (SA_SIGINFO, SA_RESTART, SA_ONSTACK, ...;
    /// the C library may add SA_RESTORER).
    pub sa_flags: u64,
    /// The signals blocked while the handler runs, as a sigx mask.
    pub sa_mask: u64,
    /// kind FOREIGN: the handler's address; otherwise 0.
    pub handler: u64,
    /// kind FOREIGN: the path of the executable or shared object that
    /// holds the handler, as `dladdr` says (NULL if unknown); kind SIGX: the
    /// path of libsigx; otherwise NULL. sigx owns the string and never frees
    /// it: it stays valid as long as the process lives, even after that
    /// object is unloaded. Do not free it.
    pub module: *const c_char,
    /// Always zero.
    pub reserved: [u64; 3],
}

static_assertions::assert_eq_size!(sigx_disposition, [u8; 64]);
static_assertions::const_assert_eq!(core::mem::align_of::<sigx_disposition>(), 8);
static_assertions::const_assert_eq!(core::mem::offset_of!(sigx_disposition, kind), 0);
static_assertions::const_assert_eq!(core::mem::offset_of!(sigx_disposition, sigx_flags), 4);
static_assertions::const_assert_eq!(core::mem::offset_of!(sigx_disposition, sa_flags), 8);
static_assertions::const_assert_eq!(core::mem::offset_of!(sigx_disposition, sa_mask), 16);
static_assertions::const_assert_eq!(core::mem::offset_of!(sigx_disposition, handler), 24);
static_assertions::const_assert_eq!(core::mem::offset_of!(sigx_disposition, module), 32);
static_assertions::const_assert_eq!(core::mem::offset_of!(sigx_disposition, reserved), 40);

/// How long an answer "the kernel still has sigx's handler" is trusted by
/// waits (ns).
const FRESH_NS: u64 = 10_000_000;

/// The longest a wait sleeps before asking the kernel again.
pub(crate) const RECHECK: Duration = Duration::from_secs(1);

/// At most this many distinct module paths are kept (beyond, `module` is
/// NULL): a bound on memory that is never freed.
const MAX_MODULES: usize = 1024;

/// Per signal: until when (monotonic ns) a look found sigx's handler there.
static LIVE_UNTIL: [AtomicU64; 65] = [const { AtomicU64::new(0) }; 65];

/// What the kernel holds for a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// `SIG_DFL`.
    Default,
    /// `SIG_IGN`.
    Ignore,
    /// sigx's handler.
    Sigx,
    /// Someone else's handler, at this address.
    Foreign(usize),
}

/// Classify a disposition.
pub fn held_by(action: &libc::sigaction) -> Held {
    match action.sa_sigaction {
        libc::SIG_DFL => Held::Default,
        libc::SIG_IGN => Held::Ignore,
        f if f == handler::handle as *const () as usize => Held::Sigx,
        f => Held::Foreign(f),
    }
}

/// What the kernel holds for `signo` now (`None` if it will not say).
pub fn held(signo: i32) -> Option<Held> {
    os::get_action(signo).ok().map(|a| held_by(&a))
}

/// Whether other code replaced what sigx last set for a signal (asks the
/// kernel). `installed`: sigx set its handler; `saved`: sigx changed the
/// signal at all; `reset_ok`: the kernel may have put back `SIG_DFL` by
/// itself (`SIGX_ONESHOT`, `sigx_reraise`). When sigx set `SIG_IGN` or
/// `SIG_DFL`, only a handler there counts (which of the two sigx set is
/// not kept).
pub fn taken_over(signo: i32, installed: bool, saved: bool, reset_ok: bool) -> bool {
    match held(signo) {
        None | Some(Held::Sigx) => false,
        Some(Held::Default) => installed && !reset_ok,
        Some(Held::Ignore) => installed,
        Some(Held::Foreign(_)) => installed || saved,
    }
}

/// The signals of `caught` (installed by sigx) whose handler is still
/// sigx's, for waits: lock-free, trusting a recent "yes" for signals
/// outside `verify` (see the module docs).
pub fn live(caught: u64, verify: u64) -> u64 {
    if caught == 0 {
        return 0;
    }
    let now = os::monotonic_ns();
    let mut out = caught;
    for signo in signals_in(caught) {
        let bit = 1u64 << (signo - 1);
        let trusted = verify & bit == 0;
        // Relaxed: a hint; a stale value only delays the answer.
        if trusted && LIVE_UNTIL[signo].load(Ordering::Relaxed) > now {
            continue;
        }
        if held(signo as i32) == Some(Held::Sigx) {
            if trusted {
                LIVE_UNTIL[signo].store(now.saturating_add(FRESH_NS), Ordering::Relaxed);
            }
        } else {
            LIVE_UNTIL[signo].store(0, Ordering::Relaxed);
            out &= !bit;
        }
    }
    out
}

/// The signals of `caught` that other code has taken over (asks the kernel
/// about each; `verify`: those the kernel may reset to `SIG_DFL` itself).
pub fn displaced(caught: u64, verify: u64) -> u64 {
    let mut out = 0;
    for signo in signals_in(caught) {
        let bit = 1u64 << (signo - 1);
        if taken_over(signo as i32, true, true, verify & bit != 0) {
            // Relaxed: a hint (see `live`).
            LIVE_UNTIL[signo].store(0, Ordering::Relaxed);
            out |= bit;
        }
    }
    out
}

/// Build the record for a disposition; `installed`: the flags sigx
/// installed the signal with, if it counts it as installed.
pub fn describe(action: &libc::sigaction, installed: Option<u32>) -> sigx_disposition {
    let (kind, sigx_flags, handler, module) = match held_by(action) {
        Held::Default => (sigx_disposition_kind::SIGX_DISP_DEFAULT, 0, 0, None),
        Held::Ignore => (sigx_disposition_kind::SIGX_DISP_IGNORE, 0, 0, None),
        Held::Sigx => (
            sigx_disposition_kind::SIGX_DISP_SIGX,
            installed.unwrap_or(0),
            0,
            module_of(handler::handle as *const () as usize),
        ),
        Held::Foreign(f) => (
            sigx_disposition_kind::SIGX_DISP_FOREIGN,
            0,
            f as u64,
            module_of(f),
        ),
    };
    sigx_disposition {
        kind: kind as i32,
        sigx_flags,
        sa_flags: action.sa_flags as u32 as u64,
        sa_mask: os::mask_from_sigset(&action.sa_mask),
        handler,
        module: module.map_or(std::ptr::null(), CStr::as_ptr),
        reserved: [0; 3],
    }
}

/// sigx's copies of module paths, never freed.
static MODULES: os::Mutex<Vec<&'static CStr>> = os::Mutex::new(Vec::new());

/// The path of the object holding `addr`, as a string sigx owns for good.
fn module_of(addr: usize) -> Option<&'static CStr> {
    let path = os::module_path(addr)?;
    let mut table = MODULES.lock();
    if let Some(known) = table.iter().find(|m| **m == path.as_c_str()) {
        return Some(known);
    }
    if table.len() >= MAX_MODULES || table.try_reserve(1).is_err() {
        return None;
    }
    let kept: &'static CStr = Box::leak(path.into_boxed_c_str());
    table.push(kept);
    Some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_default_and_ignore() {
        let d = describe(&os::plain_action(libc::SIG_DFL), None);
        assert_eq!(d.kind, sigx_disposition_kind::SIGX_DISP_DEFAULT as i32);
        assert!(d.module.is_null());
        let i = describe(&os::plain_action(libc::SIG_IGN), Some(1));
        assert_eq!(i.kind, sigx_disposition_kind::SIGX_DISP_IGNORE as i32);
        assert_eq!(i.sigx_flags, 0);
    }

    #[test]
    fn module_paths_are_interned() {
        let f = describes_default_and_ignore as *const () as usize;
        let a = module_of(f).expect("the test binary has a path");
        let b = module_of(f).expect("the test binary has a path");
        assert_eq!(a.as_ptr(), b.as_ptr());
    }
}
