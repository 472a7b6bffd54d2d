//! The core's error type and the typed arguments the C layer builds.
//!
//! Every raw value a C caller passes in becomes one of these types through a
//! single checked constructor, so the core never sees an unchecked signal
//! number, timeout or flag word. The constructors apply the header's checks in
//! its order: argument values first, then the signal number.

use crate::{flags, signals};
use std::time::{Duration, Instant};

/// What went wrong; maps one-to-one onto the C status codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// Not a valid signal number on this system.
    Signal,
    /// SIGKILL or SIGSTOP.
    Uncatchable,
    /// A fault signal or one the C library reserves.
    Forbidden,
    /// A bad pointer, flag, timeout, mask or name.
    Argument,
    /// The wait ended with nothing to deliver.
    Timeout,
    /// No signal in the request is installed.
    NotInstalled,
    /// A system call failed with this errno.
    System(i32),
    /// Allocation failed.
    NoMemory,
    /// Not available on this platform or kernel.
    Unsupported,
    /// The signal is in use in a way that forbids the change.
    Busy,
    /// No such timer, or no such (watched or waitable) child.
    NotFound,
    /// Another handler has replaced sigx's for this signal; sigx left it
    /// in place.
    Displaced,
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::System(e.raw_os_error().unwrap_or(libc::EIO))
    }
}

/// A checked signal number (always `signals::is_valid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signal(i32);

impl Signal {
    /// Any valid signal (for look-ups, figures and sending).
    pub fn valid(signo: i32) -> Result<Self, Error> {
        if signals::is_valid(signo) {
            Ok(Self(signo))
        } else {
            Err(Error::Signal)
        }
    }

    /// A signal whose disposition may be set to ignore or default, or put
    /// back: anything valid but SIGKILL and SIGSTOP. The C library's reserved
    /// numbers are `Forbidden` (they exist, but belong to it).
    pub fn disposable(signo: i32) -> Result<Self, Error> {
        if signals::is_reserved(signo) {
            return Err(Error::Forbidden);
        }
        let sig = Self::valid(signo)?;
        if signals::is_uncatchable(signo) {
            return Err(Error::Uncatchable);
        }
        Ok(sig)
    }

    /// A signal sigx may route into its queue: disposable and not a
    /// synchronous fault.
    pub fn catchable(signo: i32) -> Result<Self, Error> {
        let sig = Self::disposable(signo)?;
        if signals::is_fault(signo) {
            return Err(Error::Forbidden);
        }
        Ok(sig)
    }

    /// The number.
    pub fn get(self) -> i32 {
        self.0
    }

    /// Its bit in a mask.
    pub fn bit(self) -> u64 {
        signals::bit(self.0)
    }
}

/// How long a wait may last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeout {
    /// Do not wait at all.
    Poll,
    /// Wait at most this long.
    After(Duration),
    /// Wait until something arrives.
    Forever,
}

impl Timeout {
    /// `-1` forever, `0` poll, `> 0` milliseconds; anything else is an
    /// argument error.
    pub fn from_ms(ms: i64) -> Result<Self, Error> {
        match ms {
            -1 => Ok(Timeout::Forever),
            0 => Ok(Timeout::Poll),
            ms if ms > 0 => Ok(Timeout::After(Duration::from_millis(ms as u64))),
            _ => Err(Error::Argument),
        }
    }
}

/// The moment a wait must end, fixed when the wait starts so that a wait
/// made of several sleeps never lasts longer than asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// Look once, do not sleep.
    Now,
    /// Sleep until this instant at the latest.
    At(Instant),
    /// No limit (also for timeouts too far away to represent).
    Never,
}

impl Timeout {
    /// The deadline this timeout gives, counted from now.
    pub fn deadline(self) -> Deadline {
        match self {
            Timeout::Poll => Deadline::Now,
            Timeout::Forever => Deadline::Never,
            Timeout::After(d) => Instant::now()
                .checked_add(d)
                .map_or(Deadline::Never, Deadline::At),
        }
    }
}

/// `sigx_install` flags, checked against the known bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags(u32);

impl Flags {
    /// Do not set `SA_RESTART`.
    pub const INTERRUPT: u32 = flags::SIGX_INTERRUPT;
    /// `SA_RESETHAND`: back to `SIG_DFL` after the first delivery.
    pub const ONESHOT: u32 = flags::SIGX_ONESHOT;
    /// Also call the previous handler.
    pub const CHAIN: u32 = flags::SIGX_CHAIN;
    /// Put the previous disposition back in a forked child.
    pub const FORK_RESET: u32 = flags::SIGX_FORK_RESET;
    const ALL: u32 = Self::INTERRUPT | Self::ONESHOT | Self::CHAIN | Self::FORK_RESET;

    /// Unknown bits are an argument error.
    pub fn new(bits: u32) -> Result<Self, Error> {
        if bits & !Self::ALL != 0 {
            Err(Error::Argument)
        } else {
            Ok(Self(bits))
        }
    }

    /// The raw bits.
    pub fn bits(self) -> u32 {
        self.0
    }

    /// Whether `flag` is set.
    pub fn has(self, flag: u32) -> bool {
        self.0 & flag != 0
    }
}

/// A mask of signals for blocking: bits of reserved signals, SIGKILL and
/// SIGSTOP are accepted (the kernel ignores them), bits above the highest
/// signal are not.
pub fn block_mask(mask: u64) -> Result<u64, Error> {
    let max = signals::rtmax();
    if max < 64 && mask >> max != 0 {
        return Err(Error::Signal);
    }
    Ok(mask)
}
