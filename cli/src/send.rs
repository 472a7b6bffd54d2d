//! `sigx send [--value N] [--thread TID] SIGNAL PID...`: kill(2), sigqueue(3)
//! with a value, or one thread with tgkill(2) / rt_tgsigqueueinfo(2).

use crate::{FAILED, OK, args, failure, usage_error};
use std::io;

const HELP: &str = "\
Usage: sigx send [--value N] [--thread TID] SIGNAL PID...

Sends SIGNAL (a name such as TERM, SIGUSR1, RTMIN+3, or a number; 0 only
checks that the target exists) to each PID:

  (no option)     kill(2); a negative PID is a process group
  --value N       sigqueue(3): the receiver sees code SI_QUEUE and value N
                  (decimal, negative, or 0x hex; real-time signals queue,
                  standard ones merge while pending)
  --thread TID    only thread TID of process PID (tgkill(2), or with --value
                  rt_tgsigqueueinfo(2)); PID may be left out, it is then read
                  from /proc/TID/status

Prints nothing on success. Exit status: 0 when every target got the signal,
1 when any failed (each failure is named: `sigx: send: PID: no such
process`), 2 for usage errors.
";

/// Runs `sigx send`.
pub fn run(argv: &[String]) -> u8 {
    let parsed = match args::parse(argv, &[("value", true), ("thread", true)]) {
        Ok(p) => p,
        Err(e) => return usage_error("send", &e),
    };
    if parsed.flag("help") {
        print!("{HELP}");
        return OK;
    }
    let Some((signal, targets)) = parsed.operands.split_first() else {
        return usage_error("send", "missing SIGNAL and PID");
    };
    let signo = match args::signal(signal, true) {
        Ok(s) => s,
        Err(e) => return usage_error("send", &e),
    };
    let value = match parsed.value("value").map(args::value).transpose() {
        Ok(v) => v,
        Err(e) => return usage_error("send", &e),
    };

    if let Some(tid) = parsed.value("thread") {
        let tid = match args::pid(tid, "thread id") {
            Ok(t) => t,
            Err(e) => return usage_error("send", &e),
        };
        let pid = match targets {
            [] => match thread_group(tid) {
                Some(p) => p,
                None => {
                    failure("send", &format!("thread {tid}"), "no such thread");
                    return FAILED;
                }
            },
            [pid] => match args::pid(pid, "process id") {
                Ok(p) => p,
                Err(e) => return usage_error("send", &e),
            },
            _ => return usage_error("send", "--thread takes one PID (the thread's process)"),
        };
        return match to_thread(pid, tid, signo, value) {
            Ok(()) => OK,
            Err(e) => {
                failure("send", &format!("{pid} thread {tid}"), &reason(&e, true));
                FAILED
            }
        };
    }

    if targets.is_empty() {
        return usage_error("send", "missing PID");
    }
    let mut pids = Vec::with_capacity(targets.len());
    for target in targets {
        match target.parse::<i32>() {
            Ok(p) if p > 0 => pids.push(p),
            Ok(p) if p < -1 && value.is_none() => pids.push(p),
            Ok(p) if p < -1 => {
                return usage_error(
                    "send",
                    &format!("{p}: --value needs a process, not a group"),
                );
            }
            _ => {
                return usage_error(
                    "send",
                    &format!(
                        "'{target}' is not a process id (a positive number, or -PGID for a group)"
                    ),
                );
            }
        }
    }
    let mut status = OK;
    for pid in pids {
        let result = match value {
            Some(v) => queue(pid, signo, v),
            None => kill(pid, signo),
        };
        if let Err(e) = result {
            failure("send", &pid.to_string(), &reason(&e, false));
            status = FAILED;
        }
    }
    status
}

/// The failure in words, as users of kill(1) expect them.
fn reason(e: &io::Error, thread: bool) -> String {
    match e.raw_os_error() {
        Some(libc::ESRCH) if thread => "no such thread in that process".into(),
        Some(libc::ESRCH) => "no such process".into(),
        Some(libc::EPERM) => "not permitted".into(),
        Some(libc::EAGAIN) => {
            "the receiving user's queue of pending signals is full (RLIMIT_SIGPENDING)".into()
        }
        Some(libc::EINVAL) => "invalid signal".into(),
        _ => e.to_string(),
    }
}

/// The process a thread belongs to (`Tgid` in /proc/TID/status).
fn thread_group(tid: i32) -> Option<i32> {
    let text = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("Tgid:"))
        .and_then(|v| v.trim().parse().ok())
}

/// kill(2).
fn kill(pid: i32, signo: i32) -> io::Result<()> {
    // SAFETY: plain system call with integer arguments.
    if unsafe { libc::kill(pid, signo) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// sigqueue(3) through the library's sigx_send.
fn queue(pid: i32, signo: i32, value: u64) -> io::Result<()> {
    let status = sigx_core::capi::send::sigx_send(pid, signo, value);
    if status == 0 {
        return Ok(());
    }
    // SIGX_ERR_SYSTEM sets errno; any other status is an argument the
    // command line already checked.
    let errno = io::Error::last_os_error();
    if status == sigx_core::capi::status::sigx_status::SIGX_ERR_SYSTEM as i32 {
        Err(errno)
    } else {
        Err(io::Error::from_raw_os_error(libc::EINVAL))
    }
}

/// One thread: tgkill(2), or rt_tgsigqueueinfo(2) with SI_QUEUE and the value.
fn to_thread(pid: i32, tid: i32, signo: i32, value: Option<u64>) -> io::Result<()> {
    let rc = match value {
        None => {
            // SAFETY: plain system call with integer arguments.
            unsafe { libc::syscall(libc::SYS_tgkill, pid, tid, signo) }
        }
        Some(value) => {
            let info = queue_info(signo, value);
            // SAFETY: `info` is a 128-byte siginfo laid out as the kernel
            // reads it; the kernel only reads it during the call.
            unsafe { libc::syscall(libc::SYS_rt_tgsigqueueinfo, pid, tid, signo, info.as_ptr()) }
        }
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// A siginfo for SI_QUEUE, as sigqueue(3) fills it: signo, code, this
/// process's pid and real uid, and the value as `sival_ptr`. The union of
/// fields starts after three ints, rounded up to 8 bytes on 64-bit targets.
fn queue_info(signo: i32, value: u64) -> [u8; 128] {
    let mut info = [0u8; 128];
    let at = if cfg!(target_pointer_width = "64") {
        16
    } else {
        12
    };
    // SAFETY: getpid and getuid cannot fail.
    let (pid, uid) = unsafe { (libc::getpid(), libc::getuid()) };
    let word = std::mem::size_of::<usize>();
    info[0..4].copy_from_slice(&signo.to_ne_bytes());
    info[8..12].copy_from_slice(&libc::SI_QUEUE.to_ne_bytes());
    info[at..at + 4].copy_from_slice(&pid.to_ne_bytes());
    info[at + 4..at + 8].copy_from_slice(&uid.to_ne_bytes());
    info[at + 8..at + 8 + word].copy_from_slice(&(value as usize).to_ne_bytes());
    info
}
