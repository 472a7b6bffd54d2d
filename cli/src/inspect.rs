//! `sigx inspect PID [--json]`: what a process does with each signal, from
//! `/proc`, and what that means in words.

use crate::procfs::{self, Process, Thread};
use crate::{FAILED, OK, args, failure, json, names, usage_error};
use sigx_core::signals;
use std::io;

const HELP: &str = "\
Usage: sigx inspect PID [--json]

What process PID (or `self`) does with each signal that is not plain
default, read from /proc/PID/status and /proc/PID/task/*/: ignored or caught
(process-wide), blocked in which threads (tid and thread name), pending for
the process or for one thread. Then warnings in words: a signal blocked in
every thread, an ignored one, handlers, real-time signals pending.

  --json   one object per line: first {\"kind\":\"process\",...} with the
           threads, then one {\"kind\":\"signal\",...} per signal listed, then
           one {\"kind\":\"warning\",\"text\":...} per warning

Works on any process whose /proc entry the caller may read.
Exit status: 0 ok, 1 if the process cannot be read, 2 for usage errors.
";

/// One signal that is not plain default, as the table and JSON show it.
struct Row<'a> {
    signo: i32,
    ignored: bool,
    caught: bool,
    /// Threads that block it.
    blocked: Vec<&'a Thread>,
    /// Pending for the whole process (`ShdPnd`).
    pending_process: bool,
    /// Threads it is pending for (`SigPnd`).
    pending_threads: Vec<&'a Thread>,
}

impl Row<'_> {
    fn disposition(&self) -> &'static str {
        if self.ignored {
            "ignored"
        } else if self.caught {
            "caught"
        } else {
            "default"
        }
    }

    fn pending(&self) -> bool {
        self.pending_process || !self.pending_threads.is_empty()
    }
}

/// Runs `sigx inspect`.
pub fn run(argv: &[String]) -> u8 {
    let parsed = match args::parse(argv, &[("json", false)]) {
        Ok(p) => p,
        Err(e) => return usage_error("inspect", &e),
    };
    if parsed.flag("help") {
        print!("{HELP}");
        return OK;
    }
    let pid = match parsed.operands.as_slice() {
        [pid] => match args::pid(pid, "process id") {
            Ok(p) => p,
            Err(e) => return usage_error("inspect", &e),
        },
        [] => return usage_error("inspect", "missing PID"),
        _ => return usage_error("inspect", "one PID at a time"),
    };
    let process = match procfs::read(pid) {
        Ok(p) => p,
        Err(e) => {
            let reason = match e.kind() {
                io::ErrorKind::NotFound => "no such process".to_string(),
                io::ErrorKind::PermissionDenied => "not permitted to read its /proc entry".into(),
                _ => e.to_string(),
            };
            failure("inspect", &pid.to_string(), &reason);
            return FAILED;
        }
    };
    let rows = rows(&process);
    let warnings = warnings(&process, &rows);
    if parsed.flag("json") {
        print_json(&process, &rows, &warnings);
    } else {
        print_text(&process, &rows, &warnings);
    }
    OK
}

/// The signals worth a line: ignored, caught, blocked somewhere or pending.
fn rows(p: &Process) -> Vec<Row<'_>> {
    names::all_signals()
        .filter_map(|signo| {
            let bit = signals::bit(signo);
            let row = Row {
                signo,
                ignored: p.ignored & bit != 0,
                caught: p.caught & bit != 0,
                blocked: p.threads.iter().filter(|t| t.blocked & bit != 0).collect(),
                pending_process: p.pending & bit != 0,
                pending_threads: p.threads.iter().filter(|t| t.pending & bit != 0).collect(),
            };
            (row.ignored || row.caught || !row.blocked.is_empty() || row.pending()).then_some(row)
        })
        .collect()
}

/// Whether `row`'s signal is blocked in every thread of `p`.
fn blocked_everywhere(p: &Process, row: &Row) -> bool {
    !p.threads.is_empty() && row.blocked.len() == p.threads.len()
}

/// "4243 (worker)".
fn thread_label(t: &Thread) -> String {
    format!("{} ({})", t.tid, t.name)
}

/// The warnings, most serious first.
fn warnings(p: &Process, rows: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    for row in rows {
        let name = names::signal(row.signo);
        if blocked_everywhere(p, row) && !row.ignored {
            out.push(format!(
                "{name} is blocked in every thread: `kill -{}` will wait forever, unless a thread \
                 takes it with sigwait, signalfd or sigx_wait",
                names::short(row.signo)
            ));
        }
    }
    for row in rows.iter().filter(|r| r.ignored) {
        let name = names::signal(row.signo);
        let text = match row.signo {
            libc::SIGPIPE => "SIGPIPE is ignored: writing to a closed pipe or socket fails with \
                              EPIPE instead of ending the process"
                .to_string(),
            libc::SIGCHLD => "SIGCHLD is ignored: ended children are reaped at once, so wait() \
                              cannot report how they ended"
                .to_string(),
            s if names::action(s) == "ignore" => continue,
            s => format!(
                "{name} is ignored (inherited from the parent shell? an ignored signal stays \
                 ignored across exec): `kill -{}` does nothing",
                names::short(s)
            ),
        };
        out.push(text);
    }
    let caught: Vec<String> = rows
        .iter()
        .filter(|r| r.caught)
        .map(|r| names::signal(r.signo))
        .collect();
    if !caught.is_empty() {
        out.push(format!(
            "{} caught: the program's handlers decide what a delivery does",
            caught.join(", ")
        ));
    }
    let is_rt = |s: i32| s >= signals::rtmin();
    for row in rows.iter().filter(|r| r.pending() && !is_rt(r.signo)) {
        let mut whom = Vec::new();
        if row.pending_process {
            whom.push("the process".to_string());
        }
        whom.extend(
            row.pending_threads
                .iter()
                .map(|t| format!("thread {}", thread_label(t))),
        );
        out.push(format!(
            "{} is pending for {}: sent, not delivered yet",
            names::signal(row.signo),
            whom.join(" and ")
        ));
    }
    let rt_pending: Vec<String> = rows
        .iter()
        .filter(|r| r.pending() && is_rt(r.signo))
        .map(|r| names::signal(r.signo))
        .collect();
    if !rt_pending.is_empty() {
        let n = rt_pending.len();
        out.push(format!(
            "{n} RT signal{} pending: {}",
            if n == 1 { "" } else { "s" },
            rt_pending.join(", ")
        ));
    }
    if let Some((queued, limit)) = p.queued {
        if limit > 0 && queued * 10 >= limit * 9 {
            out.push(format!(
                "the queue of pending signals of uid {} is nearly full: {queued} of {limit} \
                 (RLIMIT_SIGPENDING); sigqueue to its processes fails with EAGAIN when it is",
                p.uid
            ));
        }
    }
    out
}

fn print_text(p: &Process, rows: &[Row], warnings: &[String]) {
    let n = p.threads.len();
    println!(
        "process {} ({}), parent {}, uid {}, {n} thread{}: {}",
        p.pid,
        p.name,
        p.ppid,
        p.uid,
        if n == 1 { "" } else { "s" },
        p.threads
            .iter()
            .map(thread_label)
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some((queued, limit)) = p.queued {
        println!("signals queued for uid {}: {queued} of {limit}", p.uid);
    }
    println!();
    if rows.is_empty() {
        println!("every signal has its default action, none is blocked or pending");
    } else {
        println!(
            "{:<13} {:<8} {:<32} PENDING",
            "SIGNAL", "ACTION", "BLOCKED IN"
        );
        for row in rows {
            let blocked = if blocked_everywhere(p, row) {
                "every thread".to_string()
            } else if row.blocked.is_empty() {
                "-".to_string()
            } else {
                row.blocked
                    .iter()
                    .map(|t| thread_label(t))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut pending = Vec::new();
            if row.pending_process {
                pending.push("process".to_string());
            }
            pending.extend(
                row.pending_threads
                    .iter()
                    .map(|t| format!("thread {}", thread_label(t))),
            );
            let pending = if pending.is_empty() {
                "-".to_string()
            } else {
                pending.join(", ")
            };
            println!(
                "{:<13} {:<8} {blocked:<32} {pending}",
                names::signal(row.signo),
                row.disposition()
            );
        }
    }
    println!();
    if warnings.is_empty() {
        println!("no warnings");
    } else {
        println!("warnings:");
        for w in warnings {
            println!("  {w}");
        }
    }
}

/// `[{"tid":..,"name":..},...]`.
fn thread_array<'a>(threads: impl IntoIterator<Item = &'a Thread>) -> String {
    json::array(threads.into_iter().map(|t| {
        json::Object::new()
            .int("tid", t.tid)
            .str("name", &t.name)
            .finish()
    }))
}

fn print_json(p: &Process, rows: &[Row], warnings: &[String]) {
    let mut process = json::Object::new()
        .str("kind", "process")
        .int("pid", p.pid)
        .str("name", &p.name)
        .int("ppid", p.ppid)
        .int("uid", p.uid)
        .raw("threads", &thread_array(&p.threads));
    if let Some((queued, limit)) = p.queued {
        process = process.int("queued", queued).int("queue_limit", limit);
    }
    println!("{}", process.finish());
    for row in rows {
        let line = json::Object::new()
            .str("kind", "signal")
            .int("signo", row.signo)
            .str("name", &names::signal(row.signo))
            .str("disposition", row.disposition())
            .str("default", names::action(row.signo))
            .raw("blocked", &thread_array(row.blocked.iter().copied()))
            .bool("blocked_everywhere", blocked_everywhere(p, row))
            .bool("pending_process", row.pending_process)
            .raw(
                "pending_threads",
                &thread_array(row.pending_threads.iter().copied()),
            )
            .finish();
        println!("{line}");
    }
    for w in warnings {
        println!(
            "{}",
            json::Object::new()
                .str("kind", "warning")
                .str("text", w)
                .finish()
        );
    }
}
