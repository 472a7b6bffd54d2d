//! `sigx`: list, send, inspect and watch POSIX signals, in words.
//!
//! Exit statuses follow kill(1): 0 when everything worked, 1 when some
//! target or operation failed, 2 for a usage error. Errors go to stderr as
//! `sigx: COMMAND: WHAT: REASON`.

mod args;
mod inspect;
mod json;
mod list;
mod names;
mod procfs;
mod send;
mod watch;

use std::ffi::CStr;
use std::process::ExitCode;

/// Exit status: everything worked.
pub const OK: u8 = 0;
/// Exit status: a target or an operation failed.
pub const FAILED: u8 = 1;
/// Exit status: the command line is wrong.
pub const USAGE: u8 = 2;

const HELP: &str = "\
sigx - list, send, inspect and watch POSIX signals

Usage:
  sigx list [--json]                                  every signal: number, name, default action
  sigx send [--value N] [--thread TID] SIGNAL PID...  send a signal (kill, sigqueue, tgkill)
  sigx inspect PID [--json]                           what a process does with each signal, in words
  sigx watch [--count N] [--timeout S] [--json] SIGNAL...
                                                      catch signals and print who sent them
  sigx --version

`sigx COMMAND --help` describes a command. Signals are names (TERM, SIGTERM,
sigterm, RTMIN+3) or numbers. --json prints one JSON object per line.
Exit status: 0 ok, 1 when a target or operation failed, 2 for usage errors.
";

/// Prints a usage error for `command` and returns the usage exit status.
pub fn usage_error(command: &str, message: &str) -> u8 {
    eprintln!("sigx: {command}: {message} (see `sigx {command} --help`)");
    USAGE
}

/// Prints a failure of `command` about `what`.
pub fn failure(command: &str, what: &str, reason: &str) {
    eprintln!("sigx: {command}: {what}: {reason}");
}

/// The library's version ("0.2.0"), from `sigx_version()`.
fn version() -> String {
    let ptr = sigx_core::capi::lookup::sigx_version();
    // SAFETY: sigx_version returns a static NUL-terminated string, never NULL.
    unsafe { CStr::from_ptr(ptr) }
        .to_string_lossy()
        .into_owned()
}

fn main() -> ExitCode {
    // Die quietly of SIGPIPE, like C tools (`sigx list | head`), instead of
    // Rust's default of ignoring it and failing the next write.
    // SAFETY: setting a standard disposition before any other thread exists.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };

    let argv: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = argv.split_first() else {
        eprint!("{HELP}");
        return ExitCode::from(USAGE);
    };
    let status = match command.as_str() {
        "list" => list::run(rest),
        "send" => send::run(rest),
        "inspect" => inspect::run(rest),
        "watch" => watch::run(rest),
        "-h" | "--help" | "help" => {
            print!("{HELP}");
            OK
        }
        "-V" | "--version" => {
            println!("sigx {}", version());
            OK
        }
        other => {
            eprintln!("sigx: unknown command '{other}' (see `sigx --help`)");
            USAGE
        }
    };
    ExitCode::from(status)
}
