//! A process for the `sigx` command's integration tests to look at: three
//! named threads with different signal masks, known dispositions and known
//! pending signals. Not installed.
//!
//! - dispositions: SIGINT ignored; SIGUSR1, SIGTERM and SIGPIPE caught (a
//!   handler that does nothing); SIGHUP default.
//! - threads and masks (every thread also blocks SIGUSR2 and SIGRTMIN+4..=6):
//!   `tt-main` (the main thread) blocks SIGRTMIN+1, `tt-worker` SIGTERM,
//!   `tt-io` SIGRTMIN+2.
//! - pending: SIGUSR2, SIGRTMIN+4, SIGRTMIN+5 and SIGRTMIN+6 for the process
//!   (blocked everywhere, so they stay), SIGRTMIN+2 for thread `tt-io`.
//!
//! When all that is in place it prints one line, `ready PID MAIN WORKER IO`
//! (the thread ids), then waits until its stdin reaches end of file and
//! exits. Signals it is sent meanwhile stay pending or are caught.

use std::io::{Read, Write};
use std::sync::mpsc;
use std::thread;

extern "C" fn ignore_delivery(_signo: libc::c_int) {}

/// A signal set of `signals`.
fn set(signals: &[i32]) -> libc::sigset_t {
    // SAFETY: sigemptyset initialises the zeroed set; sigaddset gets valid
    // signal numbers.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for &s in signals {
            libc::sigaddset(&mut set, s);
        }
        set
    }
}

/// Sets the calling thread's mask to exactly `signals`.
fn set_mask(signals: &[i32]) {
    let set = set(signals);
    // SAFETY: `set` is initialised; the old mask is not wanted.
    let rc = unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &set, std::ptr::null_mut()) };
    assert_eq!(rc, 0, "pthread_sigmask");
}

/// The calling thread's id.
fn gettid() -> i32 {
    // SAFETY: gettid cannot fail.
    unsafe { libc::gettid() }
}

fn main() {
    let rt = libc::SIGRTMIN();
    let everywhere = [libc::SIGUSR2, rt + 4, rt + 5, rt + 6];
    let with = |extra: i32| {
        let mut v = everywhere.to_vec();
        v.push(extra);
        v
    };

    // SAFETY: standard dispositions and a handler that does nothing, set
    // before any other thread exists.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_IGN);
        let handler = ignore_delivery as extern "C" fn(libc::c_int) as libc::sighandler_t;
        for s in [libc::SIGUSR1, libc::SIGTERM, libc::SIGPIPE] {
            libc::signal(s, handler);
        }
        libc::signal(libc::SIGHUP, libc::SIG_DFL);
    }
    set_mask(&with(rt + 1));
    // SAFETY: PR_SET_NAME with a NUL-terminated name of at most 16 bytes.
    unsafe { libc::prctl(libc::PR_SET_NAME, c"tt-main".as_ptr()) };

    // Each thread sets its own mask, reports its tid, and parks forever.
    let (tx, rx) = mpsc::channel();
    for (name, extra) in [("tt-worker", libc::SIGTERM), ("tt-io", rt + 2)] {
        let tx = tx.clone();
        let mask = with(extra);
        thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                set_mask(&mask);
                tx.send((name, gettid())).expect("main thread gone");
                loop {
                    thread::park();
                }
            })
            .expect("spawn");
    }
    let mut worker = 0;
    let mut io = 0;
    for _ in 0..2 {
        match rx.recv().expect("thread gone") {
            ("tt-worker", tid) => worker = tid,
            (_, tid) => io = tid,
        }
    }

    let pid = std::process::id() as i32;
    // SAFETY: plain system calls with integer arguments; every signal sent
    // is blocked where it is directed, so it stays pending.
    unsafe {
        for &s in &everywhere {
            assert_eq!(libc::kill(pid, s), 0, "kill");
        }
        assert_eq!(
            libc::syscall(libc::SYS_tgkill, pid, io, rt + 2),
            0,
            "tgkill"
        );
    }
    let mut out = std::io::stdout();
    writeln!(out, "ready {pid} {} {worker} {io}", gettid()).expect("stdout");
    out.flush().expect("stdout");
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
}
