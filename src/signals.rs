//! Signal numbers: validity, names, descriptions and default actions.
//!
//! Pure look-ups behind `sigx_name`, `sigx_number`, `sigx_describe`,
//! `sigx_default_action`, `sigx_rtmin`/`sigx_rtmax` and `sigx_valid_signals`,
//! plus the classification the installer uses (reserved, uncatchable, fault).
//! Nothing here allocates, locks or panics, whatever the input, so every
//! function may also be used from a signal handler; every string is a
//! `'static` C string that the C ABI layer can hand out as a pointer.
//!
//! Numbers always come from `libc` constants, never literals, so architectures
//! with a different numbering (MIPS, SPARC) stay right. The real-time range is
//! read from the C library at run time: it keeps the lowest real-time numbers
//! for itself (glibc: 32 and 33, so `SIGRTMIN` is 34; musl: 32 ..= 34).

use core::ffi::CStr;

/// The highest signal number a `u64` mask can hold (bit `signo - 1`).
///
/// Signals above it (MIPS has real-time signals up to 127) are treated as
/// invalid everywhere in sigx, because no mask could name them.
pub const MAX_SIGNAL: i32 = 64;

/// Longest input [`number`] looks at. The longest real spelling is
/// `"SIGRTMIN+NN"`-sized; anything longer than this names no signal, and
/// rejecting it up front keeps the case-folding buffer on the stack.
const MAX_NAME_LEN: usize = 32;

/// What the kernel does with a signal whose disposition is `SIG_DFL`, as in
/// signal(7). The values are the C ABI's `SIGX_ACTION_*` constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
pub enum Action {
    /// The process ends, killed by the signal ("Term").
    Terminate = 0,
    /// The process ends and may dump core ("Core").
    Core = 1,
    /// Nothing happens ("Ign").
    Ignore = 2,
    /// The process stops until `SIGCONT` ("Stop").
    Stop = 3,
    /// A stopped process resumes ("Cont").
    Continue = 4,
}

/// One standard (non-real-time) signal: its number on this platform, its
/// name, the glibc `strsignal` text and its default action.
struct Standard {
    /// The number, from `libc`.
    signo: i32,
    /// `"SIGxxx"`, as `kill -l` prints it with the prefix.
    name: &'static CStr,
    /// The text of glibc's `strsignal` (in the C locale).
    text: &'static CStr,
    /// The default action per signal(7).
    action: Action,
}

/// Builds a [`Standard`] entry; keeps the table below one line per signal.
const fn std_sig(signo: i32, name: &'static CStr, text: &'static CStr, action: Action) -> Standard {
    Standard {
        signo,
        name,
        text,
        action,
    }
}

/// Every standard signal of this platform, in Linux x86 numbering order.
///
/// `SIGSTKFLT` does not exist on MIPS and SPARC, which have `SIGEMT` instead.
/// The aliases (`SIGIOT`, `SIGPOLL`, `SIGCLD`) are not here: they share a
/// number with an entry and are only accepted by [`number`].
const STANDARD: &[Standard] = &[
    std_sig(libc::SIGHUP, c"SIGHUP", c"Hangup", Action::Terminate),
    std_sig(libc::SIGINT, c"SIGINT", c"Interrupt", Action::Terminate),
    std_sig(libc::SIGQUIT, c"SIGQUIT", c"Quit", Action::Core),
    std_sig(
        libc::SIGILL,
        c"SIGILL",
        c"Illegal instruction",
        Action::Core,
    ),
    std_sig(
        libc::SIGTRAP,
        c"SIGTRAP",
        c"Trace/breakpoint trap",
        Action::Core,
    ),
    std_sig(libc::SIGABRT, c"SIGABRT", c"Aborted", Action::Core),
    std_sig(libc::SIGBUS, c"SIGBUS", c"Bus error", Action::Core),
    std_sig(
        libc::SIGFPE,
        c"SIGFPE",
        c"Floating point exception",
        Action::Core,
    ),
    std_sig(libc::SIGKILL, c"SIGKILL", c"Killed", Action::Terminate),
    std_sig(
        libc::SIGUSR1,
        c"SIGUSR1",
        c"User defined signal 1",
        Action::Terminate,
    ),
    std_sig(
        libc::SIGSEGV,
        c"SIGSEGV",
        c"Segmentation fault",
        Action::Core,
    ),
    std_sig(
        libc::SIGUSR2,
        c"SIGUSR2",
        c"User defined signal 2",
        Action::Terminate,
    ),
    std_sig(libc::SIGPIPE, c"SIGPIPE", c"Broken pipe", Action::Terminate),
    std_sig(libc::SIGALRM, c"SIGALRM", c"Alarm clock", Action::Terminate),
    std_sig(libc::SIGTERM, c"SIGTERM", c"Terminated", Action::Terminate),
    #[cfg(not(any(
        target_arch = "mips",
        target_arch = "mips64",
        target_arch = "mips32r6",
        target_arch = "mips64r6",
        target_arch = "sparc",
        target_arch = "sparc64"
    )))]
    std_sig(
        libc::SIGSTKFLT,
        c"SIGSTKFLT",
        c"Stack fault",
        Action::Terminate,
    ),
    #[cfg(any(
        target_arch = "mips",
        target_arch = "mips64",
        target_arch = "mips32r6",
        target_arch = "mips64r6",
        target_arch = "sparc",
        target_arch = "sparc64"
    ))]
    std_sig(libc::SIGEMT, c"SIGEMT", c"EMT trap", Action::Core),
    std_sig(libc::SIGCHLD, c"SIGCHLD", c"Child exited", Action::Ignore),
    std_sig(libc::SIGCONT, c"SIGCONT", c"Continued", Action::Continue),
    std_sig(libc::SIGSTOP, c"SIGSTOP", c"Stopped (signal)", Action::Stop),
    std_sig(libc::SIGTSTP, c"SIGTSTP", c"Stopped", Action::Stop),
    std_sig(
        libc::SIGTTIN,
        c"SIGTTIN",
        c"Stopped (tty input)",
        Action::Stop,
    ),
    std_sig(
        libc::SIGTTOU,
        c"SIGTTOU",
        c"Stopped (tty output)",
        Action::Stop,
    ),
    std_sig(
        libc::SIGURG,
        c"SIGURG",
        c"Urgent I/O condition",
        Action::Ignore,
    ),
    std_sig(
        libc::SIGXCPU,
        c"SIGXCPU",
        c"CPU time limit exceeded",
        Action::Core,
    ),
    std_sig(
        libc::SIGXFSZ,
        c"SIGXFSZ",
        c"File size limit exceeded",
        Action::Core,
    ),
    std_sig(
        libc::SIGVTALRM,
        c"SIGVTALRM",
        c"Virtual timer expired",
        Action::Terminate,
    ),
    std_sig(
        libc::SIGPROF,
        c"SIGPROF",
        c"Profiling timer expired",
        Action::Terminate,
    ),
    std_sig(
        libc::SIGWINCH,
        c"SIGWINCH",
        c"Window changed",
        Action::Ignore,
    ),
    std_sig(libc::SIGIO, c"SIGIO", c"I/O possible", Action::Terminate),
    std_sig(libc::SIGPWR, c"SIGPWR", c"Power failure", Action::Terminate),
    std_sig(libc::SIGSYS, c"SIGSYS", c"Bad system call", Action::Core),
];

/// The highest standard signal number: `SIGSYS` (31) on most Linux
/// architectures, `SIGXFSZ`/`SIGUSR2` (31) on MIPS/SPARC, where `SIGSYS` is
/// 12. Taken from the table rather than from `libc::SIGSYS` so that it is
/// right on those too. Numbers above it and below `SIGRTMIN` are the C
/// library's reserved ones.
const LAST_STANDARD: i32 = {
    let mut last = 0;
    let mut i = 0;
    while i < STANDARD.len() {
        if STANDARD[i].signo > last {
            last = STANDARD[i].signo;
        }
        i += 1;
    }
    last
};

/// Bits of every standard signal in [`STANDARD`], computed at compile time.
const STANDARD_MASK: u64 = {
    let mut mask = 0;
    let mut i = 0;
    while i < STANDARD.len() {
        mask |= bit(STANDARD[i].signo);
        i += 1;
    }
    mask
};

// The standard signals must fit in a mask, each with a bit of its own.
const _: () = assert!(LAST_STANDARD >= 1 && LAST_STANDARD < MAX_SIGNAL);
const _: () = assert!(STANDARD_MASK.count_ones() as usize == STANDARD.len());

/// Real-time names counted from `SIGRTMIN`: index `i` is `"SIGRTMIN+i"`.
/// 33 entries cover any real-time range that starts at 32 or above and fits
/// in a mask.
static RTMIN_NAMES: [&CStr; 33] = [
    c"SIGRTMIN",
    c"SIGRTMIN+1",
    c"SIGRTMIN+2",
    c"SIGRTMIN+3",
    c"SIGRTMIN+4",
    c"SIGRTMIN+5",
    c"SIGRTMIN+6",
    c"SIGRTMIN+7",
    c"SIGRTMIN+8",
    c"SIGRTMIN+9",
    c"SIGRTMIN+10",
    c"SIGRTMIN+11",
    c"SIGRTMIN+12",
    c"SIGRTMIN+13",
    c"SIGRTMIN+14",
    c"SIGRTMIN+15",
    c"SIGRTMIN+16",
    c"SIGRTMIN+17",
    c"SIGRTMIN+18",
    c"SIGRTMIN+19",
    c"SIGRTMIN+20",
    c"SIGRTMIN+21",
    c"SIGRTMIN+22",
    c"SIGRTMIN+23",
    c"SIGRTMIN+24",
    c"SIGRTMIN+25",
    c"SIGRTMIN+26",
    c"SIGRTMIN+27",
    c"SIGRTMIN+28",
    c"SIGRTMIN+29",
    c"SIGRTMIN+30",
    c"SIGRTMIN+31",
    c"SIGRTMIN+32",
];

/// Real-time names counted back from `SIGRTMAX`: index `j` is `"SIGRTMAX-j"`.
static RTMAX_NAMES: [&CStr; 33] = [
    c"SIGRTMAX",
    c"SIGRTMAX-1",
    c"SIGRTMAX-2",
    c"SIGRTMAX-3",
    c"SIGRTMAX-4",
    c"SIGRTMAX-5",
    c"SIGRTMAX-6",
    c"SIGRTMAX-7",
    c"SIGRTMAX-8",
    c"SIGRTMAX-9",
    c"SIGRTMAX-10",
    c"SIGRTMAX-11",
    c"SIGRTMAX-12",
    c"SIGRTMAX-13",
    c"SIGRTMAX-14",
    c"SIGRTMAX-15",
    c"SIGRTMAX-16",
    c"SIGRTMAX-17",
    c"SIGRTMAX-18",
    c"SIGRTMAX-19",
    c"SIGRTMAX-20",
    c"SIGRTMAX-21",
    c"SIGRTMAX-22",
    c"SIGRTMAX-23",
    c"SIGRTMAX-24",
    c"SIGRTMAX-25",
    c"SIGRTMAX-26",
    c"SIGRTMAX-27",
    c"SIGRTMAX-28",
    c"SIGRTMAX-29",
    c"SIGRTMAX-30",
    c"SIGRTMAX-31",
    c"SIGRTMAX-32",
];

/// glibc's `strsignal` texts for real-time signals: index `i` is
/// `"Real-time signal i"`, for `SIGRTMIN + i`.
static RT_TEXTS: [&CStr; 33] = [
    c"Real-time signal 0",
    c"Real-time signal 1",
    c"Real-time signal 2",
    c"Real-time signal 3",
    c"Real-time signal 4",
    c"Real-time signal 5",
    c"Real-time signal 6",
    c"Real-time signal 7",
    c"Real-time signal 8",
    c"Real-time signal 9",
    c"Real-time signal 10",
    c"Real-time signal 11",
    c"Real-time signal 12",
    c"Real-time signal 13",
    c"Real-time signal 14",
    c"Real-time signal 15",
    c"Real-time signal 16",
    c"Real-time signal 17",
    c"Real-time signal 18",
    c"Real-time signal 19",
    c"Real-time signal 20",
    c"Real-time signal 21",
    c"Real-time signal 22",
    c"Real-time signal 23",
    c"Real-time signal 24",
    c"Real-time signal 25",
    c"Real-time signal 26",
    c"Real-time signal 27",
    c"Real-time signal 28",
    c"Real-time signal 29",
    c"Real-time signal 30",
    c"Real-time signal 31",
    c"Real-time signal 32",
];

/// The lowest real-time signal, as the C library reports it at run time
/// (`SIGRTMIN`: 34 on glibc, 35 on musl). Never constant-fold it: the C
/// library decides how many real-time signals it keeps for itself.
pub fn rtmin() -> i32 {
    libc::SIGRTMIN()
}

/// The highest real-time signal, as the C library reports it at run time
/// (`SIGRTMAX`: 64 on x86, ARM and most others; 127 on MIPS, where only those
/// up to [`MAX_SIGNAL`] are valid for sigx).
pub fn rtmax() -> i32 {
    libc::SIGRTMAX()
}

/// Whether `signo` is a signal programs may use here: a standard signal of
/// this platform (glibc x86: `1 ..= 31`) or a real-time one
/// (`rtmin() ..= rtmax()`), and at most [`MAX_SIGNAL`]. The C library's
/// reserved numbers (see [`is_reserved`]), 0 and negatives are not valid.
pub fn is_valid(signo: i32) -> bool {
    if !(1..=MAX_SIGNAL).contains(&signo) {
        false
    } else if signo <= LAST_STANDARD {
        STANDARD_MASK & bit(signo) != 0
    } else {
        (rtmin()..=rtmax()).contains(&signo)
    }
}

/// Whether the C library keeps `signo` for itself: above the last standard
/// signal and below `SIGRTMIN` (glibc: 32 and 33, used by its threads
/// library for cancellation and `setxid`). Such numbers are never valid, and
/// changing their disposition is `SIGX_ERR_FORBIDDEN`.
pub fn is_reserved(signo: i32) -> bool {
    signo > LAST_STANDARD && signo < rtmin()
}

/// Whether `signo` is `SIGKILL` or `SIGSTOP`, which the kernel never lets
/// anyone catch, block or ignore.
pub fn is_uncatchable(signo: i32) -> bool {
    signo == libc::SIGKILL || signo == libc::SIGSTOP
}

/// Whether `signo` reports a hardware fault (`SIGSEGV`, `SIGBUS`, `SIGFPE`,
/// `SIGILL`): returning from its handler re-runs the faulting instruction, so
/// it must never be routed into the queue.
pub fn is_fault(signo: i32) -> bool {
    matches!(
        signo,
        libc::SIGSEGV | libc::SIGBUS | libc::SIGFPE | libc::SIGILL
    )
}

/// The mask bit for `signo`: `1 << (signo - 1)`.
///
/// Callers pass `1 ..= MAX_SIGNAL`; anything else gives 0 rather than
/// overflowing, so a bad number can never set a wrong bit or panic.
pub const fn bit(signo: i32) -> u64 {
    if signo >= 1 && signo <= MAX_SIGNAL {
        1 << (signo - 1)
    } else {
        0
    }
}

/// The mask of every valid signal (see [`is_valid`]); on glibc x86 that is
/// `1 ..= 31` and `34 ..= 64`, 62 bits. Backs `sigx_valid_signals`.
pub fn valid_mask() -> u64 {
    (1..=MAX_SIGNAL)
        .filter(|&signo| is_valid(signo))
        .fold(0, |mask, signo| mask | bit(signo))
}

/// The table entry of a standard signal, if `signo` is one.
fn standard(signo: i32) -> Option<&'static Standard> {
    STANDARD.iter().find(|s| s.signo == signo)
}

/// For a valid real-time `signo`: `(i, j)` with `i = signo - rtmin()` and
/// `j = rtmax() - signo`, both non-negative. `None` for any other number.
fn rt_offsets(signo: i32) -> Option<(usize, usize)> {
    if signo <= LAST_STANDARD || !is_valid(signo) {
        return None;
    }
    let (lo, hi) = (rtmin(), rtmax());
    let i = usize::try_from(signo.checked_sub(lo)?).ok()?;
    let j = usize::try_from(hi.checked_sub(signo)?).ok()?;
    Some((i, j))
}

/// The signal's name, `"SIGINT"` style, or `None` if `signo` is not valid.
///
/// Real-time signals are spelt as bash's `kill -l` does: the lower half of
/// the range counts up from `SIGRTMIN`, the upper half down from `SIGRTMAX`
/// (glibc: `"SIGRTMIN"`, `"SIGRTMIN+1"` … `"SIGRTMIN+15"` for 34 ..= 49, then
/// `"SIGRTMAX-14"` … `"SIGRTMAX-1"`, `"SIGRTMAX"` for 50 ..= 64).
pub fn name(signo: i32) -> Option<&'static CStr> {
    if let Some(s) = standard(signo) {
        return Some(s.name);
    }
    let (i, j) = rt_offsets(signo)?;
    if i <= (i + j) / 2 {
        RTMIN_NAMES.get(i).copied()
    } else {
        RTMAX_NAMES.get(j).copied()
    }
}

/// The signal a name or number stands for, or `None` if it names no valid
/// signal. `name` is the bytes without the terminating NUL; the C ABI layer
/// turns NULL and `""` into `SIGX_ERR_ARGUMENT` before calling, and this
/// returns `None` for `""` too.
///
/// Accepted, in any letter case:
/// - a standard name with or without the `SIG` prefix: `"SIGINT"`, `"int"`;
/// - the aliases `SIGIOT` (`SIGABRT`), `SIGPOLL` (`SIGIO`), `SIGCLD`
///   (`SIGCHLD`), also without `SIG`;
/// - real-time signals in either form, with or without `SIG`: `"RTMIN"`,
///   `"RTMIN+N"`, `"RTMAX"`, `"RTMAX-N"` for any `N` (decimal digits,
///   `"+0"`/`"-0"` allowed) that lands in `rtmin() ..= rtmax()`;
/// - a plain decimal number, ASCII digits only: no sign, no spaces, no `SIG`
///   prefix. Leading zeros are accepted (`"02"` is 2), as `strtol` would.
///
/// The result always satisfies [`is_valid`]: `"0"`, `"32"`, `"33"`, `"65"`,
/// `"RTMIN-1"`, `"RTMAX+1"` are `None`. Inputs longer than 32 bytes (no
/// signal has a name that long) are rejected without being read, so nothing
/// here allocates; overflowing numbers are rejected, never wrapped.
pub fn number(name: &[u8]) -> Option<i32> {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return None;
    }
    let mut buf = [0u8; MAX_NAME_LEN];
    let upper = buf.get_mut(..name.len())?;
    for (dst, src) in upper.iter_mut().zip(name) {
        *dst = src.to_ascii_uppercase();
    }
    let upper: &[u8] = upper;
    let signo = if upper.first().is_some_and(u8::is_ascii_digit) {
        parse_decimal(upper)?
    } else {
        by_name(upper.strip_prefix(b"SIG").unwrap_or(upper))?
    };
    is_valid(signo).then_some(signo)
}

/// Looks up an upper-case name without its `SIG` prefix (`"INT"`,
/// `"RTMIN+3"`). The caller checks the result with [`is_valid`].
fn by_name(rest: &[u8]) -> Option<i32> {
    match rest {
        b"IOT" => return Some(libc::SIGABRT),
        b"POLL" => return Some(libc::SIGIO),
        b"CLD" => return Some(libc::SIGCHLD),
        _ => {}
    }
    if let Some(s) = STANDARD
        .iter()
        .find(|s| s.name.to_bytes().strip_prefix(b"SIG") == Some(rest))
    {
        return Some(s.signo);
    }
    if let Some(offset) = rest.strip_prefix(b"RTMIN") {
        let n = match offset {
            [] => 0,
            [b'+', digits @ ..] => parse_decimal(digits)?,
            _ => return None,
        };
        return rtmin().checked_add(n).filter(|&s| s <= rtmax());
    }
    if let Some(offset) = rest.strip_prefix(b"RTMAX") {
        let n = match offset {
            [] => 0,
            [b'-', digits @ ..] => parse_decimal(digits)?,
            _ => return None,
        };
        return rtmax().checked_sub(n).filter(|&s| s >= rtmin());
    }
    None
}

/// Parses a non-empty run of ASCII decimal digits; `None` for anything else
/// (empty, a sign, a space) or on `i32` overflow.
fn parse_decimal(digits: &[u8]) -> Option<i32> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0i32, |acc, &d| {
        if !d.is_ascii_digit() {
            return None;
        }
        acc.checked_mul(10)?.checked_add(i32::from(d - b'0'))
    })
}

/// The human-readable description glibc's `strsignal` gives in the C locale
/// (`"Interrupt"`, `"Real-time signal 3"`), as a static string, so callers
/// avoid `strsignal`'s shared buffer and locale. `None` if `signo` is not
/// valid.
pub fn describe(signo: i32) -> Option<&'static CStr> {
    if let Some(s) = standard(signo) {
        return Some(s.text);
    }
    let (i, _) = rt_offsets(signo)?;
    RT_TEXTS.get(i).copied()
}

/// What the kernel does with `signo` under `SIG_DFL`, per signal(7); every
/// real-time signal terminates. `None` if `signo` is not valid.
pub fn default_action(signo: i32) -> Option<Action> {
    if let Some(s) = standard(signo) {
        return Some(s.action);
    }
    rt_offsets(signo).map(|_| Action::Terminate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Whether this is glibc on an architecture with the common Linux
    /// numbering, where the exact numbers of the contract can be checked.
    const GLIBC_COMMON: bool = cfg!(all(
        target_os = "linux",
        target_env = "gnu",
        not(any(
            target_arch = "mips",
            target_arch = "mips64",
            target_arch = "mips32r6",
            target_arch = "mips64r6",
            target_arch = "sparc",
            target_arch = "sparc64"
        ))
    ));

    fn all_valid() -> impl Iterator<Item = i32> {
        (1..=MAX_SIGNAL).filter(|&s| is_valid(s))
    }

    fn num(s: &str) -> Option<i32> {
        number(s.as_bytes())
    }

    #[test]
    fn max_signal_fills_a_mask() {
        assert_eq!(MAX_SIGNAL, u64::BITS as i32);
        assert_eq!(bit(1), 1);
        assert_eq!(bit(2), 2);
        assert_eq!(bit(MAX_SIGNAL), 1 << 63);
        for bad in [0, -1, 65, 1000, i32::MIN, i32::MAX] {
            assert_eq!(bit(bad), 0, "bit({bad})");
        }
    }

    #[test]
    fn standard_table_is_consistent() {
        for (k, s) in STANDARD.iter().enumerate() {
            assert!((1..=LAST_STANDARD).contains(&s.signo));
            assert!(s.name.to_bytes().starts_with(b"SIG"));
            assert!(s.name.to_bytes().len() > 3);
            assert!(!s.text.to_bytes().is_empty());
            for other in STANDARD.iter().skip(k + 1) {
                assert_ne!(s.signo, other.signo, "{:?} {:?}", s.name, other.name);
                assert_ne!(s.name, other.name);
            }
        }
        // Every standard number has a table entry: no hole in 1..=LAST_STANDARD.
        assert_eq!(STANDARD.len(), LAST_STANDARD as usize);
        assert!(rtmin() > LAST_STANDARD);
        assert!(rtmin() <= rtmax());
    }

    #[test]
    fn glibc_numbering() {
        if !GLIBC_COMMON {
            return;
        }
        assert_eq!(LAST_STANDARD, libc::SIGSYS);
        assert_eq!(LAST_STANDARD, 31);
        assert_eq!(rtmin(), 34);
        assert_eq!(rtmax(), 64);
        let expected: u64 = (1..=31).chain(34..=64).fold(0, |m, s| m | bit(s));
        assert_eq!(valid_mask(), expected);
        assert_eq!(valid_mask().count_ones(), 62);
        assert_eq!(valid_mask() & (bit(32) | bit(33)), 0);
    }

    #[test]
    fn valid_mask_matches_is_valid() {
        let mask = valid_mask();
        for s in 1..=MAX_SIGNAL {
            assert_eq!(mask & bit(s) != 0, is_valid(s), "signal {s}");
        }
        for s in 1..=LAST_STANDARD {
            assert!(is_valid(s), "standard signal {s}");
        }
        for s in rtmin()..=rtmax().min(MAX_SIGNAL) {
            assert!(is_valid(s), "real-time signal {s}");
        }
    }

    #[test]
    fn reserved_numbers_are_rejected_everywhere() {
        let reserved: Vec<i32> = (1..=MAX_SIGNAL).filter(|&s| is_reserved(s)).collect();
        if GLIBC_COMMON {
            assert_eq!(reserved, [32, 33]);
        }
        for s in reserved {
            assert!(!is_valid(s));
            assert_eq!(valid_mask() & bit(s), 0);
            assert_eq!(name(s), None);
            assert_eq!(describe(s), None);
            assert_eq!(default_action(s), None);
            assert_eq!(number(s.to_string().as_bytes()), None);
            assert!(!is_uncatchable(s) && !is_fault(s));
        }
        for s in all_valid() {
            assert!(!is_reserved(s));
        }
        for s in [0, -1, 65, 1000, i32::MIN, i32::MAX] {
            assert!(!is_reserved(s), "{s}");
        }
    }

    #[test]
    fn invalid_numbers() {
        for s in [0, -1, -2, 65, 66, 127, 128, 1000, i32::MIN, i32::MAX] {
            assert!(!is_valid(s), "{s}");
            assert_eq!(name(s), None);
            assert_eq!(describe(s), None);
            assert_eq!(default_action(s), None);
        }
    }

    #[test]
    fn standard_names() {
        let expected: &[(i32, &CStr)] = &[
            (libc::SIGHUP, c"SIGHUP"),
            (libc::SIGINT, c"SIGINT"),
            (libc::SIGQUIT, c"SIGQUIT"),
            (libc::SIGILL, c"SIGILL"),
            (libc::SIGTRAP, c"SIGTRAP"),
            (libc::SIGABRT, c"SIGABRT"),
            (libc::SIGBUS, c"SIGBUS"),
            (libc::SIGFPE, c"SIGFPE"),
            (libc::SIGKILL, c"SIGKILL"),
            (libc::SIGUSR1, c"SIGUSR1"),
            (libc::SIGSEGV, c"SIGSEGV"),
            (libc::SIGUSR2, c"SIGUSR2"),
            (libc::SIGPIPE, c"SIGPIPE"),
            (libc::SIGALRM, c"SIGALRM"),
            (libc::SIGTERM, c"SIGTERM"),
            (libc::SIGCHLD, c"SIGCHLD"),
            (libc::SIGCONT, c"SIGCONT"),
            (libc::SIGSTOP, c"SIGSTOP"),
            (libc::SIGTSTP, c"SIGTSTP"),
            (libc::SIGTTIN, c"SIGTTIN"),
            (libc::SIGTTOU, c"SIGTTOU"),
            (libc::SIGURG, c"SIGURG"),
            (libc::SIGXCPU, c"SIGXCPU"),
            (libc::SIGXFSZ, c"SIGXFSZ"),
            (libc::SIGVTALRM, c"SIGVTALRM"),
            (libc::SIGPROF, c"SIGPROF"),
            (libc::SIGWINCH, c"SIGWINCH"),
            (libc::SIGIO, c"SIGIO"),
            (libc::SIGPWR, c"SIGPWR"),
            (libc::SIGSYS, c"SIGSYS"),
        ];
        for &(s, n) in expected {
            assert_eq!(name(s), Some(n), "signal {s}");
        }
        if GLIBC_COMMON {
            assert_eq!(name(2), Some(c"SIGINT"));
            assert_eq!(name(16), Some(c"SIGSTKFLT"));
            assert_eq!(name(31), Some(c"SIGSYS"));
        }
    }

    #[test]
    fn real_time_names_follow_kill_l() {
        let (lo, hi) = (rtmin(), rtmax());
        assert_eq!(name(lo), Some(c"SIGRTMIN"));
        if hi <= MAX_SIGNAL {
            assert_eq!(name(hi), Some(c"SIGRTMAX"));
            assert_eq!(name(hi - 1), Some(c"SIGRTMAX-1"));
        }
        assert_eq!(name(lo + 1), Some(c"SIGRTMIN+1"));
        if GLIBC_COMMON {
            let expected: &[(i32, &CStr)] = &[
                (34, c"SIGRTMIN"),
                (35, c"SIGRTMIN+1"),
                (48, c"SIGRTMIN+14"),
                (49, c"SIGRTMIN+15"),
                (50, c"SIGRTMAX-14"),
                (51, c"SIGRTMAX-13"),
                (63, c"SIGRTMAX-1"),
                (64, c"SIGRTMAX"),
            ];
            for &(s, n) in expected {
                assert_eq!(name(s), Some(n), "signal {s}");
            }
        }
        for s in lo..=hi.min(MAX_SIGNAL) {
            let n = name(s).expect("every real-time signal has a name");
            let n = n.to_str().unwrap();
            let (i, j) = (s - lo, hi - s);
            if i <= (hi - lo) / 2 {
                let want = if i == 0 {
                    "SIGRTMIN".into()
                } else {
                    format!("SIGRTMIN+{i}")
                };
                assert_eq!(n, want);
            } else {
                let want = if j == 0 {
                    "SIGRTMAX".into()
                } else {
                    format!("SIGRTMAX-{j}")
                };
                assert_eq!(n, want);
            }
        }
    }

    #[test]
    fn every_valid_signal_round_trips() {
        let mut count = 0;
        for s in all_valid() {
            count += 1;
            let n = name(s).expect("valid signals have names").to_str().unwrap();
            let bare = n.strip_prefix("SIG").unwrap();
            assert_eq!(num(n), Some(s), "{n}");
            assert_eq!(num(&n.to_ascii_lowercase()), Some(s), "{n}");
            assert_eq!(num(bare), Some(s), "{bare}");
            assert_eq!(num(&bare.to_ascii_lowercase()), Some(s), "{bare}");
            assert_eq!(num(&format!("Sig{}", bare.to_ascii_lowercase())), Some(s));
            assert_eq!(num(&s.to_string()), Some(s));
            assert_eq!(num(&format!("0{s}")), Some(s));
            // Both real-time spellings work for every real-time signal.
            if s >= rtmin() {
                assert_eq!(num(&format!("SIGRTMIN+{}", s - rtmin())), Some(s));
                assert_eq!(num(&format!("rtmax-{}", rtmax() - s)), Some(s));
            }
        }
        assert_eq!(count, valid_mask().count_ones());
    }

    #[test]
    fn accepted_spellings() {
        let int = Some(libc::SIGINT);
        for s in ["SIGINT", "INT", "sigint", "int", "SigInt", "iNt"] {
            assert_eq!(num(s), int, "{s}");
        }
        assert_eq!(num(&libc::SIGINT.to_string()), int);
        assert_eq!(num("0009"), Some(libc::SIGKILL));
        assert_eq!(num("SIGIOT"), Some(libc::SIGABRT));
        assert_eq!(num("iot"), Some(libc::SIGABRT));
        assert_eq!(num("SIGPOLL"), Some(libc::SIGIO));
        assert_eq!(num("poll"), Some(libc::SIGIO));
        assert_eq!(num("SIGCLD"), Some(libc::SIGCHLD));
        assert_eq!(num("Cld"), Some(libc::SIGCHLD));
        if GLIBC_COMMON {
            assert_eq!(num("2"), Some(2));
            assert_eq!(num("02"), Some(2));
            assert_eq!(num("31"), Some(31));
            assert_eq!(num("34"), Some(34));
            assert_eq!(num("64"), Some(64));
            assert_eq!(num("STKFLT"), Some(16));
            assert_eq!(num("RTMIN+30"), Some(64));
            assert_eq!(num("RTMAX-30"), Some(34));
        }
        let (lo, hi) = (rtmin(), rtmax());
        for (s, want) in [
            ("SIGRTMIN", lo),
            ("RTMIN", lo),
            ("rtmin", lo),
            ("SigRtMin", lo),
            ("RTMIN+0", lo),
            ("RTMIN+00", lo),
            ("SIGRTMIN+3", lo + 3),
            ("SIGRTMIN+20", lo + 20),
            ("rtmin+20", lo + 20),
            ("SIGRTMAX", hi),
            ("RTMAX", hi),
            ("sigrtmax", hi),
            ("RTMAX-0", hi),
            ("RTMAX-1", hi - 1),
            ("sigrtmax-1", hi - 1),
            ("SIGRTMAX-14", hi - 14),
            ("RTMAX-20", hi - 20),
        ] {
            assert_eq!(num(s), Some(want), "{s}");
        }
    }

    #[test]
    fn rejected_spellings() {
        let span = rtmax().min(MAX_SIGNAL) - rtmin();
        let beyond_min = format!("RTMIN+{}", span + 1);
        let beyond_max = format!("RTMAX-{}", rtmax() - rtmin() + 1);
        let long_digits = format!("{}2", "0".repeat(40));
        let long_name = "A".repeat(1000);
        for s in [
            "",
            "SIG",
            "sig",
            "S",
            "SI",
            "SIGSIG",
            "SIGSIGINT",
            "SIGINTX",
            "INTSIG",
            "KIL",
            "SIG2",
            "sig9",
            "0",
            "00",
            "32",
            "33",
            "65",
            "128",
            "-1",
            "-2",
            "+2",
            " 2",
            "2 ",
            "2x",
            "0x2",
            "2.0",
            "99999999999999999999",
            "4294967298",
            " INT",
            "INT ",
            "SIG INT",
            "SIGINT\0",
            "RT",
            "RTMI",
            "RTMIN-1",
            "RTMIN-0",
            "RTMAX+1",
            "RTMAX+0",
            "RTMIN+",
            "RTMAX-",
            "RTMIN+ 1",
            "RTMIN +1",
            "RTMIN+1 ",
            "RTMIN++1",
            "RTMIN+-1",
            "RTMAX--1",
            "RTMAX-+1",
            "RTMIN+1+1",
            "RTMIN1",
            "RTMAX1",
            "RTMIN+99999999999999999999",
            "RTMAX-99999999999999999999",
            "RTMIN+2147483647",
            "RTMAX-2147483647",
            "SIGRTMIN+1x",
            "SIGRTMID",
            "SIGRT",
            &beyond_min,
            &beyond_max,
            &long_digits,
            &long_name,
        ] {
            assert_eq!(num(s), None, "{s:?}");
        }
        for bytes in [
            &b"\xffINT"[..],
            b"SIG\xc3\xa9",
            b"\xc3\xa9",
            b"IN\x00T",
            b"\x80",
            b"SIGINT\xff",
            b"\xef\xbb\xbfSIGINT",
        ] {
            assert_eq!(number(bytes), None, "{bytes:?}");
        }
        // Non-ASCII letters are never case-folded into a match.
        assert_eq!(num("ınt"), None);
        assert_eq!(num("ſigint"), None);
    }

    #[test]
    fn length_limit() {
        // 32 bytes is still read (and names nothing); 33 is rejected unread.
        let padded = format!("{}{}", "0".repeat(MAX_NAME_LEN - 1), libc::SIGINT % 10);
        assert_eq!(padded.len(), MAX_NAME_LEN);
        assert_eq!(
            num(&padded),
            Some(libc::SIGINT % 10).filter(|&s| is_valid(s))
        );
        let too_long = format!("0{padded}");
        assert_eq!(num(&too_long), None);
    }

    #[test]
    fn describe_matches_strsignal() {
        if !cfg!(all(target_os = "linux", target_env = "gnu")) {
            return;
        }
        for s in all_valid() {
            // SAFETY: glibc's `strsignal` accepts any int and returns a non-NULL pointer to a NUL-terminated string: a static one for known signals, otherwise a per-thread buffer (glibc >= 2.32) that stays valid until this thread's next call. It is checked for NULL and copied into an owned `CString` at once, before this thread calls it again. Nothing in sigx calls `setlocale`, so the texts are the C locale's.
            let glibc = unsafe {
                let p = libc::strsignal(s);
                assert!(!p.is_null());
                CStr::from_ptr(p).to_owned()
            };
            assert_eq!(describe(s), Some(glibc.as_c_str()), "signal {s}");
        }
    }

    #[test]
    fn descriptions() {
        assert_eq!(describe(libc::SIGINT), Some(c"Interrupt"));
        assert_eq!(describe(libc::SIGSEGV), Some(c"Segmentation fault"));
        assert_eq!(describe(libc::SIGSTOP), Some(c"Stopped (signal)"));
        assert_eq!(describe(rtmin()), Some(c"Real-time signal 0"));
        assert_eq!(describe(rtmin() + 3), Some(c"Real-time signal 3"));
        if GLIBC_COMMON {
            assert_eq!(describe(64), Some(c"Real-time signal 30"));
            assert_eq!(describe(16), Some(c"Stack fault"));
        }
        for s in all_valid() {
            assert!(describe(s).is_some(), "signal {s}");
        }
    }

    #[test]
    fn default_actions() {
        use Action::*;
        for (s, a) in [
            (libc::SIGHUP, Terminate),
            (libc::SIGINT, Terminate),
            (libc::SIGKILL, Terminate),
            (libc::SIGUSR1, Terminate),
            (libc::SIGPIPE, Terminate),
            (libc::SIGALRM, Terminate),
            (libc::SIGTERM, Terminate),
            (libc::SIGIO, Terminate),
            (libc::SIGPWR, Terminate),
            (libc::SIGPROF, Terminate),
            (libc::SIGQUIT, Core),
            (libc::SIGILL, Core),
            (libc::SIGTRAP, Core),
            (libc::SIGABRT, Core),
            (libc::SIGBUS, Core),
            (libc::SIGFPE, Core),
            (libc::SIGSEGV, Core),
            (libc::SIGXCPU, Core),
            (libc::SIGXFSZ, Core),
            (libc::SIGSYS, Core),
            (libc::SIGCHLD, Ignore),
            (libc::SIGURG, Ignore),
            (libc::SIGWINCH, Ignore),
            (libc::SIGSTOP, Stop),
            (libc::SIGTSTP, Stop),
            (libc::SIGTTIN, Stop),
            (libc::SIGTTOU, Stop),
            (libc::SIGCONT, Continue),
        ] {
            assert_eq!(default_action(s), Some(a), "signal {s}");
        }
        for s in rtmin()..=rtmax().min(MAX_SIGNAL) {
            assert_eq!(default_action(s), Some(Terminate));
        }
        assert_eq!(
            [Terminate, Core, Ignore, Stop, Continue].map(|a| a as i32),
            [0, 1, 2, 3, 4]
        );
    }

    #[test]
    fn classification() {
        assert!(is_uncatchable(libc::SIGKILL));
        assert!(is_uncatchable(libc::SIGSTOP));
        for s in [libc::SIGSEGV, libc::SIGBUS, libc::SIGFPE, libc::SIGILL] {
            assert!(is_fault(s));
            assert!(!is_uncatchable(s));
        }
        let uncatchable = all_valid().filter(|&s| is_uncatchable(s)).count();
        let faults = all_valid().filter(|&s| is_fault(s)).count();
        assert_eq!((uncatchable, faults), (2, 4));
        for s in [
            0,
            -1,
            65,
            rtmin(),
            libc::SIGINT,
            libc::SIGTSTP,
            libc::SIGTRAP,
        ] {
            assert!(!is_uncatchable(s) && !is_fault(s), "signal {s}");
        }
    }

    /// Flips the case of each ASCII letter of `s` whose position's bit is set
    /// in `flips`.
    fn mix_case(s: &str, flips: u64) -> String {
        s.chars()
            .enumerate()
            .map(|(k, c)| {
                if flips >> (k % 64) & 1 == 1 {
                    c.to_ascii_lowercase()
                } else {
                    c
                }
            })
            .collect()
    }

    proptest! {
        #[test]
        fn number_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            if let Some(s) = number(&bytes) {
                prop_assert!(is_valid(s));
            }
        }

        #[test]
        fn number_on_near_misses(
            s in "(?i)(sig)?(rtmin|rtmax|rt|int|kill|iot|poll|cld|[a-z]{1,6})([+-]?[0-9 +-]{0,12})?",
        ) {
            if let Some(signo) = number(s.as_bytes()) {
                prop_assert!(is_valid(signo));
            }
        }

        #[test]
        fn number_of_digits(s in "[0-9]{1,40}") {
            let parsed = s.parse::<u128>().ok();
            let want = parsed
                .filter(|_| s.len() <= MAX_NAME_LEN)
                .and_then(|n| i32::try_from(n).ok())
                .filter(|&n| is_valid(n));
            prop_assert_eq!(number(s.as_bytes()), want);
        }

        #[test]
        fn names_round_trip(signo in 1..=MAX_SIGNAL, flips in any::<u64>()) {
            prop_assume!(is_valid(signo));
            let n = name(signo).unwrap().to_str().unwrap();
            let bare = n.strip_prefix("SIG").unwrap();
            prop_assert_eq!(number(n.as_bytes()), Some(signo));
            prop_assert_eq!(number(n.to_ascii_lowercase().as_bytes()), Some(signo));
            prop_assert_eq!(number(bare.as_bytes()), Some(signo));
            prop_assert_eq!(number(bare.to_ascii_lowercase().as_bytes()), Some(signo));
            prop_assert_eq!(number(mix_case(n, flips).as_bytes()), Some(signo));
            prop_assert_eq!(number(mix_case(bare, flips).as_bytes()), Some(signo));
        }

        #[test]
        fn real_time_offsets(offset in 0i32..200, sig in any::<bool>(), lower in any::<bool>()) {
            let (lo, hi) = (rtmin(), rtmax());
            let prefix = if sig { "SIG" } else { "" };
            let up = format!("{prefix}RTMIN+{offset}");
            let down = format!("{prefix}RTMAX-{offset}");
            let (up, down) = if lower {
                (up.to_ascii_lowercase(), down.to_ascii_lowercase())
            } else {
                (up, down)
            };
            let want_up = Some(lo + offset).filter(|&s| s <= hi && is_valid(s));
            let want_down = Some(hi - offset).filter(|&s| s >= lo && is_valid(s));
            prop_assert_eq!(number(up.as_bytes()), want_up);
            prop_assert_eq!(number(down.as_bytes()), want_down);
        }
    }
}
