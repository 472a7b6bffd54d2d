//! Names for numbers: signals (through the library's tables), default
//! actions, and `si_code` values.

use sigx_core::signals::{self, Action};

/// Every valid signal, in order: 1..=31, then SIGRTMIN..=SIGRTMAX.
pub fn all_signals() -> impl Iterator<Item = i32> {
    (1..=signals::MAX_SIGNAL).filter(|&s| signals::is_valid(s))
}

/// `"SIGTERM"`, `"SIGRTMIN+3"`; `"signal N"` for a number with no name.
pub fn signal(signo: i32) -> String {
    match signals::name(signo) {
        Some(name) => name.to_string_lossy().into_owned(),
        None => format!("signal {signo}"),
    }
}

/// The name as `kill -NAME` takes it: `"TERM"`, `"RTMIN+3"`.
pub fn short(signo: i32) -> String {
    let name = signal(signo);
    name.strip_prefix("SIG").unwrap_or(&name).to_string()
}

/// The default action in one word.
pub fn action(signo: i32) -> &'static str {
    match signals::default_action(signo) {
        Some(Action::Terminate) => "terminate",
        Some(Action::Core) => "core",
        Some(Action::Ignore) => "ignore",
        Some(Action::Stop) => "stop",
        Some(Action::Continue) => "continue",
        None => "?",
    }
}

/// Whether a program can catch, block or ignore `signo` at all (all but
/// SIGKILL and SIGSTOP).
pub fn catchable(signo: i32) -> bool {
    !signals::is_uncatchable(signo)
}

/// `si_code` by name: SI_USER, SI_QUEUE, SI_TKILL, ... and, for SIGCHLD,
/// CLD_EXITED & co.; the number itself when it has no name here.
pub fn code(signo: i32, code: i32) -> String {
    let name = match code {
        libc::SI_USER => "SI_USER",
        libc::SI_KERNEL => "SI_KERNEL",
        libc::SI_QUEUE => "SI_QUEUE",
        libc::SI_TIMER => "SI_TIMER",
        libc::SI_MESGQ => "SI_MESGQ",
        libc::SI_ASYNCIO => "SI_ASYNCIO",
        libc::SI_SIGIO => "SI_SIGIO",
        libc::SI_TKILL => "SI_TKILL",
        libc::SI_DETHREAD => "SI_DETHREAD",
        libc::SI_ASYNCNL => "SI_ASYNCNL",
        1..=6 if signo == libc::SIGCHLD => match code {
            libc::CLD_EXITED => "CLD_EXITED",
            libc::CLD_KILLED => "CLD_KILLED",
            libc::CLD_DUMPED => "CLD_DUMPED",
            libc::CLD_TRAPPED => "CLD_TRAPPED",
            libc::CLD_STOPPED => "CLD_STOPPED",
            _ => "CLD_CONTINUED",
        },
        1..=6 if signo == libc::SIGIO => match code {
            1 => "POLL_IN",
            2 => "POLL_OUT",
            3 => "POLL_MSG",
            4 => "POLL_ERR",
            5 => "POLL_PRI",
            _ => "POLL_HUP",
        },
        _ => return code.to_string(),
    };
    name.to_string()
}

/// The signals of `mask` (bit signo - 1), as names joined by ", ".
pub fn list(mask: u64) -> String {
    all_signals()
        .filter(|&s| mask & signals::bit(s) != 0)
        .map(signal)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(code(libc::SIGUSR1, libc::SI_QUEUE), "SI_QUEUE");
        assert_eq!(code(libc::SIGUSR1, libc::SI_TKILL), "SI_TKILL");
        assert_eq!(code(libc::SIGCHLD, libc::CLD_EXITED), "CLD_EXITED");
        assert_eq!(code(libc::SIGUSR1, 1), "1");
    }

    #[test]
    fn signal_names() {
        assert_eq!(signal(libc::SIGTERM), "SIGTERM");
        assert_eq!(short(signals::rtmin() + 3), "RTMIN+3");
        assert_eq!(action(libc::SIGCHLD), "ignore");
        assert!(!catchable(libc::SIGKILL) && catchable(libc::SIGTERM));
        assert_eq!(
            all_signals().count(),
            31 + (signals::rtmax() - signals::rtmin() + 1) as usize
        );
    }
}
