//! `sigx watch [--count N] [--timeout S] [--json] SIGNAL...`: catch signals
//! in this process with the library (sigx_install, sigx_wait) and print each
//! delivery as it is taken.

use crate::{FAILED, OK, USAGE, args, failure, json, names, procfs, usage_error};
use sigx_core::capi::install::sigx_install;
use sigx_core::capi::status::{sigx_status, sigx_strerror};
use sigx_core::capi::wait::sigx_wait;
use sigx_core::record::sigx_info;
use sigx_core::signals;
use std::ffi::CStr;
use std::time::{Duration, Instant};

const HELP: &str = "\
Usage: sigx watch [--count N] [--timeout S] [--json] SIGNAL...

Catches each SIGNAL in this process and prints every delivery as it arrives:
the time (UTC), the signal, its code (SI_USER from kill, SI_QUEUE from
sigqueue, SI_TKILL from tgkill/raise, SI_KERNEL, CLD_EXITED, ...), the
sender's pid and uid, the sender's command name (/proc/PID/comm, read at
delivery: `?` if the sender is gone by then) and the value. A way to see what
a supervisor really sends. The line `sigx: watch: pid P ready` on stderr says
when the signals are caught.

  --count N     stop after N deliveries (exit 1 if --timeout ends the watch first)
  --timeout S   stop after S seconds (decimals allowed)
  --json        one object per line: {\"time\",\"time_ns\",\"signo\",\"name\",
                \"code\",\"pid\",\"uid\",\"comm\",\"value\",\"status\",\"seq\",\"dropped\"}

Without --count and --timeout it runs until it is killed (Ctrl-C, unless
SIGINT is watched).
";

/// Runs `sigx watch`.
pub fn run(argv: &[String]) -> u8 {
    let spec = [("count", true), ("timeout", true), ("json", false)];
    let parsed = match args::parse(argv, &spec) {
        Ok(p) => p,
        Err(e) => return usage_error("watch", &e),
    };
    if parsed.flag("help") {
        print!("{HELP}");
        return OK;
    }
    let count = match parsed.value("count").map(str::parse::<u64>).transpose() {
        Ok(Some(0)) | Err(_) => return usage_error("watch", "--count needs a positive number"),
        Ok(c) => c,
    };
    let timeout = match parsed.value("timeout").map(str::parse::<f64>).transpose() {
        Ok(Some(t)) if (0.0..1e9).contains(&t) => Some(Duration::from_secs_f64(t)),
        Ok(None) => None,
        _ => return usage_error("watch", "--timeout needs a number of seconds"),
    };
    if parsed.operands.is_empty() {
        return usage_error("watch", "missing SIGNAL");
    }
    let mut mask = 0u64;
    for operand in &parsed.operands {
        let signo = match args::signal(operand, false) {
            Ok(s) => s,
            Err(e) => return usage_error("watch", &e),
        };
        let status = sigx_install(signo, 0);
        if status != sigx_status::SIGX_OK as i32 {
            let name = names::signal(signo);
            let reason = if status == sigx_status::SIGX_ERR_UNCATCHABLE as i32 {
                "no process can catch it".to_string()
            } else if status == sigx_status::SIGX_ERR_FORBIDDEN as i32 {
                "sigx does not catch it (a fault, or reserved by the C library)".to_string()
            } else {
                status_text(status)
            };
            failure("watch", &name, &reason);
            return if status == sigx_status::SIGX_ERR_SYSTEM as i32 {
                FAILED
            } else {
                USAGE
            };
        }
        mask |= signals::bit(signo);
    }
    eprintln!(
        "sigx: watch: pid {} ready, watching {}",
        std::process::id(),
        names::list(mask)
    );

    let json = parsed.flag("json");
    let deadline = timeout.map(|t| Instant::now() + t);
    let mut seen = 0u64;
    while count.is_none_or(|c| seen < c) {
        let wait_ms = match deadline {
            None => -1,
            Some(d) => {
                // Rounded up, so the last wait does not end just short of it.
                let left = d.saturating_duration_since(Instant::now());
                i64::try_from(left.as_nanos().div_ceil(1_000_000)).unwrap_or(i64::MAX)
            }
        };
        let mut info = sigx_info::default();
        // SAFETY: `info` is a live, writable sigx_info.
        let status = unsafe { sigx_wait(mask, &mut info, wait_ms) };
        if status == sigx_status::SIGX_ERR_TIMEOUT as i32 {
            return match count {
                Some(c) => {
                    let secs = timeout.map_or(0.0, |t| t.as_secs_f64());
                    failure(
                        "watch",
                        "timeout",
                        &format!("{seen} of {c} deliveries within {secs} s"),
                    );
                    FAILED
                }
                None => OK,
            };
        }
        if status != sigx_status::SIGX_OK as i32 {
            failure("watch", "sigx_wait", &status_text(status));
            return FAILED;
        }
        seen += 1;
        print_delivery(&info, json);
    }
    OK
}

/// `sigx_strerror(status)` as a string.
fn status_text(status: i32) -> String {
    // SAFETY: sigx_strerror returns a static NUL-terminated string, never NULL.
    unsafe { CStr::from_ptr(sigx_strerror(status)) }
        .to_string_lossy()
        .into_owned()
}

/// Nanoseconds on `clock`.
fn now_ns(clock: libc::clockid_t) -> i128 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out-pointer; the clocks used always exist.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    i128::from(ts.tv_sec) * 1_000_000_000 + i128::from(ts.tv_nsec)
}

/// `2025-01-31T12:34:56.789012Z` for nanoseconds since the epoch.
fn utc(ns: i128) -> String {
    let secs = ns.div_euclid(1_000_000_000);
    let micros = ns.rem_euclid(1_000_000_000) / 1000;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Days since 1970-01-01 to a civil date (proleptic Gregorian calendar).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i128::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Prints one record: a line of text or one JSON object.
fn print_delivery(info: &sigx_info, json: bool) {
    // The record's time is CLOCK_MONOTONIC at delivery: shift it to the
    // wall clock by the clocks' difference now.
    let wall =
        now_ns(libc::CLOCK_REALTIME) - now_ns(libc::CLOCK_MONOTONIC) + i128::from(info.time_ns);
    let time = utc(wall);
    let name = names::signal(info.signo);
    let code = names::code(info.signo, info.code);
    // The kernel names a sender (or, for SIGCHLD, the child) only for
    // these codes; read its name now, while it may still exist.
    let has_sender = info.pid > 0;
    let comm = if has_sender {
        Some(procfs::comm(&format!("/proc/{}/comm", info.pid)).unwrap_or_else(|| "?".into()))
    } else {
        None
    };
    let child = info.signo == libc::SIGCHLD && info.code > 0;
    if json {
        let mut line = json::Object::new()
            .str("time", &time)
            .int("time_ns", info.time_ns)
            .int("signo", info.signo)
            .str("name", &name)
            .str("code", &code)
            .int("pid", info.pid)
            .int("uid", info.uid)
            .opt_str("comm", comm.as_deref())
            .int("value", info.value);
        if child {
            line = line.int("status", info.status);
        }
        println!(
            "{}",
            line.int("seq", info.seq)
                .int("dropped", info.dropped)
                .finish()
        );
        return;
    }
    let mut text = format!("{time} {name} {code}");
    if has_sender {
        let who = if child { "child" } else { "from pid" };
        text += &format!(
            " {who} {} ({}) uid {}",
            info.pid,
            comm.as_deref().unwrap_or("?"),
            info.uid
        );
    }
    if child {
        text += &format!(" status {}", info.status);
    }
    if matches!(info.code, libc::SI_QUEUE | libc::SI_TIMER | libc::SI_MESGQ) {
        text += &format!(" value {}", info.value);
    }
    if info.dropped > 0 {
        text += &format!(" ({} earlier dropped)", info.dropped);
    }
    println!("{text}");
}

#[cfg(test)]
mod tests {
    use super::utc;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01T00:00:00.000000Z");
        // 2000-02-29 12:00:00.5 UTC, a leap day.
        assert_eq!(utc(951_825_600_500_000_000), "2000-02-29T12:00:00.500000Z");
        assert_eq!(
            utc(1_735_689_599_999_999_000),
            "2024-12-31T23:59:59.999999Z"
        );
    }
}
