//! The two structures that cross the C boundary by value: one delivery
//! (`sigx_info`) and one signal's figures (`sigx_stats`). Their layouts are
//! part of the ABI and are pinned at compile time below.
#![allow(non_camel_case_types)]

use static_assertions::{assert_eq_size, const_assert_eq};

/// One delivered signal, as sigx's handler saw it.
///
/// Exactly 64 bytes with a fixed layout, so that ctypes, cffi and other FFI
/// callers can mirror it field by field.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct sigx_info {
    /// The signal number.
    pub signo: i32,
    /// `si_code`: SI_USER, SI_QUEUE, SI_TKILL, SI_TIMER, SI_KERNEL,
    /// CLD_EXITED, CLD_KILLED, ...
    ///
    /// When the kernel's per-user queue of pending signals
    /// (RLIMIT_SIGPENDING) is full, Linux still delivers a standard signal
    /// but without its details: the record then says SI_USER with pid and
    /// uid 0 (and sigqueue of a real-time signal fails with EAGAIN).
    pub code: i32,
    /// The sender's pid for SI_USER, SI_QUEUE and SI_TKILL; the child's pid
    /// for SIGCHLD; otherwise 0.
    pub pid: i32,
    /// The sender's real uid where the kernel provides it (the same cases as
    /// `pid`); otherwise 0.
    pub uid: u32,
    /// SIGCHLD: the exit code (CLD_EXITED) or the signal number
    /// (CLD_KILLED, CLD_DUMPED, CLD_STOPPED, CLD_CONTINUED). SI_TIMER: the
    /// overrun count (expirations while the previous one was still
    /// pending; 0 for a `sigx_deadline` expiry). Otherwise 0.
    pub status: i32,
    /// Always zero.
    pub reserved0: i32,
    /// `si_value` (sigqueue; POSIX timers: the timer's cookie) as an
    /// integer; otherwise 0. The expiry of a `sigx_deadline` carries a value
    /// of sigx's own whose upper 32 bits are 0x5167DEAD.
    pub value: u64,
    /// Process-wide delivery number: every delivery the handler sees takes the
    /// next one, dropped ones included, starting at 1. A forked child carries
    /// on from its parent's count.
    pub seq: u64,
    /// CLOCK_MONOTONIC, in nanoseconds, when the handler ran.
    pub time_ns: u64,
    /// How many deliveries of this signal were lost to a full queue since
    /// the previous record of this signal was taken (the next record taken
    /// after a loss reports it, so a drop may be reported with a record that
    /// was delivered before it; gaps in `seq` show where). The sum over all
    /// records taken plus the drops not yet reported equals
    /// `sigx_stats.dropped`.
    pub dropped: u64,
    /// Always zero.
    pub reserved1: u64,
}

impl sigx_info {
    /// Normal context, when a record is taken: keep only what `si_code` says
    /// the kernel filled in. The handler copies siginfo's union bytes without
    /// looking at `si_code` (see `handler::record`): `pid` and `uid` from
    /// where a sender's pid/uid live, and `value` from where `si_value`
    /// lives, which for SIGCHLD is where `si_status` lives. For POSIX timers
    /// (SI_TIMER) the kernel puts the timer's id where a sender's pid lives
    /// and the overrun count where its uid lives: `status` is the overrun.
    pub fn interpret(&mut self) {
        let child = self.signo == libc::SIGCHLD && self.code > 0;
        let sender = matches!(self.code, libc::SI_USER | libc::SI_TKILL | libc::SI_QUEUE);
        let has_value = matches!(self.code, libc::SI_QUEUE | libc::SI_TIMER | libc::SI_MESGQ);
        self.status = if child {
            self.value as u32 as i32
        } else if self.code == libc::SI_TIMER && self.value & !0xFFFF_FFFF != crate::deadline::TAG {
            // A deadline's overrun would count repeats the thread missed
            // before it ran: meaningless, so 0.
            self.uid as i32
        } else {
            0
        };
        if !(child || sender) {
            self.pid = 0;
            self.uid = 0;
        }
        if !has_value {
            self.value = 0;
        }
    }
}

/// Delivery figures for one signal, or for all of them.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct sigx_stats {
    /// Deliveries the handler saw (and waits took from the kernel),
    /// including those the sender filter refused (see `sigx_filter`):
    /// delivered = returned + queued + dropped + refused.
    pub delivered: u64,
    /// Of those, how many were lost to a full queue.
    pub dropped: u64,
    /// Records waiting in the queue now.
    pub queued: u64,
    /// The most records ever waiting at once.
    pub high_water: u64,
}

assert_eq_size!(sigx_info, [u8; 64]);
const_assert_eq!(core::mem::align_of::<sigx_info>(), 8);
const_assert_eq!(core::mem::offset_of!(sigx_info, signo), 0);
const_assert_eq!(core::mem::offset_of!(sigx_info, code), 4);
const_assert_eq!(core::mem::offset_of!(sigx_info, pid), 8);
const_assert_eq!(core::mem::offset_of!(sigx_info, uid), 12);
const_assert_eq!(core::mem::offset_of!(sigx_info, status), 16);
const_assert_eq!(core::mem::offset_of!(sigx_info, reserved0), 20);
const_assert_eq!(core::mem::offset_of!(sigx_info, value), 24);
const_assert_eq!(core::mem::offset_of!(sigx_info, seq), 32);
const_assert_eq!(core::mem::offset_of!(sigx_info, time_ns), 40);
const_assert_eq!(core::mem::offset_of!(sigx_info, dropped), 48);
const_assert_eq!(core::mem::offset_of!(sigx_info, reserved1), 56);
assert_eq_size!(sigx_stats, [u64; 4]);

#[cfg(test)]
mod tests {
    use super::sigx_info;

    /// A record as the handler leaves it: every union field copied.
    fn raw(signo: i32, code: i32) -> sigx_info {
        sigx_info {
            signo,
            code,
            pid: 41,
            uid: 1000,
            value: 0x7777_0000_0000_0003,
            ..sigx_info::default()
        }
    }

    fn fields(r: sigx_info) -> (i32, u32, i32, u64) {
        (r.pid, r.uid, r.status, r.value)
    }

    #[test]
    fn interpret_keeps_what_si_code_says_is_there() {
        let cases = [
            // (signo, code) -> (pid, uid, status, value)
            ((libc::SIGUSR1, libc::SI_USER), (41, 1000, 0, 0)),
            ((libc::SIGUSR1, libc::SI_TKILL), (41, 1000, 0, 0)),
            (
                (libc::SIGUSR1, libc::SI_QUEUE),
                (41, 1000, 0, 0x7777_0000_0000_0003),
            ),
            // A POSIX timer: pid holds the timer id, uid the overrun.
            (
                (libc::SIGALRM, libc::SI_TIMER),
                (0, 0, 1000, 0x7777_0000_0000_0003),
            ),
            (
                (libc::SIGIO, libc::SI_MESGQ),
                (0, 0, 0, 0x7777_0000_0000_0003),
            ),
            ((libc::SIGSEGV, libc::SI_KERNEL), (0, 0, 0, 0)),
            ((libc::SIGCHLD, libc::CLD_EXITED), (41, 1000, 3, 0)),
            ((libc::SIGCHLD, libc::CLD_KILLED), (41, 1000, 3, 0)),
            // Someone sigqueue()d SIGCHLD: a sender, not a child event.
            (
                (libc::SIGCHLD, libc::SI_QUEUE),
                (41, 1000, 0, 0x7777_0000_0000_0003),
            ),
        ];
        for ((signo, code), want) in cases {
            let mut r = raw(signo, code);
            r.interpret();
            assert_eq!(fields(r), want, "signo {signo} code {code}");
            assert_eq!((r.signo, r.code), (signo, code));
        }
    }

    #[test]
    fn a_deadline_expiry_has_no_overrun() {
        let value = crate::deadline::TAG | 0x0030_0007;
        let mut r = sigx_info {
            value,
            ..raw(libc::SIGUSR1, libc::SI_TIMER)
        };
        r.interpret();
        assert_eq!(fields(r), (0, 0, 0, value));
    }
}
