//! The `sigx` command end to end: the built binary against real processes.
//!
//! The process looked at is `sigx-test-target` (testbin/), which has three
//! named threads with different masks and known pending signals. No sleeps
//! synchronise anything: the target says `ready` on stdout, `sigx watch`
//! says `ready` on stderr, and every read has a generous time limit.

mod json;

use json::{Value, parse_object};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::Duration;

const SIGX: &str = env!("CARGO_BIN_EXE_sigx");
const TARGET: &str = env!("CARGO_BIN_EXE_sigx-test-target");
/// The limit for any one expected line (a loaded CI machine is slow; a
/// missing line fails after this, it never hangs the suite).
const LINE_LIMIT: Duration = Duration::from_secs(60);

fn rtmin() -> i32 {
    libc::SIGRTMIN()
}

fn run(args: &[&str]) -> Output {
    Command::new(SIGX).args(args).output().expect("run sigx")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// Runs sigx and checks its exit status; returns stdout.
fn expect_status(args: &[&str], status: i32) -> Output {
    let o = run(args);
    assert_eq!(
        o.status.code(),
        Some(status),
        "sigx {args:?}: status {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        stdout(&o),
        stderr(&o)
    );
    o
}

fn json_lines(o: &Output) -> Vec<Value> {
    stdout(o).lines().map(parse_object).collect()
}

/// Lines of a child's pipe, read on a thread of their own.
fn lines(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn next_line(rx: &Receiver<String>, what: &str) -> String {
    rx.recv_timeout(LINE_LIMIT)
        .unwrap_or_else(|e| panic!("no {what} line within {LINE_LIMIT:?}: {e}"))
}

/// The test target, running; it exits when dropped (its stdin closes).
struct Target {
    child: Child,
    stdin: Option<ChildStdin>,
    pid: i32,
    main: i32,
    worker: i32,
    io: i32,
}

impl Target {
    fn start() -> Target {
        let mut child = Command::new(TARGET)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn sigx-test-target");
        let stdin = child.stdin.take();
        let out = lines(child.stdout.take().unwrap());
        let ready = next_line(&out, "ready");
        let f: Vec<i32> = ready
            .strip_prefix("ready ")
            .unwrap_or_else(|| panic!("unexpected line {ready:?}"))
            .split(' ')
            .map(|n| n.parse().unwrap())
            .collect();
        assert_eq!(f.len(), 4, "{ready}");
        assert_eq!(f[0] as u32, child.id());
        Target {
            child,
            stdin,
            pid: f[0],
            main: f[1],
            worker: f[2],
            io: f[3],
        }
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// `tids` of a JSON array of {"tid","name"}.
fn tids(v: &Value) -> Vec<i32> {
    v.array()
        .iter()
        .map(|t| t.get("tid").int() as i32)
        .collect()
}

/// The inspect JSON line of signal `signo`.
fn signal_line(lines: &[Value], signo: i32) -> &Value {
    lines
        .iter()
        .find(|l| l.get("kind").str() == "signal" && l.get("signo").int() == signo as i128)
        .unwrap_or_else(|| panic!("no line for signal {signo}"))
}

fn warnings(lines: &[Value]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.get("kind").str() == "warning")
        .map(|l| l.get("text").str().to_string())
        .collect()
}

#[test]
fn list_prints_every_signal() {
    let rt = rtmin();
    let valid = 31 + (libc::SIGRTMAX() - rt + 1) as usize;
    let text = stdout(&expect_status(&["list"], 0));
    assert!(text.lines().next().unwrap().contains("NAME"), "{text}");
    assert_eq!(text.lines().count(), 1 + valid, "{text}");
    let term = text
        .lines()
        .find(|l| l.contains(" SIGTERM "))
        .expect("SIGTERM line");
    assert!(
        term.trim_start().starts_with("15 ") && term.contains("terminate"),
        "{term}"
    );

    let lines = json_lines(&expect_status(&["list", "--json"], 0));
    assert_eq!(lines.len(), valid);
    let by_no = |n: i32| {
        lines
            .iter()
            .find(|l| l.get("signo").int() == n as i128)
            .unwrap_or_else(|| panic!("no signal {n}"))
    };
    assert_eq!(by_no(9).get("name").str(), "SIGKILL");
    assert!(!by_no(9).get("catchable").bool());
    assert!(!by_no(libc::SIGSTOP).get("catchable").bool());
    assert!(by_no(15).get("catchable").bool());
    assert_eq!(by_no(libc::SIGCHLD).get("default").str(), "ignore");
    assert_eq!(by_no(libc::SIGQUIT).get("default").str(), "core");
    assert_eq!(by_no(libc::SIGTSTP).get("default").str(), "stop");
    assert_eq!(by_no(libc::SIGCONT).get("default").str(), "continue");
    assert_eq!(by_no(2).get("description").str(), "Interrupt");
    assert_eq!(by_no(rt + 3).get("name").str(), "SIGRTMIN+3");
    assert_eq!(by_no(libc::SIGRTMAX() - 1).get("name").str(), "SIGRTMAX-1");
    assert!(
        lines
            .iter()
            .all(|l| l.get("signo").int() != 32 && l.get("signo").int() != 33)
    );
}

#[test]
fn help_version_and_usage_errors() {
    for args in [
        &["--help"][..],
        &["list", "--help"],
        &["send", "--help"],
        &["inspect", "-h"],
        &["watch", "--help"],
    ] {
        let out = stdout(&expect_status(args, 0));
        assert!(out.contains("Usage"), "{args:?}: {out}");
    }
    let version = stdout(&expect_status(&["--version"], 0));
    // SAFETY: sigx_version returns a static NUL-terminated string.
    let library = unsafe { std::ffi::CStr::from_ptr(sigx_core::capi::lookup::sigx_version()) };
    assert_eq!(
        version.trim(),
        format!("sigx {}", library.to_str().unwrap())
    );

    for (args, message) in [
        (&[][..], "Usage"),
        (&["frobnicate"], "unknown command 'frobnicate'"),
        (&["list", "--bogus"], "sigx: list: unknown option '--bogus'"),
        (&["list", "extra"], "unexpected operand"),
        (&["send"], "missing SIGNAL"),
        (&["send", "TERM"], "missing PID"),
        (&["send", "NOPE", "1"], "unknown signal 'NOPE'"),
        (&["send", "TERM", "abc"], "'abc' is not a process id"),
        (&["send", "TERM", "0"], "'0' is not a process id"),
        (
            &["send", "--value", "x", "USR1", "1"],
            "not a 64-bit integer",
        ),
        (
            &["send", "--value", "1", "USR1", "-5"],
            "needs a process, not a group",
        ),
        (
            &["send", "--thread", "1", "TERM", "2", "3"],
            "--thread takes one PID",
        ),
        (&["inspect"], "missing PID"),
        (&["inspect", "1", "2"], "one PID at a time"),
        (&["inspect", "-3x"], "unknown option"),
        (&["watch"], "missing SIGNAL"),
        (
            &["watch", "--count", "0", "USR1"],
            "--count needs a positive number",
        ),
        (
            &["watch", "--timeout", "soon", "USR1"],
            "--timeout needs a number",
        ),
        (&["watch", "NOPE"], "unknown signal"),
        (
            &["watch", "KILL"],
            "sigx: watch: SIGKILL: no process can catch it",
        ),
        (
            &["watch", "SEGV"],
            "sigx: watch: SIGSEGV: sigx does not catch it",
        ),
    ] {
        let err = stderr(&expect_status(args, 2));
        assert!(err.contains(message), "{args:?}: {err:?} lacks {message:?}");
    }
}

#[test]
fn inspect_names_each_thread_and_its_mask() {
    let t = Target::start();
    let rt = rtmin();
    let lines = json_lines(&expect_status(
        &["inspect", &t.pid.to_string(), "--json"],
        0,
    ));

    let process = &lines[0];
    assert_eq!(process.get("kind").str(), "process");
    assert_eq!(process.get("pid").int(), t.pid as i128);
    assert_eq!(process.get("name").str(), "tt-main");
    let threads: Vec<(i32, String)> = process
        .get("threads")
        .array()
        .iter()
        .map(|th| (th.get("tid").int() as i32, th.get("name").str().to_string()))
        .collect();
    assert_eq!(
        threads,
        vec![
            (t.main, "tt-main".to_string()),
            (t.worker, "tt-worker".to_string()),
            (t.io, "tt-io".to_string())
        ]
    );

    let sigint = signal_line(&lines, libc::SIGINT);
    assert_eq!(sigint.get("disposition").str(), "ignored");
    for s in [libc::SIGUSR1, libc::SIGPIPE] {
        assert_eq!(signal_line(&lines, s).get("disposition").str(), "caught");
    }
    // Blocked in one thread each, by tid.
    let term = signal_line(&lines, libc::SIGTERM);
    assert_eq!(term.get("disposition").str(), "caught");
    assert_eq!(tids(term.get("blocked")), vec![t.worker]);
    assert!(!term.get("blocked_everywhere").bool());
    assert_eq!(
        tids(signal_line(&lines, rt + 1).get("blocked")),
        vec![t.main]
    );
    let rt2 = signal_line(&lines, rt + 2);
    assert_eq!(tids(rt2.get("blocked")), vec![t.io]);
    assert_eq!(rt2.get("blocked").array()[0].get("name").str(), "tt-io");
    // Pending for one thread, and for the process.
    assert_eq!(tids(rt2.get("pending_threads")), vec![t.io]);
    assert!(!rt2.get("pending_process").bool());
    for s in [libc::SIGUSR2, rt + 4, rt + 5, rt + 6] {
        let l = signal_line(&lines, s);
        assert!(l.get("blocked_everywhere").bool(), "{l:?}");
        assert_eq!(tids(l.get("blocked")), vec![t.main, t.worker, t.io]);
        assert!(l.get("pending_process").bool(), "{l:?}");
        assert_eq!(l.get("disposition").str(), "default");
    }
    // Plain default signals are not listed.
    assert!(
        lines.iter().all(
            |l| l.get("kind").str() != "signal" || l.get("signo").int() != libc::SIGHUP as i128
        )
    );

    let w = warnings(&lines);
    let has = |text: &str| w.iter().any(|x| x.contains(text));
    assert!(
        has("SIGUSR2 is blocked in every thread: `kill -USR2` will wait forever"),
        "{w:#?}"
    );
    assert!(has("SIGRTMIN+4 is blocked in every thread"), "{w:#?}");
    assert!(!has("SIGTERM is blocked in every thread"), "{w:#?}");
    assert!(
        has("SIGINT is ignored (inherited from the parent shell?"),
        "{w:#?}"
    );
    assert!(
        w.iter()
            .any(|x| x.contains("SIGPIPE") && x.contains("caught")),
        "{w:#?}"
    );
    assert!(has("SIGUSR2 is pending for the process"), "{w:#?}");
    assert!(
        has("4 RT signals pending: SIGRTMIN+2, SIGRTMIN+4, SIGRTMIN+5, SIGRTMIN+6"),
        "{w:#?}"
    );

    // The same in text: one row per signal, threads by tid and name.
    let text = stdout(&expect_status(&["inspect", &t.pid.to_string()], 0));
    let header = text.lines().next().unwrap();
    for (tid, name) in [
        (t.main, "tt-main"),
        (t.worker, "tt-worker"),
        (t.io, "tt-io"),
    ] {
        assert!(header.contains(&format!("{tid} ({name})")), "{header}");
    }
    assert!(header.contains("3 threads"), "{header}");
    let row = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no row {name} in\n{text}"))
            .to_string()
    };
    assert!(row("SIGTERM").contains(&format!("caught   {} (tt-worker)", t.worker)));
    assert!(row("SIGUSR2").contains("every thread") && row("SIGUSR2").ends_with("process"));
    assert!(row("SIGRTMIN+2").ends_with(&format!("thread {} (tt-io)", t.io)));
    assert!(
        text.contains("warnings:\n  SIGUSR2 is blocked in every thread"),
        "{text}"
    );
}

#[test]
fn inspect_self_and_missing_process() {
    // `self` is the sigx process itself: one thread, SIGPIPE at its default.
    let lines = json_lines(&expect_status(&["inspect", "self", "--json"], 0));
    assert_eq!(lines[0].get("name").str(), "sigx");
    assert_eq!(lines[0].get("threads").array().len(), 1);
    let err = stderr(&expect_status(&["inspect", "999999999"], 1));
    assert_eq!(err.trim(), "sigx: inspect: 999999999: no such process");
}

#[test]
fn send_to_a_thread_and_to_the_process() {
    let t = Target::start();
    let rt = rtmin();
    let (pid, io) = (t.pid.to_string(), t.io.to_string());
    // tgkill to tt-io, where RTMIN+5 is blocked: pending for that thread.
    expect_status(&["send", "--thread", &io, "RTMIN+5", &pid], 0);
    // rt_tgsigqueueinfo with a value, the process found from the tid.
    expect_status(
        &[
            "send",
            "--thread",
            &io,
            "--value",
            "9",
            &(rt + 6).to_string(),
        ],
        0,
    );
    // kill and sigqueue to the process: signal 0 checks, SIGTERM is caught.
    expect_status(&["send", "0", &pid], 0);
    expect_status(&["send", "TERM", &pid], 0);
    expect_status(&["send", "--value", "0x10", "SIGRTMIN+4", &pid], 0);

    let lines = json_lines(&expect_status(&["inspect", &pid, "--json"], 0));
    let rt5 = signal_line(&lines, rt + 5);
    assert_eq!(tids(rt5.get("pending_threads")), vec![t.io]);
    assert!(rt5.get("pending_process").bool());
    assert_eq!(
        tids(signal_line(&lines, rt + 6).get("pending_threads")),
        vec![t.io]
    );
    // The target is still alive: SIGTERM went to its handler.
    assert!(std::fs::metadata(format!("/proc/{pid}")).is_ok());

    let err = stderr(&expect_status(
        &["send", "--thread", "999999999", "TERM"],
        1,
    ));
    assert_eq!(err.trim(), "sigx: send: thread 999999999: no such thread");
    let err = stderr(&expect_status(
        &[
            "send",
            "--thread",
            &t.worker.to_string(),
            "TERM",
            "999999999",
        ],
        1,
    ));
    assert_eq!(
        err.trim(),
        format!(
            "sigx: send: 999999999 thread {}: no such thread in that process",
            t.worker
        )
    );
}

#[test]
fn send_errors_name_the_pid_and_set_the_status() {
    let t = Target::start();
    let pid = t.pid.to_string();
    // One target missing: status 1, the other still gets it.
    let o = expect_status(&["send", "--value", "5", "RTMIN+4", "999999999", &pid], 1);
    assert_eq!(stderr(&o).trim(), "sigx: send: 999999999: no such process");
    let o = expect_status(&["send", "TERM", "999999998", "999999999"], 1);
    assert_eq!(
        stderr(&o).lines().collect::<Vec<_>>(),
        vec![
            "sigx: send: 999999998: no such process",
            "sigx: send: 999999999: no such process"
        ]
    );

    // Not permitted: as root, send as uid 65534 to the root-owned target;
    // as anyone else, to init.
    use std::os::unix::process::CommandExt;
    // SAFETY: geteuid cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = Command::new(SIGX);
    let victim = if root {
        cmd.uid(65534).gid(65534);
        pid.clone()
    } else {
        "1".to_string()
    };
    let o = cmd
        .args(["send", "TERM", &victim])
        .output()
        .expect("run sigx as another user");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim(),
        format!("sigx: send: {victim}: not permitted")
    );
}

/// A running `sigx watch ARGS`, ready (its signals caught).
struct Watch {
    child: Child,
    out: Receiver<String>,
    pid: i32,
}

impl Watch {
    fn start(args: &[&str]) -> Watch {
        let mut child = Command::new(SIGX)
            .arg("watch")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn sigx watch");
        let err = lines(child.stderr.take().unwrap());
        let ready = next_line(&err, "watch ready");
        let pid = ready
            .strip_prefix("sigx: watch: pid ")
            .and_then(|r| r.split(' ').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected line {ready:?}"));
        assert_eq!(pid as u32, child.id());
        let out = lines(child.stdout.take().unwrap());
        Watch { child, out, pid }
    }

    fn finish(mut self) -> i32 {
        self.child
            .wait()
            .expect("wait sigx watch")
            .code()
            .expect("exit code")
    }
}

/// Starts `sigx ARGS` without waiting: the sender stays a process (at worst
/// a zombie, whose /proc/PID/comm still reads) until `wait` below, so the
/// watcher can read its name.
fn start_sender(args: &[&str]) -> Child {
    Command::new(SIGX)
        .args(args)
        .spawn()
        .expect("spawn sigx send")
}

fn wait_ok(mut c: Child) {
    assert!(c.wait().expect("wait").success());
}

#[test]
fn watch_shows_value_sender_pid_and_name() {
    let rt = rtmin();
    let w = Watch::start(&["--count", "1", "--json", "RTMIN+3"]);
    let sender = start_sender(&["send", "--value", "42", "RTMIN+3", &w.pid.to_string()]);
    let sender_pid = sender.id() as i128;
    let line = parse_object(&next_line(&w.out, "delivery"));
    wait_ok(sender);
    assert_eq!(line.get("signo").int(), (rt + 3) as i128);
    assert_eq!(line.get("name").str(), "SIGRTMIN+3");
    assert_eq!(line.get("code").str(), "SI_QUEUE");
    assert_eq!(line.get("value").int(), 42);
    assert_eq!(line.get("pid").int(), sender_pid);
    // SAFETY: getuid cannot fail.
    assert_eq!(line.get("uid").int(), unsafe { libc::getuid() } as i128);
    assert_eq!(line.get("comm").str(), "sigx");
    assert!(line.get("seq").int() >= 1 && line.get("time_ns").int() > 0);
    let time = line.get("time").str();
    assert!(
        time.len() == 27 && time.ends_with('Z') && time.as_bytes()[10] == b'T',
        "{time}"
    );
    assert_eq!(w.finish(), 0);
}

#[test]
fn watch_text_kill_and_thread_codes() {
    let w = Watch::start(&["--count", "3", "USR1", "RTMIN+3"]);
    let pid = w.pid.to_string();
    let expected = [
        (vec!["send", "USR1", &pid], "SIGUSR1 SI_USER from pid"),
        (
            vec!["send", "--thread", &pid, "RTMIN+3", &pid],
            "SIGRTMIN+3 SI_TKILL from pid",
        ),
        (
            vec!["send", "--thread", &pid, "--value", "7", "RTMIN+3"],
            "SIGRTMIN+3 SI_QUEUE from pid",
        ),
    ];
    // One at a time, so the order of the lines is the order sent.
    for (args, start) in expected {
        let sender = start_sender(&args);
        let who = format!("{start} {} (sigx) uid", sender.id());
        let line = next_line(&w.out, "delivery");
        wait_ok(sender);
        assert!(line.contains(&who), "{line:?} lacks {who:?}");
        assert_eq!(line.ends_with(" value 7"), args.contains(&"7"), "{line}");
    }
    assert_eq!(w.finish(), 0);
}

#[test]
fn watch_timeouts() {
    // --count not reached in time: status 1 and why.
    let o = expect_status(&["watch", "--timeout", "0.05", "--count", "1", "USR1"], 1);
    assert!(
        stderr(&o).contains("sigx: watch: timeout: 0 of 1 deliveries within 0.05 s"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
    // A plain --timeout ends the watch normally.
    expect_status(&["watch", "--timeout", "0", "USR1"], 0);
}
